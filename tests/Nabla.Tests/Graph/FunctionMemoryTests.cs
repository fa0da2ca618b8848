namespace Nabla.Tests.Graph;

/// <summary>The memory plan: intermediates in a reused arena, updates in place, nothing else allocated per call.</summary>
public class FunctionMemoryTests
{
    [Fact]
    public void TrainingStep_AllocatesOnlyItsOutputs_AndUpdatesVariablesInPlace_Over10000Calls()
    {
        var w = new Variable(Tf.Fill([32, 16], 0.01f));
        var b = new Variable(Tf.Zeros([16]));
        Tensor x = Tf.Random.Normal([8, 32], seed: 1);
        Tensor y = Tf.Random.Normal([8, 16], seed: 2);
        var step = Tf.Function((Tensor xb, Tensor yb) =>
        {
            using var tape = new GradientTape();
            Tensor loss = Tf.ReduceMean(Tf.Square(Tf.Nn.Relu(Tf.MatMul(xb, w) + b) - yb));
            Tensor?[] grads = tape.Gradient(loss, w, b);
            w.AssignSub(0.01f * grads[0]!);
            b.AssignSub(0.01f * grads[1]!);
            return loss;
        });

        step.Invoke(x, y);
        step.Invoke(x, y); // the first call stores fresh buffers; from the second on they are updated in place
        Array kernel = GraphTestAccess.BufferOf(w);
        ExecutionPlan plan = step.GetConcreteFunction(x, y).Executor.PlanFor([x, y]);
        long arena = plan.Memory.ArenaBytes;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            step.Invoke(x, y);
        }

        double perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 10_000.0;
        Assert.Same(kernel, GraphTestAccess.BufferOf(w));
        Assert.Equal(arena, step.GetConcreteFunction(x, y).Executor.PlanFor([x, y]).Memory.ArenaBytes);

        // The loss (a scalar tensor and its buffer) and the call's small arrays: far below one 32x16 gradient (2 KiB).
        Assert.True(perCall < 600, $"{perCall:F0} bytes allocated per call");
    }

    [Fact]
    public void InPlaceUpdate_NeverChangesATensorTheUserHolds()
    {
        var v = new Variable(Tf.Zeros([4]));
        var step = Tf.Function((Tensor d) => v.AssignAdd(d));
        Tensor one = Tf.Ones([4]);
        step.Invoke(one);
        step.Invoke(one);
        Tensor held = v.ReadValue();
        step.Invoke(one);
        step.Invoke(one);
        Assert.Equal(new float[] { 2, 2, 2, 2 }, held.ToArray<float>());
        Assert.Equal(new float[] { 4, 4, 4, 4 }, v.ToArray<float>());
    }

    [Fact]
    public void ReturnedVariable_IsNotOverwrittenByTheNextCall()
    {
        var v = new Variable(Tf.Zeros([3]));
        var step = Tf.Function(() =>
        {
            v.AssignAdd(Tf.Ones([3]));
            return v.ReadValue();
        });
        Tensor first = step.Invoke();
        Tensor second = step.Invoke();
        Assert.Equal(new float[] { 1, 1, 1 }, first.ToArray<float>());
        Assert.Equal(new float[] { 2, 2, 2 }, second.ToArray<float>());
    }
}
