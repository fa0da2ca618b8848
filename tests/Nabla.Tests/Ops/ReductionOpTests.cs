using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>Catalog tests of the reductions: forward vs a double-precision reference, gradients vs finite differences.</summary>
public class ReductionOpTests
{
    private static readonly Shape s_shape = new(2, 3, 4);

    private static readonly int[]?[] s_axes = [null, [0], [-1], [0, 2]];

    private static readonly DType[] s_floats = [DType.Float32, DType.Float64, DType.Float16, DType.BFloat16];

    private static readonly DType[] s_numeric =
        [DType.Float32, DType.Float64, DType.Int8, DType.UInt8, DType.Int16, DType.Int32, DType.Int64, DType.Float16, DType.BFloat16];

    /// <summary>name → (op, reference on one group, dtypes, differentiable, input range).</summary>
    private static readonly Dictionary<string, Row> s_catalog = new()
    {
        ["Sum"] = new(Tf.ReduceSum, (v, _) => v.Sum(), s_numeric, true),
        ["Mean"] = new(Tf.ReduceMean, (v, isInt) => isInt ? Math.Truncate(v.Sum() / v.Length) : v.Average(), s_numeric, true),
        ["Max"] = new(Tf.ReduceMax, (v, _) => v.Max(), s_numeric, true),
        ["Min"] = new(Tf.ReduceMin, (v, _) => v.Min(), s_numeric, true),
        ["Prod"] = new(Tf.ReduceProd, (v, _) => v.Aggregate(1.0, (a, b) => a * b), s_numeric, true, 0.5, 1.5),
        ["LogSumExp"] = new(Tf.ReduceLogSumExp, (v, _) => Math.Log(v.Sum(Math.Exp)), s_floats, true),
        ["Variance"] = new(Tf.ReduceVariance, (v, _) => Variance(v), s_floats, true),
        ["Std"] = new(Tf.ReduceStd, (v, _) => Math.Sqrt(Variance(v)), s_floats, true),
    };

    public static TheoryData<string, DType, int, bool> ForwardCases
    {
        get
        {
            var data = new TheoryData<string, DType, int, bool>();
            foreach ((string name, Row row) in s_catalog)
            {
                foreach (DType dtype in row.DTypes)
                {
                    for (int a = 0; a < s_axes.Length; a++)
                    {
                        data.Add(name, dtype, a, false);
                        data.Add(name, dtype, a, true);
                    }
                }
            }

            return data;
        }
    }

    public static TheoryData<string, int> GradientCases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach ((string name, Row row) in s_catalog)
            {
                for (int a = 0; a < s_axes.Length && row.Differentiable; a++)
                {
                    data.Add(name, a);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Reduction_Forward_MatchesReference(string name, DType dtype, int axesCase, bool keepdims)
    {
        Row row = s_catalog[name];
        int[]? axes = s_axes[axesCase];
        bool isInt = dtype.IsInteger;
        var random = new Random(42);
        double[] x = new double[s_shape.Size];
        for (int i = 0; i < x.Length; i++)
        {
            double v = row.Low + ((row.High - row.Low) * random.NextDouble());
            x[i] = isInt ? Math.Round(v * (name == "Prod" ? 1 : 5)) : Math.Round(v, 2);
            if (dtype == DType.UInt8)
            {
                x[i] = Math.Abs(x[i]); // unsigned: no negatives (a mean of wrapped values would wrap its sum, as TensorFlow's)
            }
        }

        Tensor input = Tf.Cast(Tf.Constant(x, s_shape), dtype);
        double[] exact = AssertTensor.ToDoubles(input);
        // Integer sums and products wrap around as the dtype's arithmetic does (int8 products of 24 twos overflow).
        (double[] expected, Shape shape) = Reference(exact, s_shape, axes, keepdims, v => BinaryCatalog.Wrap(row.Reference(v, isInt), dtype));
        Tensor y = row.Op(input, axes, keepdims);
        Assert.Equal(dtype, y.DType);
        double tolerance = dtype.IsReducedPrecision ? 5e-2 : AssertTensor.Tolerance(dtype);
        AssertTensor.Close(expected, y, shape, tolerance);

        if (axes is { Length: 1 })
        {
            // The single-axis overload is the same op.
            AssertTensor.Close(expected, row.Op(input, [axes[0]], keepdims), shape, tolerance);
        }
    }

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Reduction_Gradient_MatchesFiniteDifferences(string name, int axesCase)
    {
        Row row = s_catalog[name];
        int[]? axes = s_axes[axesCase];
        Tensor[] inputs = GradientCheck.RandomInputs(3, [s_shape], row.Low, row.High);
        foreach (bool keepdims in new[] { false, true })
        {
            GradientCheck.FirstOrder(t => row.Op(t[0], axes, keepdims), inputs);
            GradientCheck.SecondOrder(t => row.Op(t[0], axes, keepdims), inputs, tolerance: 1e-4);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReduceAnyAll_Forward_MatchesReference(bool any)
    {
        var random = new Random(42);
        bool[] x = [.. Enumerable.Range(0, s_shape.Size).Select(_ => random.NextDouble() < (any ? 0.1 : 0.9))];
        Tensor input = Tf.Constant(x, s_shape);
        foreach (int[]? axes in s_axes)
        {
            foreach (bool keepdims in new[] { false, true })
            {
                Func<double[], double> reference = any ? v => v.Any(b => b != 0) ? 1 : 0 : v => v.All(b => b != 0) ? 1 : 0;
                (double[] expected, Shape shape) = Reference([.. x.Select(b => b ? 1.0 : 0.0)], s_shape, axes, keepdims, reference);
                Tensor y = any ? Tf.ReduceAny(input, axes, keepdims) : Tf.ReduceAll(input, axes, keepdims);
                Assert.Equal(DType.Bool, y.DType);
                AssertTensor.Close(expected, y, shape);
            }
        }
    }

    [Fact]
    public void ReduceMax_Ties_ShareGradientEvenly()
    {
        var x = new Variable(new[] { 1.0, 3.0, 3.0 });
        using var tape = new GradientTape();
        Tensor y = Tf.ReduceMax(x);
        AssertTensor.Close([0, 0.5, 0.5], tape.Gradient(y, x)!);
    }

    [Fact]
    public void ReduceMin_TiesAlongAxis_ShareGradientEvenly()
    {
        var x = new Variable(new[,] { { 2f, 2f, 2f }, { 1f, 5f, 1f } });
        using var tape = new GradientTape();
        Tensor y = Tf.ReduceMin(x, axis: 1);
        AssertTensor.Close([1 / 3.0, 1 / 3.0, 1 / 3.0, 0.5, 0, 0.5], tape.Gradient(y, x)!);
    }

    [Theory]
    [InlineData(new[] { 2.0, 0.0, 3.0 }, new[] { 0.0, 6.0, 0.0 })]
    [InlineData(new[] { 0.0, 0.0, 3.0 }, new[] { 0.0, 0.0, 0.0 })]
    [InlineData(new[] { 2.0, -1.5, 4.0 }, new[] { -6.0, 8.0, -3.0 })]
    public void ReduceProd_WithZeros_GradientIsProductOfOthers(double[] values, double[] expected)
    {
        var x = new Variable(values);
        using var tape = new GradientTape();
        Tensor y = Tf.ReduceProd(x);
        AssertTensor.Close(expected, tape.Gradient(y, x)!);
    }

    [Fact]
    public void ReduceProd_OneZeroPerGroup_FirstAndSecondOrderMatchFiniteDifferences()
    {
        Tensor[] inputs = [Tf.Constant(new[] { 1.5, 0.0, -0.7, 0.0, 1.2, 0.9 }, new Shape(2, 3))];
        GradientCheck.FirstOrder(t => Tf.ReduceProd(t[0], axis: 1), inputs);
        GradientCheck.SecondOrder(t => Tf.ReduceProd(t[0], axis: 1), inputs, tolerance: 1e-4);
    }

    internal static double Variance(double[] v)
    {
        double mean = v.Average();
        return v.Sum(a => (a - mean) * (a - mean)) / v.Length;
    }

    /// <summary>Applies <paramref name="reduce"/> to each group of <paramref name="x"/> over <paramref name="axes"/>.</summary>
    internal static (double[] Values, Shape Shape) Reference(double[] x, Shape shape, int[]? axes, bool keepdims, Func<double[], double> reduce)
    {
        int rank = shape.Rank;
        bool[] mask = new bool[rank];
        foreach (int a in axes ?? [.. Enumerable.Range(0, rank)])
        {
            mask[a < 0 ? a + rank : a] = true;
        }

        int[] dims = shape.ToArray();
        int[] outDims = [.. Enumerable.Range(0, rank).Where(d => !mask[d] || keepdims).Select(d => mask[d] ? 1 : dims[d])];
        int outSize = Enumerable.Range(0, rank).Where(d => !mask[d]).Aggregate(1, (p, d) => p * dims[d]);
        var groups = Enumerable.Range(0, outSize).Select(_ => new List<double>()).ToArray();
        var index = new int[rank];
        for (int flat = 0; flat < x.Length; flat++)
        {
            int rem = flat;
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d] = rem % dims[d];
                rem /= dims[d];
            }

            int o = 0;
            for (int d = 0; d < rank; d++)
            {
                o = mask[d] ? o : (o * dims[d]) + index[d];
            }

            groups[o].Add(x[flat]);
        }

        return ([.. groups.Select(g => reduce([.. g]))], new Shape(outDims));
    }

    private sealed record Row(
        Func<Tensor, int[]?, bool, Tensor> Op,
        Func<double[], bool, double> Reference,
        DType[] DTypes,
        bool Differentiable,
        double Low = -2,
        double High = 2);
}
