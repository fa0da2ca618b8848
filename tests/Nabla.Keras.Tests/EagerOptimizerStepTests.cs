using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests;

/// <summary>
/// An eager <c>optimizer.ApplyGradients</c> (a custom training loop, <c>RunEagerly</c>, a distribution strategy)
/// runs a built-in optimizer's update as a traced function: the moments are updated in place and only each weight's
/// new value is allocated, so eager training does not depend on the application's GC settings.
/// </summary>
public class EagerOptimizerStepTests
{
    private const int Rows = 784, Columns = 128;

    private static (Variable W, Tensor Gradient) Weight()
    {
        var random = new Random(3);
        float[] values = new float[Rows * Columns], gradient = new float[Rows * Columns];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle() - 0.5f;
            gradient[i] = (random.NextSingle() - 0.5f) * 0.01f;
        }

        return (new Variable(Tf.Constant(values, [Rows, Columns])), Tf.Constant(gradient, [Rows, Columns]));
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    [InlineData("rmsprop")]
    [InlineData("adagrad")]
    public void EagerStep_OfAWeightMatrix_AllocatesAboutOneWeight(string name)
    {
        Optimizer optimizer = name;
        (Variable w, Tensor gradient) = Weight();
        for (int i = 0; i < 3; i++)
        {
            optimizer.ApplyGradients([(gradient, w)]);
        }

        const int Steps = 5;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Steps; i++)
        {
            optimizer.ApplyGradients([(gradient, w)]);
        }

        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / Steps;
        long weightBytes = Rows * Columns * sizeof(float);
        // Op by op, Adam made a dozen weight-sized temporaries per step (4.8 MB here); now the new value and a little.
        Assert.True(perStep < weightBytes * 3 / 2, $"{name}: {perStep:N0} bytes per step for a {weightBytes:N0}-byte weight");
        Assert.Equal(8L, optimizer.Iterations);
    }

    [Fact]
    public void EagerSteps_EqualTheSameStepsInsideATracedFunction()
    {
        (Variable eagerW, Tensor gradient) = Weight();
        (Variable tracedW, _) = Weight();
        Optimizer eager = new Adam(0.01), traced = new Adam(0.01);
        var step = Tf.Function((Tensor g) => traced.ApplyGradients([(g, tracedW)]));
        for (int i = 0; i < 4; i++)
        {
            eager.ApplyGradients([(gradient * (i + 1), eagerW)]);
            traced.PrepareTracedStep();
            step.Invoke(gradient * (i + 1));
        }

        Assert.Equal(tracedW.ToArray<float>(), eagerW.ToArray<float>());
    }

    [Fact]
    public void EagerSteps_OverDifferentVariableLists_EachUpdateTheirOwn()
    {
        var optimizer = new SGD(0.5);
        var a = new Variable(new[] { 1f, 2f });
        var b = new Variable(new[] { 10f });
        optimizer.ApplyGradients([(Tf.Constant(new[] { 1f, 1f }), a)]);
        optimizer.ApplyGradients([(Tf.Constant(new[] { 2f }), b)]);
        optimizer.ApplyGradients([(Tf.Constant(new[] { 1f, 1f }), a), (Tf.Constant(new[] { 2f }), b)]);
        Assert.Equal(new[] { 0f, 1f }, a.ToArray<float>());
        Assert.Equal(new[] { 8f }, b.ToArray<float>());
        Assert.Equal(3L, optimizer.Iterations);
    }

    // A user's optimizer may do what a trace cannot (read the learning rate as a number): it keeps the eager path.
    private sealed class ReadsValues() : Optimizer(null, 0.1, "reads_values")
    {
        protected override void UpdateStep(Tensor gradient, Variable variable, Tensor learningRate, Tensor localStep) =>
            variable.AssignSub(gradient * learningRate.Item<double>() * localStep.Item<double>());
    }

    [Fact]
    public void UserOptimizer_ReadingValues_StillRunsEagerly()
    {
        var optimizer = new ReadsValues();
        var w = new Variable(new[] { 1.0 });
        optimizer.ApplyGradients([(Tf.Constant(new[] { 1.0 }), w)]);
        optimizer.ApplyGradients([(Tf.Constant(new[] { 1.0 }), w)]);
        Assert.Equal(1.0 - 0.1 - 0.2, w.ToArray<double>()[0], 12);
    }
}
