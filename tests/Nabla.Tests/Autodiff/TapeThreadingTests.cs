namespace Nabla.Tests.Autodiff;

/// <summary>Tapes belong to the thread or async flow that opened them; non-persistent tapes let go of what they recorded.</summary>
public class TapeThreadingTests
{
    private static (double W, double B) Train(double slope, double intercept, int steps)
    {
        double[] xs = [-1, 0, 1, 2, 3, 4];
        double[] ys = xs.Select(v => (slope * v) + intercept).ToArray();
        var w = new Variable(0.0);
        var b = new Variable(0.0);
        for (int i = 0; i < steps; i++)
        {
            Tensor?[] grads;
            using (var tape = new GradientTape())
            {
                var error = (w * xs) + b - ys;
                var loss = Tf.ReduceSum(error * error) / xs.Length;
                grads = tape.Gradient(loss, w, b);
            }

            w.AssignSub(0.05 * grads[0]!);
            b.AssignSub(0.05 * grads[1]!);
        }

        return (w.Item<double>(), b.Item<double>());
    }

    [Fact]
    public void TwoThreads_TrainingConcurrently_GetIndependentCorrectGradients()
    {
        (double W, double B) expectedA = Train(2, -1, 300);
        (double W, double B) expectedB = Train(-3, 5, 300);
        (double W, double B) a = default, b = default;
        using var start = new Barrier(2);
        var threadA = new Thread(() =>
        {
            start.SignalAndWait();
            a = Train(2, -1, 300);
        });
        var threadB = new Thread(() =>
        {
            start.SignalAndWait();
            b = Train(-3, 5, 300);
        });
        threadA.Start();
        threadB.Start();
        threadA.Join();
        threadB.Join();

        Assert.Equal(expectedA, a);
        Assert.Equal(expectedB, b);
        Assert.Equal(2, a.W, 1e-1);
        Assert.Equal(-3, b.W, 1e-1);
    }

    [Fact]
    public void Tape_IsInvisibleToAThreadThatDoesNotInheritTheFlow()
    {
        var x = Tf.Constant(2f);
        using var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        Tensor fromOtherThread = null!;
        Thread other;
        using (System.Threading.ExecutionContext.SuppressFlow())
        {
            other = new Thread(() => fromOtherThread = x * x);
            other.Start();
        }

        other.Join();
        Tensor here = x * x;
        Assert.Null(tape.Gradient(fromOtherThread, x));
        Assert.Equal(4f, tape.Gradient(here, x)!.Item<float>());
    }

    [Fact]
    public void ChildTasksStartedInsideTheBlock_InheritTheTape_AndRecordSafely()
    {
        var x = Tf.Constant(new[] { 1.0, 2.0, 3.0 });
        var tape = new GradientTape();
        var parts = new Tensor[64];
        Tensor total;
        using (tape)
        {
            tape.Watch(x);
            Parallel.For(0, parts.Length, i => parts[i] = Tf.ReduceSum(x * x * (double)i));
            total = parts[0];
            for (int i = 1; i < parts.Length; i++)
            {
                total += parts[i];
            }
        }

        // d/dx sum_i i * x^2 = 2 x * sum_i i = 2 x * 2016.
        double[] g = tape.Gradient(total, x)!.ToArray<double>();
        Assert.Equal([4032.0, 8064.0, 12096.0], g);
    }

    [Fact]
    public async Task Tape_FlowsAcrossAwait()
    {
        var x = Tf.Constant(3f);
        var tape = new GradientTape();
        Tensor y;
        using (tape)
        {
            tape.Watch(x);
            await Task.Yield();
            y = x * x;
        }

        Assert.Equal(6f, tape.Gradient(y, x)!.Item<float>());
    }

    [Fact]
    public void NonPersistentTape_ReleasesEntriesAfterGradient()
    {
        var x = new Variable(2f);
        var tape = new GradientTape();
        using (tape)
        {
            _ = tape.Gradient(x * x * x, x);
        }

        Assert.Equal(0, tape.EntryCount);
    }

    [Fact]
    public void FitDataLoop_NonPersistentTape_MemoryStaysBounded()
    {
        double[] xs = [-1, 0, 1, 2, 3, 4];
        double[] ys = xs.Select(v => (2 * v) - 1).ToArray();
        var w = new Variable(0.3745401188);
        var b = new Variable(0.9507143064);

        void FitData()
        {
            Tensor?[] grads;
            using (var tape = new GradientTape())
            {
                var loss = Tf.Abs((w * xs) + b - ys);
                grads = tape.Gradient(loss, w, b);
            }

            w.AssignSub(0.001 * grads[0]!);
            b.AssignSub(0.001 * grads[1]!);
        }

        for (int i = 0; i < 1000; i++)
        {
            FitData();
        }

        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < 50_000; i++)
        {
            FitData();
        }

        long growth = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(growth < 20_000_000, $"memory grew by {growth} bytes");
        Assert.InRange(w.Item<double>(), 1.9, 2.1);
    }
}
