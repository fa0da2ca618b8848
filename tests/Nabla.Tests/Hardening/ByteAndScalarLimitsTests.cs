namespace Nabla.Tests.Hardening;

/// <summary>
/// Byte counts above 2 GiB and the cached small C# integers (issue 16): a clear error or the right answer, never a
/// wrapped length (a silently truncated copy) or a value the dtype cannot hold.
/// </summary>
public class ByteAndScalarLimitsTests
{
    public static TheoryData<string, int> OutOfRangeSmallInts => new()
    {
        { "int8", 128 }, { "int8", 200 }, { "int8", 255 }, { "uint8", -1 }, { "uint8", -16 },
    };

    [Theory]
    [MemberData(nameof(OutOfRangeSmallInts))]
    public void CachedSmallInt_OutOfTheNarrowDTypesRange_IsRefusedLikeAnyOther(string dtype, int value)
    {
        // -16..255 are cached scalars; they took a shortcut around the range check that 300 or -100 get.
        Tensor x = Tf.Cast(Tf.Constant(new[] { 1, 2 }), DType.All.First(d => d.Name == dtype));
        var e = Assert.Throws<ArgumentException>(() => x + value);
        Assert.Contains(dtype, e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => value * x);
        Assert.Throws<ArgumentException>(() => Tf.Subtract(x, value));
    }

    [Fact]
    public void CachedSmallInt_InRange_StillConverts()
    {
        Tensor int8 = Tf.Cast(Tf.Constant(new[] { 1, -2 }), DType.Int8);
        Assert.Equal(new sbyte[] { 127, 124 }, (int8 + 126).ToArray<sbyte>());
        Assert.Equal(new sbyte[] { -15, -18 }, (int8 - 16).ToArray<sbyte>());
        Assert.Equal(new byte[] { 255, 0 }, (Tf.Cast(Tf.Constant(new[] { 1, 0 }), DType.UInt8) * 255).ToArray<byte>());
        Assert.Equal(new short[] { 256, -1 }, (Tf.Cast(Tf.Constant(new[] { 1, -256 }), DType.Int16) + 255).ToArray<short>());
    }

    [Fact]
    public void ReadBytes_MoreThan2GiB_ThrowsNamingShapeAndDType()
    {
        // A tensor header over a tiny buffer: the byte count is computed and refused before any byte is touched.
        const int Elements = 600_000_000; // 2.4 GB of float32: Size * 4 wrapped to a negative int
        var huge = new Tensor(new float[1], new Shape(Elements), DType.Float32, Elements, isWeak: false);
        Assert.Equal(2_400_000_000L, huge.ByteCount);
        var e = Assert.Throws<InvalidOperationException>(() => huge.ReadBytes().Length);
        Assert.Contains("float32", e.Message, StringComparison.Ordinal);
        Assert.Contains("(600000000,)", e.Message, StringComparison.Ordinal);
        Assert.Contains("2400000000", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => huge.WriteBytes().Length);

        // 1.1 billion float16 elements wrapped to a positive, shorter length: a silently truncated copy.
        const int Halves = 1_100_000_000;
        var wrapped = new Tensor(new Half[1], new Shape(Halves), DType.Float16, Halves, isWeak: false);
        Assert.Throws<InvalidOperationException>(() => wrapped.ReadBytes().Length);
    }

    [Fact]
    public void ToArray_CopiesByElementType()
    {
        // ToArray moved bytes through an int byte count; it now copies elements, as a .NET array counts them.
        Tensor h = Tf.Cast(Tf.Constant(new[,] { { 1.5, -2 }, { 3, 0.25 } }), DType.Float16);
        Assert.Equal(new Half[,] { { (Half)1.5, (Half)(-2) }, { (Half)3, (Half)0.25 } }, (Half[,])h.ToArray());
        Tensor b = Tf.Constant(new[] { true, false, true });
        Assert.Equal(new[] { true, false, true }, (bool[])b.ToArray());
        Assert.Equal(new[] { 7L }, (long[])Tf.Constant(7L).ToArray());
    }
}
