using System.Reflection;
using System.Runtime.Intrinsics;

namespace Nabla.Tests.Graph;

/// <summary>
/// The compiled fusion path (<see cref="FusedKernelCompiler"/>): every op's one-register kernel against its span
/// kernel on special values, ragged row ends split over threads, in-place updates, and the interpreter it falls
/// back to giving the same results.
/// </summary>
[Collection(FusionSwitch.Name)]
public class CompiledFusionTests
{
    // NaN, infinities, signed zeros, subnormals, extremes, tanh's polynomial cutoff, and ordinary values: 37 in all,
    // so every length leaves a ragged tail after whole vectors.
    private static readonly float[] Specials =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, -1e-40f, 1e-30f, -1e-30f,
        3e38f, -3e38f, 88f, -88f, 89.5f, -104.5f, 0.2499f, 0.25f, 0.2501f, -0.25f, 1f, -1f, 0.5f, -0.5f, 2f, -2f,
        10f, -10f, 1e-4f, -1e-4f, 7.5f, -7.5f, 100f, -100f, 0.1f, -0.1f, 3.14159f, -2.71828f,
    ];

    // Each op in both register widths (the 512-bit one only runs where it is accelerated; elsewhere both run 256).
    public static TheoryData<string, bool> VectorizedUnaryOps => WithWidths(OpsWithVectorKernel<ElementwiseUnaryOp>());

    public static TheoryData<string, bool> VectorizedBinaryOps => WithWidths(OpsWithVectorKernel<ElementwiseBinaryOp>());

    [Fact]
    public void TheElementwiseOpsTrainingUses_HaveVectorKernels()
    {
        string[] unary = [.. OpsWithVectorKernel<ElementwiseUnaryOp>().Select(op => op.Name)];
        string[] binary = [.. OpsWithVectorKernel<ElementwiseBinaryOp>().Select(op => op.Name)];
        Assert.Subset(unary.ToHashSet(), new HashSet<string> { "Relu", "Tanh", "Sigmoid", "Exp", "Sqrt", "Abs", "Neg", "Square" });
        Assert.Subset(binary.ToHashSet(), new HashSet<string> { "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum" });
    }

    [Theory]
    [MemberData(nameof(VectorizedUnaryOps))]
    public void UnaryVectorKernel_EqualsTheSpanKernel(string name, bool wide)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return; // the interpreter runs every group here; nothing is compiled to compare
        }

        var op = OpsWithVectorKernel<ElementwiseUnaryOp>().Single(o => o.Name == name);
        Tensor x = Tf.Constant(Specials);
        float[] compiled = WithWidth(wide, () =>
        {
            var f = Tf.Function((Tensor t) => Tf.Multiply(op.Call(t), 1f));
            float[] result = f.Invoke(x).ToArray<float>();
            Assert.True(Assert.Single(FusedSteps(f, x)).IsCompiled);
            return result;
        });
        AssertAgree(name, op.Call(x).ToArray<float>(), compiled);
    }

    [Theory]
    [MemberData(nameof(VectorizedBinaryOps))]
    public void BinaryVectorKernel_EqualsTheSpanKernel(string name, bool wide)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return;
        }

        var op = OpsWithVectorKernel<ElementwiseBinaryOp>().Single(o => o.Name == name);
        float[] a = [.. Specials.SelectMany(v => Specials.Select(_ => v))];
        float[] b = [.. Specials.SelectMany(_ => Specials)];
        Tensor x = Tf.Constant(a);
        Tensor y = Tf.Constant(b);
        float[] compiled = WithWidth(wide, () =>
        {
            var f = Tf.Function((Tensor s, Tensor t) => Tf.Multiply(op.Call(s, t), 1f));
            float[] result = f.Invoke(x, y).ToArray<float>();
            Assert.True(Assert.Single(FusedSteps(f, x, y)).IsCompiled);
            return result;
        });
        AssertAgree(name, op.Call(x, y).ToArray<float>(), compiled);
    }

    // Rows of 8, 13 (ragged) and 200 floats; 12,000 rows of 13 exceed ParallelFor's split, so chunks start mid-row.
    [Theory]
    [InlineData(5, 8, true)]
    [InlineData(3, 13, true)]
    [InlineData(12_000, 13, true)]
    [InlineData(700, 200, true)]
    [InlineData(700, 200, false)]
    [InlineData(9_000, 17, true)]
    [InlineData(9_000, 17, false)]
    [InlineData(1, 9, true)]
    public void BiasRows_CompiledEqualsInterpreted(int rows, int width, bool wide)
    {
        Tensor x = Tf.Random.Normal([rows, width], seed: rows + width);
        Tensor bias = Tf.Random.Normal([width], seed: width);
        float[] fromCompiled = WithWidth(wide, () =>
        {
            var compiled = Tf.Function((Tensor a, Tensor c) => Tf.Nn.Relu(a + c) * 2 - c);
            float[] result = compiled.Invoke(x, bias).ToArray<float>();
            Assert.All(FusedSteps(compiled, x, bias), op => Assert.True(op.IsCompiled || !Vector256.IsHardwareAccelerated));
            return result;
        });
        Assert.Equal(Interpreted((a, c) => Tf.Nn.Relu(a + c) * 2 - c, x, bias), fromCompiled);
        Assert.Equal((Tf.Nn.Relu(x + bias) * 2 - bias).ToArray<float>(), fromCompiled);
    }

    // Rows shorter than a vector (4 floats) are left to the interpreter, which reads them cyclically as before.
    [Fact]
    public void ShortRows_RunInTheInterpreter()
    {
        Tensor x = Tf.Random.Normal([100, 4], seed: 1);
        Tensor bias = Tf.Random.Normal([4], seed: 2);
        var f = Tf.Function((Tensor a, Tensor c) => Tf.Nn.Relu(a + c) * 2);
        Assert.Equal((Tf.Nn.Relu(x + bias) * 2).ToArray<float>(), f.Invoke(x, bias).ToArray<float>());
        Assert.False(Assert.Single(FusedSteps(f, x, bias)).IsCompiled);
    }

    // A ragged length: the last vector overlaps lanes already updated in place (only its own lanes are stored).
    [Theory]
    [InlineData(1003, true)]
    [InlineData(1003, false)]
    [InlineData(150_001, true)]
    [InlineData(150_001, false)]
    public void InPlaceUpdate_WithARaggedEnd_StoresOnlyItsOwnLanes(int length, bool wide)
    {
        Tensor g = Tf.Random.Normal([length], seed: 3);
        Tensor start = Tf.Random.Normal([length], seed: 4);
        var w = new Variable(start);
        WithWidth(wide, () =>
        {
            var step = Tf.Function((Tensor grad) =>
            {
                w.AssignSub(0.5f * Tf.Tanh(grad) * w);
                return Tf.Constant(0f);
            });
            step.Invoke(g);
            step.Invoke(g);
            Assert.All(FusedSteps(step, g), op => Assert.True(op.IsCompiled || !Vector256.IsHardwareAccelerated));
            return 0;
        });
        var expected = new Variable(start);
        expected.AssignSub(0.5f * Tf.Tanh(g) * expected);
        expected.AssignSub(0.5f * Tf.Tanh(g) * expected);
        AssertAgree("update", expected.ToArray<float>(), w.ToArray<float>());
    }

    [Theory]
    [InlineData(8)]
    [InlineData(1025)]
    [InlineData(300_001)]
    public void Interpreter_StillRunsWhenCompilingIsOff(int length)
    {
        Tensor x = Tf.Random.Normal([length], seed: length) * 3;
        static Tensor Chain(Tensor t) => Tf.Exp(t * 0.5f) - Tf.Sqrt(Tf.Abs(t)) + Tf.Nn.Sigmoid(t);
        FusedKernelCompiler.Enabled = false;
        try
        {
            var f = Tf.Function((Func<Tensor, Tensor>)Chain);
            float[] interpreted = f.Invoke(x).ToArray<float>();
            Assert.False(Assert.Single(FusedSteps(f, x)).IsCompiled);
            Assert.Equal(Chain(x).ToArray<float>(), interpreted);
        }
        finally
        {
            FusedKernelCompiler.Enabled = true;
        }
    }

    private static T WithWidth<T>(bool wide, Func<T> body)
    {
        FusedKernelCompiler.WideVectors = wide;
        try
        {
            return body();
        }
        finally
        {
            FusedKernelCompiler.WideVectors = true;
        }
    }

    private static TheoryData<string, bool> WithWidths<TOp>(List<TOp> ops)
        where TOp : Op
    {
        var data = new TheoryData<string, bool>();
        foreach (TOp op in ops)
        {
            data.Add(op.Name, true);
            data.Add(op.Name, false);
        }

        return data;
    }

    private static float[] Interpreted(Func<Tensor, Tensor, Tensor> body, Tensor x, Tensor y)
    {
        FusedKernelCompiler.Enabled = false;
        try
        {
            var f = Tf.Function(body);
            float[] result = f.Invoke(x, y).ToArray<float>();
            Assert.All(FusedSteps(f, x, y), op => Assert.False(op.IsCompiled));
            return result;
        }
        finally
        {
            FusedKernelCompiler.Enabled = true;
        }
    }

    // Exact, except tanh: its one-register form is ours, the span kernel is System.Numerics.Tensors' (a few ulps
    // apart, 4e-7 relative); the update applies a tanh difference twice through products (1e-6).
    private static void AssertAgree(string name, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i])
                || (float.IsNaN(expected[i]) && float.IsNaN(actual[i]));
            double tolerance = name switch { "Tanh" => 4e-7, "update" => 1e-6, _ => 0 };
            bool close = Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Abs(expected[i]);
            Assert.True(same || close, $"{name}, element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static List<FusedElementwiseOp> FusedSteps<TDelegate>(PolymorphicFunction<TDelegate> f, params Tensor[] args)
        where TDelegate : Delegate
    {
        ExecutionPlan plan = f.GetConcreteFunction(args).Executor.PlanFor(args);
        return [.. plan.Ops.OfType<FusedElementwiseOp>()];
    }

    private static List<TOp> OpsWithVectorKernel<TOp>()
        where TOp : Op
    {
        var ops = new List<TOp>();
        foreach (Type type in typeof(Op).Assembly.GetTypes())
        {
            if (type.IsSubclassOf(typeof(TOp)) && !type.IsAbstract
                && type.GetField("Instance", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null) is TOp op
                && (op is ElementwiseUnaryOp { VectorKernel: not null } || op is ElementwiseBinaryOp { VectorKernel: not null }))
            {
                ops.Add(op);
            }
        }

        return ops;
    }
}
