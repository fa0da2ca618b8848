using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary><see cref="Tf.Pad(Tensor, int[,], string, double)"/>: REFLECT and SYMMETRIC modes (TensorFlow's tf.pad examples).</summary>
public class PadModeTests
{
    private static readonly int[,] s_paddings = { { 1, 1 }, { 2, 2 } };

    private static Tensor Sample(DType dtype) => Tf.Cast(Tf.Constant(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }), dtype);

    public static TheoryData<string> DTypes => ["float32", "float64", "int32", "int64", "float16", "bfloat16"];

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Reflect_TensorFlowDocExample_EveryDType(string dtypeName)
    {
        DType dtype = BinaryCatalog.DTypeNamed(dtypeName);
        Tensor padded = Tf.Pad(Sample(dtype), s_paddings, "REFLECT");
        Assert.Equal(dtype, padded.DType);
        AssertTensor.Close(
            [6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1],
            padded,
            new Shape(4, 7));
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Symmetric_TensorFlowDocExample_EveryDType(string dtypeName)
    {
        DType dtype = BinaryCatalog.DTypeNamed(dtypeName);
        Tensor padded = Tf.Pad(Sample(dtype), s_paddings, "symmetric"); // the mode is case-insensitive
        Assert.Equal(dtype, padded.DType);
        AssertTensor.Close(
            [2, 1, 1, 2, 3, 3, 2, 2, 1, 1, 2, 3, 3, 2, 5, 4, 4, 5, 6, 6, 5, 5, 4, 4, 5, 6, 6, 5],
            padded,
            new Shape(4, 7));
    }

    [Fact]
    public void Constant_ModeGiven_SameAsPlainPad()
    {
        Tensor x = Sample(DType.Float32);
        AssertTensor.Close(Tf.Pad(x, s_paddings, 7), Tf.Pad(x, s_paddings, "CONSTANT", 7));
    }

    [Fact]
    public void Reflect_MaximumPadding_UsesEveryInteriorValue()
    {
        Tensor x = Tf.Constant(new float[] { 1, 2, 3, 4 });
        AssertTensor.Close([4, 3, 2, 1, 2, 3, 4, 3, 2, 1], Tf.Pad(x, new[,] { { 3, 3 } }, "REFLECT"));
        AssertTensor.Close([4, 3, 2, 1, 1, 2, 3, 4, 4, 3, 2, 1], Tf.Pad(x, new[,] { { 4, 4 } }, "SYMMETRIC"));
    }

    [Fact]
    public void Reflect_GradientAddsEachCopyBack()
    {
        var x = new Variable(Tf.Constant(new double[] { 1, 2, 3 }));
        using var tape = new GradientTape();
        Tensor y = Tf.Pad(x, new[,] { { 2, 1 } }, "REFLECT"); // [3, 2, 1, 2, 3, 2]
        Tensor weighted = Tf.ReduceSum(y * Tf.Constant(new double[] { 1, 10, 100, 1000, 10000, 100000 }));
        Tensor dx = tape.Gradient(weighted, x)!;
        AssertTensor.Close([100, 10 + 1000 + 100000, 1 + 10000], dx);
    }

    [Theory]
    [InlineData("REFLECT")]
    [InlineData("SYMMETRIC")]
    public void Modes_GradientsFirstAndSecondOrder_MatchFiniteDifferences(string mode)
    {
        Tensor[] inputs = GradientCheck.RandomInputs(21, [new Shape(3, 4)]);
        Tensor F(Tensor[] a) => Tf.Pad(a[0], new[,] { { 2, 1 }, { 1, 3 } }, mode) * Tf.Pad(a[0], new[,] { { 2, 1 }, { 1, 3 } }, mode);
        GradientCheck.FirstOrder(F, inputs);
        GradientCheck.SecondOrder(F, inputs);
    }

    [Theory]
    [InlineData("REFLECT", 3, "less than")]
    [InlineData("SYMMETRIC", 4, "no greater than")]
    public void Modes_PaddingTooLarge_ThrowsNamingShapeAndLimit(string mode, int padding, string rule)
    {
        var exception = Assert.Throws<ArgumentException>(
            () => Tf.Pad(Tf.Zeros([2, 3]), new[,] { { 0, 0 }, { padding, 0 } }, mode));
        Assert.Contains("MirrorPad", exception.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3)", exception.Message, StringComparison.Ordinal);
        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Modes_UnknownModeOrBadPaddings_Throw()
    {
        var unknown = Assert.Throws<ArgumentException>(() => Tf.Pad(Tf.Zeros([2]), new[,] { { 1, 1 } }, "WRAP"));
        Assert.Contains("WRAP", unknown.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<ArgumentException>(() => Tf.Pad(Tf.Zeros([3]), new[,] { { -1, 0 } }, "REFLECT"));
        Assert.Contains("non-negative", negative.Message, StringComparison.Ordinal);
        var rank = Assert.Throws<ArgumentException>(() => Tf.Pad(Tf.Zeros([3]), new[,] { { 1, 1 }, { 1, 1 } }, "SYMMETRIC"));
        Assert.Contains("(1, 2)", rank.Message, StringComparison.Ordinal);
    }
}
