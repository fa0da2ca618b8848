using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>
/// The vectorised bfloat16 conversions (<see cref="Conversion.WidenBFloat16"/>, <see cref="Conversion.NarrowToBFloat16"/>)
/// against the scalar <see cref="BFloat16"/> conversions, bit for bit, around the SIMD widths, with ties, NaN
/// (payloads only in the dropped bits), infinities, signed zeros, subnormals and values that round to infinity.
/// </summary>
public class BFloat16ConversionKernelTests
{
    private static readonly int[] s_lengths = [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    private static readonly uint[] s_specialBits =
    [
        0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0x7F800001, 0xFF800001, 0x7FFFFFFF,
        0x3F808000, 0x3F818000, 0x3F80FFFF, 0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0x7F7F8000, 0xFF7FFFFF,
    ];

    [Fact]
    public void NarrowToBFloat16_AllLengths_MatchesScalarBitForBit()
    {
        var random = new Random(42);
        foreach (int n in s_lengths)
        {
            var source = new float[n];
            for (int i = 0; i < n; i++)
            {
                source[i] = random.Next(3) == 0
                    ? BitConverter.UInt32BitsToSingle(s_specialBits[random.Next(s_specialBits.Length)])
                    : BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
            }

            var destination = new BFloat16[n];
            Conversion.NarrowToBFloat16(source, destination);
            for (int i = 0; i < n; i++)
            {
                ushort expected = Bits(BFloat16.FromSingle(source[i]));
                Assert.True(expected == Bits(destination[i]), $"n = {n}, i = {i}: {BitConverter.SingleToUInt32Bits(source[i]):X8} -> {Bits(destination[i]):X4}, expected {expected:X4}");
            }
        }
    }

    [Fact]
    public void WidenBFloat16_AllLengths_MatchesScalarBitForBit()
    {
        var random = new Random(42);
        foreach (int n in s_lengths)
        {
            var source = new BFloat16[n];
            for (int i = 0; i < n; i++)
            {
                source[i] = BFloat16.FromSingle(BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)));
            }

            var destination = new float[n + 1];
            destination[n] = 42f;
            Conversion.WidenBFloat16(source, destination.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(BitConverter.SingleToUInt32Bits(source[i].ToSingle()), BitConverter.SingleToUInt32Bits(destination[i]));
            }

            Assert.Equal(42f, destination[n]);
        }
    }

    private static ushort Bits(BFloat16 value) => System.Runtime.CompilerServices.Unsafe.As<BFloat16, ushort>(ref value);
}
