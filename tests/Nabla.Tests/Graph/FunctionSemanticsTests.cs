using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Graph;

/// <summary>TensorFlow's tf.function rules that are not about one op: retracing, printing, random numbers, nesting, threads.</summary>
[Collection(GlobalConfigTests.Name)]
public class FunctionSemanticsTests
{
    [Fact]
    public void ReduceRetracing_SecondShapeRelaxesTheTrace_ThirdShapeReusesIt()
    {
        var f = Tf.Function((Tensor x) => x * 2, reduceRetracing: true);
        f.Invoke(Tf.Constant(new float[] { 1, 2 }));
        f.Invoke(Tf.Constant(new float[] { 1, 2, 3 }));
        Assert.Equal(2, f.TracingCount);
        AssertTensor.Close([2, 4, 6, 8], f.Invoke(Tf.Constant(new float[] { 1, 2, 3, 4 })));
        Assert.Equal(2, f.TracingCount);
    }

    [Fact]
    public void FrequentRetracing_WarnsWithTensorFlowsText()
    {
        var warnings = new StringWriter();
        TextWriter previous = Tf.Config.WarningOutput;
        Tf.Config.WarningOutput = warnings;
        try
        {
            var f = Tf.Function((Tensor x) => x + 1, name: "shapes_change");
            for (int n = 1; n <= 6; n++)
            {
                f.Invoke(Tf.Zeros([n]));
            }
        }
        finally
        {
            Tf.Config.WarningOutput = previous;
        }

        Assert.Contains("5 out of the last 5 calls to shapes_change triggered tf.function retracing", warnings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Print_RunsEveryCall_WhileCSharpCodeRunsOnlyWhenTracing()
    {
        var printed = new StringWriter();
        TextWriter previous = Tf.Config.PrintOutput;
        Tf.Config.PrintOutput = printed;
        int traced = 0;
        try
        {
            var f = Tf.Function((Tensor x) =>
            {
                traced++;
                Tf.Print("x is", x);
                return x * x;
            });
            f.Invoke(Tf.Constant(new[] { 1, 2 }));
            f.Invoke(Tf.Constant(new[] { 3, 4 }));
        }
        finally
        {
            Tf.Config.PrintOutput = previous;
        }

        Assert.Equal(1, traced);
        Assert.Equal(["x is [1 2]", "x is [3 4]"], printed.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void RunFunctionsEagerly_RunsTheCSharpBodyEachCall()
    {
        int runs = 0;
        var f = Tf.Function((Tensor x) =>
        {
            runs++;
            Assert.True(Tf.ExecutingEagerly());
            return x + 1;
        });
        Tf.Config.RunFunctionsEagerly(true);
        try
        {
            f.Invoke(Tf.Constant(1f));
            f.Invoke(Tf.Constant(2f));
            Assert.True(Tf.Config.FunctionsRunEagerly);
        }
        finally
        {
            Tf.Config.RunFunctionsEagerly(false);
        }

        Assert.Equal(2, runs);
        Assert.Equal(0, f.TracingCount);
    }

    [Fact]
    public void RandomOps_DrawNewNumbersOnEveryRun_ReproduciblyUnderASeed()
    {
        var f = Tf.Function((Tensor x) => x + Tf.Random.Uniform([4]));
        Tensor zero = Tf.Zeros([4]);
        f.Invoke(zero); // traced before the seed is set: tracing draws no numbers of the runs' sequence
        Tf.Random.SetSeed(7);
        float[] first = f.Invoke(zero).ToArray<float>();
        float[] second = f.Invoke(zero).ToArray<float>();
        Assert.NotEqual(first, second);
        Tf.Random.SetSeed(7);
        Assert.Equal(first, f.Invoke(zero).ToArray<float>());
    }

    [Fact]
    public void GradientThroughDropout_UsesTheMaskTheCallDrew()
    {
        var f = Tf.Function((Tensor x) => Tf.Nn.Dropout(x, 0.5));
        var x = new Variable(Tf.Ones([64]));
        Tensor y, g;
        using (var tape = new GradientTape())
        {
            y = f.Invoke(x);
            g = tape.Gradient(Tf.ReduceSum(y), x)!;
        }

        // d(sum(mask * x / 0.5))/dx = mask / 0.5 = y itself for x = 1.
        AssertTensor.Close(y, g);
        Assert.Contains(y.ToArray<float>(), v => v == 0f);
    }

    [Fact]
    public void FunctionCallingFunction_IsInlined_AndDifferentiable()
    {
        var square = Tf.Function((Tensor x) => x * x);
        var outer = Tf.Function((Tensor x) => square.Invoke(x) + square.Invoke(x + 1));
        Tensor x = Tf.Constant(2f);
        Tensor dy;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            Tensor y = outer.Invoke(x);
            Assert.Equal(13f, y.Item<float>());
            dy = tape.Gradient(y, x)!;
        }

        Assert.Equal(10f, dy.Item<float>()); // 2x + 2(x + 1)
        Assert.Equal(1, outer.TracingCount);
        Assert.Equal(1, square.TracingCount);
    }

    [Fact]
    public void ConcurrentCalls_FromSeveralThreads_GiveEachItsOwnResult()
    {
        var f = Tf.Function((Tensor x) => Tf.ReduceSum(x * x + x));
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, thread =>
        {
            for (int i = 0; i < 300; i++)
            {
                float v = (thread * 1000) + i;
                float got = f.Invoke(Tf.Fill([3], v)).Item<float>();
                if (got != 3 * ((v * v) + v))
                {
                    errors.Add($"thread {thread} call {i}: {got}");
                }
            }
        });
        Assert.Empty(errors);
        Assert.Equal(1, f.TracingCount);
    }

    [Fact]
    public void TapeInsideFunction_SecondOrder()
    {
        var f = Tf.Function((Tensor x) =>
        {
            using var outer = new GradientTape();
            outer.Watch(x);
            Tensor dy;
            using (var inner = new GradientTape())
            {
                inner.Watch(x);
                dy = inner.Gradient(x * x * x, x)!;
            }

            return outer.Gradient(dy, x)!;
        });
        Assert.Equal(18f, f.Invoke(Tf.Constant(3f)).Item<float>());
    }
}

/// <summary>Tests that change process-wide settings (Tf.Config, the random seed) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalConfigTests
{
    public const string Name = "Global Tf.Config";
}
