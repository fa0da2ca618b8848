namespace Nabla.Tests.Tensors;

/// <summary>
/// <c>Tf.Cast</c> into integers against TensorFlow's rules, every pair: an integer into a narrower one keeps its low bits
/// (two's complement, C++'s static_cast: <c>tf.cast(tf.constant(2**31, tf.int64), tf.int32)</c> is -2^31), a widening
/// one keeps the value (uint8 zero-extends); a float is truncated toward zero, then wraps into int8/uint8/int16 (Keras's
/// documented <c>cast([-1., 256.], "uint8") == [255, 0]</c>) and saturates into int32/int64 (TensorFlow leaves that
/// overflow undefined); NaN and infinities have no integer (TensorFlow: undefined) and are refused, and every number
/// casts to bool as "not zero", NaN included. The expected values are computed here with modular arithmetic on longs.
/// </summary>
public class IntegerCastTests
{
    private static readonly DType[] Integers = [DType.Int8, DType.UInt8, DType.Int16, DType.Int32, DType.Int64];

    public static TheoryData<string, string> IntegerPairs()
    {
        var data = new TheoryData<string, string>();
        foreach (DType from in Integers)
        {
            foreach (DType to in Integers)
            {
                data.Add(from.Name, to.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IntegerPairs))]
    public void Cast_IntegerToInteger_WrapsAsTwosComplement(string fromName, string toName)
    {
        DType from = Named(fromName), to = Named(toName);
        long[] values = Edges(from);
        Tensor source = Make(values, from);
        Assert.Equal(from, source.DType);
        long[] expected = [.. values.Select(v => Wrap(v, to))];

        // Lengths past the SIMD widths: the vector and scalar tails of the kernel must agree.
        long[] many = [.. Enumerable.Range(0, 67).Select(i => values[i % values.Length])];
        Assert.Equal(expected, Read(Tf.Cast(source, to)));
        Assert.Equal([.. many.Select(v => Wrap(v, to))], Read(Tf.Cast(Make(many, from), to)));
    }

    [Fact]
    public void Cast_Int64ToInt32_WrapsLikeTensorFlow()
    {
        Tensor big = Tf.Constant(new[] { (1L << 31), (1L << 32) + 5, -(1L << 31) - 1, long.MaxValue, long.MinValue, 3_000_000_000L });
        Assert.Equal(new[] { int.MinValue, 5, int.MaxValue, -1, 0, -1_294_967_296 }, Tf.Cast(big, DType.Int32).ToArray<int>());
        Assert.Equal(new short[] { 0, 5, -1, -1, 0, 24_064 }, Tf.Cast(big, DType.Int16).ToArray<short>());
    }

    public static TheoryData<string> FloatTypes => new() { "float16", "bfloat16", "float32", "float64" };

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void Cast_FloatToInteger_TruncatesThenWrapsNarrowAndSaturatesWide(string fromName)
    {
        DType from = Named(fromName);

        // Values every float dtype holds exactly (bfloat16 keeps 8 significant bits).
        double[] values = [-1, 256, 1.75, -1.75, -0.5, 0.5, 384, -384, 640, 4096, -4096, 0];
        Tensor source = Tf.Cast(Tf.Constant(values), from);
        foreach (DType to in Integers)
        {
            long[] expected = [.. values.Select(v => Wrap((long)Math.Truncate(v), to))];
            Assert.Equal(expected, Read(Tf.Cast(source, to)));
        }

        double big = from == DType.Float16 ? 65504 : 1e30;   // float16's largest; 1e30 overflows int32 and int64
        Tensor huge = Tf.Cast(Tf.Constant(new[] { big, -big }), from);
        long[] saturated32 = from == DType.Float16 ? [65504, -65504] : [int.MaxValue, int.MinValue];
        long[] saturated64 = from == DType.Float16 ? [65504, -65504] : [long.MaxValue, long.MinValue];
        Assert.Equal(saturated32, Read(Tf.Cast(huge, DType.Int32)));
        Assert.Equal(saturated64, Read(Tf.Cast(huge, DType.Int64)));
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void Cast_NaNOrInfinityToInteger_IsRefused_ButToBoolIsTrue(string fromName)
    {
        DType from = Named(fromName);
        foreach (double special in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            Tensor x = Tf.Cast(Tf.Constant(new[] { 1.0, special }), from);
            foreach (DType to in Integers)
            {
                var e = Assert.Throws<ArgumentException>(() => Tf.Cast(x, to));
                Assert.Contains("Cast", e.Message, StringComparison.Ordinal);
                Assert.Contains(to.Name, e.Message, StringComparison.Ordinal);
            }

            Assert.Equal(new[] { true, true }, Tf.Cast(x, DType.Bool).ToArray<bool>());
        }
    }

    [Fact]
    public void Cast_IntegersAndBools_ConvertToAndFromBool()
    {
        foreach (DType from in Integers)
        {
            long[] values = Edges(from);
            Assert.Equal([.. values.Select(v => v != 0)], Tf.Cast(Make(values, from), DType.Bool).ToArray<bool>());
            Assert.Equal(new long[] { 1, 0 }, Read(Tf.Cast(Tf.Constant(new[] { true, false }), from)));
        }
    }

    private static DType Named(string name) => DType.All.First(d => d.Name == name);

    // The dtype's extremes, the values around 0 and around each narrower dtype's range.
    private static long[] Edges(DType dtype)
    {
        (long min, long max) = Range(dtype);
        long[] candidates = [min, max, -1, 0, 1, 127, 128, -129, 255, 256, 32767, 32768, -32769, 65535, 65536, int.MaxValue, 1L + int.MaxValue, -1L + int.MinValue, 1L << 40, -(1L << 40) - 3];
        return [.. candidates.Where(v => v >= min && v <= max).Distinct()];
    }

    private static (long Min, long Max) Range(DType dtype) => dtype.Name switch
    {
        "int8" => (sbyte.MinValue, sbyte.MaxValue),
        "uint8" => (byte.MinValue, byte.MaxValue),
        "int16" => (short.MinValue, short.MaxValue),
        "int32" => (int.MinValue, int.MaxValue),
        _ => (long.MinValue, long.MaxValue),
    };

    // Two's complement: the value modulo 2^bits, read back signed or unsigned.
    private static long Wrap(long value, DType dtype)
    {
        int bits = dtype.Size * 8;
        if (bits == 64)
        {
            return value;
        }

        long low = value & ((1L << bits) - 1);
        bool signed = dtype != DType.UInt8;
        return signed && low >= 1L << (bits - 1) ? low - (1L << bits) : low;
    }

    // A tensor of the dtype built from C# arrays of its element type (no cast involved).
    private static Tensor Make(long[] values, DType dtype) => dtype.Name switch
    {
        "int8" => Tf.Constant(values.Select(v => (sbyte)v).ToArray()),
        "uint8" => Tf.Constant(values.Select(v => (byte)v).ToArray()),
        "int16" => Tf.Constant(values.Select(v => (short)v).ToArray()),
        "int32" => Tf.Constant(values.Select(v => (int)v).ToArray()),
        _ => Tf.Constant(values),
    };

    // The elements as longs, read in the tensor's own element type (no cast involved).
    private static long[] Read(Tensor t) => t.DType.Name switch
    {
        "int8" => [.. t.ToArray<sbyte>().Select(v => (long)v)],
        "uint8" => [.. t.ToArray<byte>().Select(v => (long)v)],
        "int16" => [.. t.ToArray<short>().Select(v => (long)v)],
        "int32" => [.. t.ToArray<int>().Select(v => (long)v)],
        _ => t.ToArray<long>(),
    };
}
