namespace Nabla.Tests.Kernels;

/// <summary>
/// The float32 span entry points the graph's fusion pass calls (ElementwiseUnaryOp/ElementwiseBinaryOp.TryApplyFloat32):
/// over lengths around the SIMD widths (4, 8, 16 floats) they must give exactly what the op's eager Forward gives,
/// out of place and in place, and refuse (writing nothing) where the op has no float32-to-float32 kernel.
/// </summary>
public class FusionEntryKernelTests
{
    private static readonly int[] s_lengths = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 257];

    private static readonly Dictionary<string, ElementwiseUnaryOp> s_unary = new()
    {
        ["Exp"] = ExpOp.Instance, ["Sqrt"] = SqrtOp.Instance, ["Negative"] = NegativeOp.Instance,
        ["Sigmoid"] = SigmoidOp.Instance, ["Tanh"] = TanhOp.Instance, ["Abs"] = AbsOp.Instance,
        ["Relu"] = ReluOp.Instance, ["LeakyRelu"] = new LeakyReluOp(0.2),
    };

    private static readonly Dictionary<string, ElementwiseBinaryOp> s_binary = new()
    {
        ["Add"] = AddOp.Instance, ["Multiply"] = MultiplyOp.Instance, ["Divide"] = DivideOp.Instance,
        ["Maximum"] = MaximumOp.Instance, ["Pow"] = PowOp.Instance, ["SquaredDifference"] = SquaredDifferenceOp.Instance,
    };

    public static TheoryData<string, int> UnaryCases => Cases(s_unary.Keys);

    public static TheoryData<string, int> BinaryCases => Cases(s_binary.Keys);

    [Theory]
    [MemberData(nameof(UnaryCases))]
    public void Unary_Float32Span_MatchesEagerForward(string name, int length)
    {
        ElementwiseUnaryOp op = s_unary[name];

        // Sqrt of negatives is NaN on both paths; positive inputs keep its comparison meaningful.
        float[] x = Values(length, seed: 11 + length, positive: op is SqrtOp);
        float[] expected = op.Call(Tf.Constant(x, new Shape(length))).ToArray<float>();

        float[] y = new float[length];
        Assert.True(op.TryApplyFloat32(x, y));
        Assert.Equal(expected, y);

        float[] inPlace = (float[])x.Clone();
        Assert.True(op.TryApplyFloat32(inPlace, inPlace));
        Assert.Equal(expected, inPlace);
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_Float32Runs_MatchEagerForward(string name, int length)
    {
        ElementwiseBinaryOp op = s_binary[name];
        float[] x = Values(length, seed: 21 + length, positive: true);
        float[] y = Values(length, seed: 22 + length, positive: false);
        float[] expected = op.Call(Tf.Constant(x, new Shape(length)), Tf.Constant(y, new Shape(length))).ToArray<float>();

        float[] z = new float[length];
        Assert.True(op.TryApplyFloat32(x, y, z));
        Assert.Equal(expected, z);

        float[] inPlace = (float[])y.Clone();
        Assert.True(op.TryApplyFloat32(x, inPlace, inPlace));
        Assert.Equal(expected, inPlace);
    }

    [Fact]
    public void OpsWithoutFloat32Result_Refuse_AndWriteNothing()
    {
        float[] x = Values(9, seed: 31, positive: false);
        float[] z = Enumerable.Repeat(7f, 9).ToArray();
        Assert.False(FloatPredicateOp.IsNanInstance.TryApplyFloat32(x, z));
        Assert.False(LogicalNotOp.Instance.TryApplyFloat32(x, z));
        Assert.False(GreaterOp.Instance.TryApplyFloat32(x, x, z));
        Assert.False(LogicalAndOp.Instance.TryApplyFloat32(x, x, z));
        Assert.All(z, v => Assert.Equal(7f, v));
    }

    [Fact]
    public void SpansOfDifferentLengths_Throw_NamingTheOp()
    {
        var e = Assert.Throws<ArgumentException>(() => ExpOp.Instance.TryApplyFloat32(new float[5], new float[4]));
        Assert.Contains("Exp", e.Message, StringComparison.Ordinal);
        var b = Assert.Throws<ArgumentException>(() => AddOp.Instance.TryApplyFloat32(new float[5], new float[5], new float[6]));
        Assert.Contains("Add", b.Message, StringComparison.Ordinal);
    }

    private static TheoryData<string, int> Cases(IEnumerable<string> names)
    {
        var data = new TheoryData<string, int>();
        foreach (string name in names)
        {
            foreach (int length in s_lengths)
            {
                data.Add(name, length);
            }
        }

        return data;
    }

    private static float[] Values(int length, int seed, bool positive)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            float v = (float)((random.NextDouble() * 6) - 3);
            values[i] = positive ? Math.Abs(v) + 0.1f : v;
        }

        return values;
    }
}
