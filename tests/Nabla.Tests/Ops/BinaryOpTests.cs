using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>
/// The catalog of binary elementwise ops: forward against a double-precision reference for every supported dtype
/// and many broadcast shape pairs, gradients against finite differences (first and second order), and the
/// rejection of unsupported dtypes. Transpose and slice do not exist yet, so there are no non-contiguous inputs here.
/// </summary>
public class BinaryOpTests
{
    public static TheoryData<string, string> ForwardRows()
    {
        var rows = new TheoryData<string, string>();
        foreach (BinarySpec spec in BinaryCatalog.Specs)
        {
            foreach (DType dtype in spec.DTypes)
            {
                rows.Add(spec.Name, dtype.Name);
            }
        }

        return rows;
    }

    public static TheoryData<string, int> GradientRows()
    {
        var rows = new TheoryData<string, int>();
        foreach (BinarySpec spec in BinaryCatalog.Specs)
        {
            if (spec.Differentiable)
            {
                foreach (int pair in new[] { 0, 1, 3, 4, 5 })
                {
                    rows.Add(spec.Name, pair);
                }
            }
        }

        return rows;
    }

    public static TheoryData<string, string> UnsupportedRows()
    {
        var rows = new TheoryData<string, string>();
        foreach (BinarySpec spec in BinaryCatalog.Specs)
        {
            foreach (DType dtype in BinaryCatalog.All)
            {
                if (Array.IndexOf(spec.DTypes, dtype) < 0)
                {
                    rows.Add(spec.Name, dtype.Name);
                }
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(ForwardRows))]
    public void Forward_EveryShapePair_MatchesDoubleReference(string op, string dtypeName)
    {
        BinarySpec spec = BinaryCatalog.Get(op);
        DType dtype = BinaryCatalog.DTypeNamed(dtypeName);
        var random = new Random(42);
        foreach ((int[] xDims, int[] yDims) in BinaryCatalog.ShapePairs)
        {
            int[] outDims = BinaryCatalog.BroadcastShape(xDims, yDims);
            Tensor x = BinaryCatalog.Make(spec.XFor(dtype).Sample(random, new Shape(xDims).Size, !dtype.IsFloating || spec.XFor(dtype) == Domain.Ties), xDims, dtype);
            Tensor y = BinaryCatalog.Make(spec.YFor(dtype).Sample(random, new Shape(yDims).Size, !dtype.IsFloating || spec.YFor(dtype) == Domain.Ties), yDims, dtype);

            // The reference reads the inputs back, so it sees exactly what the op saw (float16 rounding included).
            double[] xs = BinaryCatalog.Expand(AssertTensor.ToDoubles(x), xDims, outDims);
            double[] ys = BinaryCatalog.Expand(AssertTensor.ToDoubles(y), yDims, outDims);
            var expected = new double[xs.Length];
            for (int i = 0; i < xs.Length; i++)
            {
                expected[i] = BinaryCatalog.Wrap(spec.Reference(xs[i], ys[i]), spec.OutputDType(dtype));
            }

            Tensor z = spec.Apply(x, y);
            Assert.Equal(spec.OutputDType(dtype), z.DType);
            AssertTensor.Close(expected, z, new Shape(outDims));
        }
    }

    [Theory]
    [MemberData(nameof(GradientRows))]
    public void Gradient_BroadcastShapes_MatchesFiniteDifferences(string op, int pair)
    {
        BinarySpec spec = BinaryCatalog.Get(op);
        (int[] xDims, int[] yDims) = BinaryCatalog.ShapePairs[pair];
        var random = new Random(42 + pair);
        Tensor[] inputs =
        [
            Tf.Constant(spec.X.Sample(random, new Shape(xDims).Size, integral: false), new Shape(xDims)),
            Tf.Constant(spec.Y.Sample(random, new Shape(yDims).Size, integral: false), new Shape(yDims)),
        ];

        GradientCheck.FirstOrder(t => spec.Apply(t[0], t[1]), inputs);
        GradientCheck.SecondOrder(t => spec.Apply(t[0], t[1]), inputs);
    }

    [Theory]
    [MemberData(nameof(UnsupportedRows))]
    public void Forward_UnsupportedDType_ThrowsNamingOpAndDType(string op, string dtypeName)
    {
        BinarySpec spec = BinaryCatalog.Get(op);
        DType dtype = BinaryCatalog.DTypeNamed(dtypeName);
        Tensor x = BinaryCatalog.Make([1, 0, 1], [3], dtype);
        Tensor y = BinaryCatalog.Make([1, 1, 0], [3], dtype);
        var e = Assert.Throws<ArgumentException>(() => spec.Apply(x, y));
        Assert.Contains(spec.OpName, e.Message, StringComparison.Ordinal);
        Assert.Contains(dtype.Name, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ForwardRows))]
    public void Forward_IncompatibleShapes_ThrowsNamingBothShapes(string op, string dtypeName)
    {
        BinarySpec spec = BinaryCatalog.Get(op);
        DType dtype = BinaryCatalog.DTypeNamed(dtypeName);
        Tensor x = BinaryCatalog.Make([1, 1, 1, 1, 1, 1], [2, 3], dtype);
        Tensor y = BinaryCatalog.Make([1, 1], [2], dtype);
        var e = Assert.Throws<ArgumentException>(() => spec.Apply(x, y));
        Assert.Contains("(2, 3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2,)", e.Message, StringComparison.Ordinal);
        Assert.Contains(spec.OpName, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ForwardRows))]
    public void Forward_MismatchedStrongDTypes_ThrowsNamingBothDTypes(string op, string dtypeName)
    {
        BinarySpec spec = BinaryCatalog.Get(op);
        DType dtype = BinaryCatalog.DTypeNamed(dtypeName);
        DType other = dtype == DType.Float64 ? DType.Float32 : DType.Float64;
        Tensor x = BinaryCatalog.Make([1, 1], [2], dtype);
        Tensor y = BinaryCatalog.Make([1, 1], [2], other);
        var e = Assert.Throws<ArgumentException>(() => spec.Apply(x, y));
        Assert.Contains(dtype.Name, e.Message, StringComparison.Ordinal);
        Assert.Contains(other.Name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogicalNot_Bool_NegatesEveryElement()
    {
        var values = new bool[67];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i % 3 == 0;
        }

        bool[] got = Tf.LogicalNot(Tf.Constant(values, new Shape(values.Length))).ToArray<bool>();
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(!values[i], got[i]);
        }
    }

    [Theory]
    [InlineData("int32")]
    [InlineData("float32")]
    public void LogicalNot_NonBool_Throws(string dtypeName)
    {
        var e = Assert.Throws<ArgumentException>(() => Tf.LogicalNot(BinaryCatalog.Make([1, 0], [2], BinaryCatalog.DTypeNamed(dtypeName))));
        Assert.Contains("LogicalNot", e.Message, StringComparison.Ordinal);
    }
}
