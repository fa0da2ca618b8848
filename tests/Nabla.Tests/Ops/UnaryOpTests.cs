using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>Catalog tests of the unary elementwise ops and Tf.Nn activations: forward, gradients, kinks, errors.</summary>
public class UnaryOpTests
{
    private const double SeluAlpha = 1.6732632423543772848170429916717;
    private const double SeluScale = 1.0507009873554804934193349852946;

    /// <summary>One catalog row: the op, a double reference, the input domain, and whether it has a real derivative.</summary>
    private sealed record Row(Func<Tensor, Tensor> Op, Func<double, double> Reference, double Low, double High, bool Smooth = true);

    private static readonly Dictionary<string, Row> s_catalog = new()
    {
        ["Square"] = new(Tf.Square, x => x * x, -2, 2),
        ["Sqrt"] = new(Tf.Sqrt, Math.Sqrt, 0.1, 4),
        ["Rsqrt"] = new(Tf.Rsqrt, x => 1 / Math.Sqrt(x), 0.2, 4),
        ["Reciprocal"] = new(Tf.Reciprocal, x => 1 / x, 0.5, 3),
        ["Expm1"] = new(Tf.Expm1, x => Math.Exp(x) - 1, -2, 2),
        ["Log1p"] = new(Tf.Log1p, x => Math.Log(1 + x), -0.5, 2),
        ["Sin"] = new(Tf.Sin, Math.Sin, -3, 3),
        ["Cos"] = new(Tf.Cos, Math.Cos, -3, 3),
        ["Tan"] = new(Tf.Tan, Math.Tan, -1.2, 1.2),
        ["Tanh"] = new(Tf.Tanh, Math.Tanh, -3, 3),
        ["Asin"] = new(Tf.Asin, Math.Asin, -0.9, 0.9),
        ["Acos"] = new(Tf.Acos, Math.Acos, -0.9, 0.9),
        ["Atan"] = new(Tf.Atan, Math.Atan, -3, 3),
        ["Sinh"] = new(Tf.Sinh, Math.Sinh, -3, 3),
        ["Cosh"] = new(Tf.Cosh, Math.Cosh, -3, 3),
        ["Asinh"] = new(Tf.Asinh, Math.Asinh, -3, 3),
        ["Acosh"] = new(Tf.Acosh, Math.Acosh, 1.1, 4),
        ["Atanh"] = new(Tf.Atanh, Math.Atanh, -0.9, 0.9),
        ["Sigmoid"] = new(Tf.Sigmoid, x => 1 / (1 + Math.Exp(-x)), -4, 4),
        ["Erf"] = new(Tf.Erf, ReferenceErf, -3, 3),
        ["Ceil"] = new(Tf.Ceil, Math.Ceiling, -3, 3, Smooth: false),
        ["Round"] = new(Tf.Round, x => Math.Round(x), -3, 3, Smooth: false),
        ["Relu"] = new(Tf.Nn.Relu, x => Math.Max(x, 0), -2, 2),
        ["Relu6"] = new(Tf.Nn.Relu6, x => Math.Clamp(x, 0, 6), -2, 8),
        ["Elu"] = new(Tf.Nn.Elu, x => x > 0 ? x : Math.Exp(x) - 1, -2, 2),
        ["Selu"] = new(Tf.Nn.Selu, x => SeluScale * (x > 0 ? x : SeluAlpha * (Math.Exp(x) - 1)), -2, 2),
        ["Gelu"] = new(x => Tf.Nn.Gelu(x), x => 0.5 * x * (1 + ReferenceErf(x / Math.Sqrt(2))), -3, 3),
        ["GeluTanh"] = new(
            x => Tf.Nn.Gelu(x, approximate: true),
            x => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + (0.044715 * x * x * x)))), -3, 3),
        ["Softplus"] = new(Tf.Nn.Softplus, x => Math.Log(1 + Math.Exp(x)), -4, 4),
        ["LeakyRelu"] = new(x => Tf.Nn.LeakyRelu(x), x => x > 0 ? x : 0.2 * x, -2, 2),
        ["LeakyRelu0.5"] = new(x => Tf.Nn.LeakyRelu(x, 0.5), x => x > 0 ? x : 0.5 * x, -2, 2),
        ["Silu"] = new(Tf.Nn.Silu, x => x / (1 + Math.Exp(-x)), -4, 4),
    };

    public static TheoryData<string> Ops => new(s_catalog.Keys);

    public static TheoryData<string> SmoothOps => new(s_catalog.Where(p => p.Value.Smooth).Select(p => p.Key));

    public static TheoryData<string> FloatDTypes => new() { "float32", "float64", "float16", "bfloat16" };

    [Theory]
    [MemberData(nameof(Ops))]
    public void Forward_AllFloatDTypes_MatchesDoubleReference(string name)
    {
        Row row = s_catalog[name];
        double[] values = Values(row, 1, 37);
        foreach (DType dtype in new[] { DType.Float32, DType.Float64, DType.Float16, DType.BFloat16 })
        {
            Tensor x = Tf.Cast(Tf.Constant(values, [values.Length]), dtype);
            double[] rounded = AssertTensor.ToDoubles(x);
            Tensor y = row.Op(x);
            Assert.Equal(dtype, y.DType);
            AssertTensor.Close(Array.ConvertAll(rounded, v => row.Reference(v)), y, new Shape(values.Length), Loose(dtype));
        }
    }

    [Theory]
    [MemberData(nameof(SmoothOps))]
    public void Gradient_FirstAndSecondOrder_MatchFiniteDifferences(string name)
    {
        Row row = s_catalog[name];
        Tensor[] inputs = [Tf.Constant(Values(row, 2, 6), [2, 3])];
        GradientCheck.FirstOrder(x => row.Op(x[0]), inputs);
        GradientCheck.SecondOrder(x => row.Op(x[0]), inputs, 1e-4);
    }

    [Theory]
    [MemberData(nameof(SmoothOps))]
    public void Gradient_BroadcastOperand_MatchesFiniteDifferences(string name)
    {
        Row row = s_catalog[name];
        double mid = (row.Low + row.High) / 2;
        double half = (row.High - row.Low) / 4;
        Tensor[] inputs = GradientCheck.RandomInputs(3, [[2, 3], [3]], -half, half);
        inputs[1] = Tf.Add(inputs[1], mid);
        GradientCheck.FirstOrder(x => row.Op(Tf.Add(x[0], x[1])), inputs);
    }

    [Theory]
    [InlineData("Ceil")]
    [InlineData("Round")]
    public void Gradient_StepFunctions_AreZero(string name)
    {
        Tensor x = Tf.Constant(new[] { -1.3, 0.2, 2.7 }, [3]);
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor? g = tape.Gradient(Tf.ReduceSum(s_catalog[name].Op(x)), x);
        AssertTensor.Close(new double[3], g!);
    }

    [Fact]
    public void Round_Halves_GoToEven()
    {
        Tensor y = Tf.Round(Tf.Constant(new[] { -2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 3.5f }, [7]));
        AssertTensor.Close([-2, -2, -0, 0, 2, 2, 4], y);
        Assert.True(float.IsNegative(y.ToArray<float>()[2]));
    }

    [Theory]
    [InlineData("Square")]
    [InlineData("Abs")]
    [InlineData("Negative")]
    [InlineData("Sign")]
    [InlineData("Relu")]
    [InlineData("Relu6")]
    public void Forward_IntegerDTypes_MatchReference(string name)
    {
        (Func<Tensor, Tensor> op, Func<long, long> reference) = name switch
        {
            "Square" => ((Func<Tensor, Tensor>)Tf.Square, (Func<long, long>)(v => v * v)),
            "Abs" => (Tf.Abs, Math.Abs),
            "Negative" => (Tf.Negative, v => -v),
            "Sign" => (Tf.Sign, v => Math.Sign(v)),
            "Relu" => (Tf.Nn.Relu, v => Math.Max(v, 0)),
            _ => (Tf.Nn.Relu6, v => Math.Clamp(v, 0, 6)),
        };
        int[] values = [-9, -3, -1, 0, 1, 2, 5, 6, 7, 40000];
        Tensor y32 = op(Tf.Constant(values, [values.Length]));
        Tensor y64 = op(Tf.Cast(Tf.Constant(values, [values.Length]), DType.Int64));
        Assert.Equal(DType.Int32, y32.DType);
        Assert.Equal(DType.Int64, y64.DType);
        long[] expected = Array.ConvertAll(values, v => reference(v));
        Assert.Equal(Array.ConvertAll(expected, v => unchecked((int)v)), y32.ToArray<int>());
        Assert.Equal(expected, y64.ToArray<long>());

        // The 8- and 16-bit integers compute in their own width, wrapping as TensorFlow's kernels (C++ arithmetic) do.
        foreach (DType narrow in new[] { DType.Int8, DType.UInt8, DType.Int16 })
        {
            Tensor x = Tf.Cast(Tf.Constant(values, [values.Length]), narrow);
            double[] read = AssertTensor.ToDoubles(x);
            Tensor y = op(x);
            Assert.Equal(narrow, y.DType);
            double[] wrapped = Array.ConvertAll(read, v => BinaryCatalog.Wrap(reference((long)v), narrow));
            Assert.Equal(wrapped, AssertTensor.ToDoubles(y));
        }
    }

    [Theory]
    [MemberData(nameof(FloatDTypes))]
    public void IsNanAndIsFinite_SpecialValues_GiveBools(string dtypeName)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        Tensor x = Tf.Cast(Tf.Constant(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1.5 }, [6]), dtype);
        Tensor nan = Tf.IsNan(x);
        Tensor finite = Tf.IsFinite(x);
        Assert.Equal(DType.Bool, nan.DType);
        Assert.Equal(new[] { true, false, false, false, false, false }, nan.ToArray<bool>());
        Assert.Equal(new[] { false, false, false, true, true, true }, finite.ToArray<bool>());
    }

    [Fact]
    public void Kinks_FollowTensorFlowConventions()
    {
        Assert.Equal(0.0, Grad(Tf.Abs, 0.0));
        Assert.Equal(double.PositiveInfinity, Grad(Tf.Sqrt, 0.0));
        Assert.Equal(0.0, Grad(Tf.Nn.Relu, 0.0));
        Assert.Equal(0.0, Grad(Tf.Nn.Relu6, 0.0));
        Assert.Equal(0.0, Grad(Tf.Nn.Relu6, 6.0));
        Assert.Equal(0.5, Grad(Tf.Nn.Softplus, 0.0));
        Assert.Equal(0.2, Grad(x => Tf.Nn.LeakyRelu(x), 0.0), 15);
        Assert.Equal(0.3, Grad(x => Tf.Nn.LeakyRelu(x, 0.3), 0.0), 15);
        Assert.Equal(1.0, Grad(Tf.Nn.Elu, 0.0));
        Assert.Equal(SeluScale, Grad(Tf.Nn.Selu, 0.0), 15);
        Assert.Equal(0.0, Grad(Tf.Ceil, 1.0));
        Assert.Equal(0.0, Grad(Tf.Round, 0.5));
    }

    [Fact]
    public void Gradients_ExtremeInputs_HaveNoNaN()
    {
        foreach (double x in new[] { -1000.0, 1000.0 })
        {
            Assert.Equal(x > 0 ? 1.0 : 0.0, Grad(Tf.Nn.Elu, x));
            Assert.Equal(x > 0 ? SeluScale : 0.0, Grad(Tf.Nn.Selu, x), 15);
            Assert.Equal(x > 0 ? 1.0 : 0.0, Grad(Tf.Nn.Softplus, x));
            Assert.Equal(x > 0 ? 1.0 : 0.0, Grad(Tf.Sigmoid, x) + (x > 0 ? 1.0 : 0.0));
            Assert.Equal(x > 0 ? 1.0 : 0.0, Grad(Tf.Tanh, x) + (x > 0 ? 1.0 : 0.0));
            Assert.Equal(x > 0 ? 1.0 : 0.0, Grad(x => Tf.Nn.Gelu(x), x));
        }

        AssertTensor.Close([1000, 0, Math.Log(2)], Tf.Nn.Softplus(Tf.Constant(new[] { 1000.0, -1000.0, 0.0 }, [3])));
        AssertTensor.Close([1000, 0], Tf.Nn.Softplus(Tf.Constant(new[] { 1000f, -1000f }, [2])));
    }

    [Fact]
    public void Forward_SpecialValues_PropagateAsIeee()
    {
        Tensor x = Tf.Constant(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0 }, [4]);
        AssertTensor.Close([double.NaN, 1, -1, 0], Tf.Erf(x));
        AssertTensor.Close([double.NaN, double.PositiveInfinity, double.NaN, 0], Tf.Sqrt(x));
        AssertTensor.Close([double.NaN, double.PositiveInfinity, -1, 0], Tf.Expm1(x));
        AssertTensor.Close([double.NaN, 1, 0, 0.5], Tf.Sigmoid(x));
        AssertTensor.Close([double.NaN, double.PositiveInfinity, 0, Math.Log(2)], Tf.Nn.Softplus(x));
        Assert.True(double.IsNegative(Tf.Erf(x).ToArray<double>()[3]));
    }

    [Theory]
    [InlineData("Sqrt", "int32")]
    [InlineData("Erf", "int64")]
    [InlineData("Sigmoid", "int32")]
    [InlineData("Gelu", "int32")]
    [InlineData("Silu", "int64")]
    [InlineData("Softplus", "int32")]
    [InlineData("LeakyRelu", "int32")]
    [InlineData("IsNan", "int32")]
    [InlineData("Square", "bool")]
    [InlineData("Relu", "bool")]
    [InlineData("Asin", "int32")]
    [InlineData("Acosh", "int64")]
    [InlineData("Atanh", "bool")]
    [InlineData("Cosh", "int32")]
    public void UnsupportedDType_Throws_NamingOpAndDType(string name, string dtypeName)
    {
        Func<Tensor, Tensor> op = name switch
        {
            "Sqrt" => Tf.Sqrt,
            "Erf" => Tf.Erf,
            "Sigmoid" => Tf.Sigmoid,
            "Gelu" => x => Tf.Nn.Gelu(x),
            "Silu" => Tf.Nn.Silu,
            "Softplus" => Tf.Nn.Softplus,
            "LeakyRelu" => x => Tf.Nn.LeakyRelu(x),
            "IsNan" => Tf.IsNan,
            "Square" => Tf.Square,
            "Relu" => Tf.Nn.Relu,
            _ => s_catalog[name].Op,
        };
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        Tensor x = Tf.Cast(Tf.Constant(new[] { 1, 2 }, [2]), dtype);
        var error = Assert.Throws<ArgumentException>(() => op(x));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(dtypeName, error.Message, StringComparison.Ordinal);
    }

    private static double Grad(Func<Tensor, Tensor> f, double at)
    {
        Tensor x = Tf.Constant(at);
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor? g = tape.Gradient(f(x), x);
        return g is null ? 0 : g.Item<double>();
    }

    private static double Loose(DType dtype) => dtype.Name switch
    {
        "float16" => 4e-3,
        "bfloat16" => 3e-2,
        _ => AssertTensor.Tolerance(dtype),
    };

    // Seeded values in the row's domain, kept away from the kinks (0 and 6) and from rounding halves.
    private static double[] Values(Row row, int seed, int count)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            double v;
            do
            {
                v = row.Low + ((row.High - row.Low) * random.NextDouble());
            }
            while (Math.Abs(v) < 0.05 || Math.Abs(v - 6) < 0.05 || Math.Abs(v - Math.Round(v) - 0.5) < 0.05 || Math.Abs(v - Math.Round(v) + 0.5) < 0.05);
            values[i] = v;
        }

        return values;
    }

    // erf by composite Simpson on [0, x] with 20000 panels: error about 1e-15 for |x| <= 3 (independent of the kernel).
    private static double ReferenceErf(double x)
    {
        const int n = 20000;
        double h = x / n;
        double sum = 1 + Math.Exp(-x * x);
        for (int i = 1; i < n; i++)
        {
            double t = i * h;
            sum += (i % 2 == 1 ? 4 : 2) * Math.Exp(-t * t);
        }

        return sum * h / 3 * 2 / Math.Sqrt(Math.PI);
    }
}
