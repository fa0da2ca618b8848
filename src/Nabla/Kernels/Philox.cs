using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// The Philox4x32-10 counter-based generator (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
/// SC'11; TensorFlow's CPU generator): a 128-bit counter and a 64-bit key map to four 32-bit outputs.
/// A stream is a key plus the high 64 bits of the counter; blocks are numbered by the low 64 bits, so any
/// block can be computed independently and a fill is reproducible.
/// </summary>
internal static class Philox
{
    private const uint M0 = 0xD2511F53;
    private const uint M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9;
    private const uint W1 = 0xBB67AE85;

    /// <summary>Ten rounds of Philox4x32 on the counter (c0..c3, c0 lowest) with the key (k0, k1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint X0, uint X1, uint X2, uint X3) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }

            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n1 = (uint)p1;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            uint n3 = (uint)p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }

        return (c0, c1, c2, c3);
    }

    /// <summary>Fills <paramref name="output"/> with the stream's 32-bit words, block 0 onwards.</summary>
    public static void Fill(Span<uint> output, ulong key, ulong stream)
    {
        uint k0 = (uint)key, k1 = (uint)(key >> 32);
        uint s0 = (uint)stream, s1 = (uint)(stream >> 32);
        int i = 0;
        for (ulong block = 0; i < output.Length; block++)
        {
            (uint x0, uint x1, uint x2, uint x3) = Block((uint)block, (uint)(block >> 32), s0, s1, k0, k1);
            output[i++] = x0;
            if (i < output.Length)
            {
                output[i++] = x1;
            }

            if (i < output.Length)
            {
                output[i++] = x2;
            }

            if (i < output.Length)
            {
                output[i++] = x3;
            }
        }
    }
}

/// <summary>A sequential reader over a Philox stream, for rejection sampling (truncated normal) and pairs.</summary>
internal struct PhiloxStream(ulong key, ulong stream)
{
    private ulong _block;
    private int _used = 4;
    private (uint X0, uint X1, uint X2, uint X3) _current;

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt32()
    {
        if (_used == 4)
        {
            _current = Philox.Block((uint)_block, (uint)(_block >> 32), (uint)stream, (uint)(stream >> 32), (uint)key, (uint)(key >> 32));
            _block++;
            _used = 0;
        }

        return _used++ switch
        {
            0 => _current.X0,
            1 => _current.X1,
            2 => _current.X2,
            _ => _current.X3,
        };
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64() => NextUInt32() | ((ulong)NextUInt32() << 32);

    /// <summary>A float64 uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A float64 uniform in (0, 1], safe for a logarithm.</summary>
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>A float32 uniform in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt32() >> 8) * (1.0f / (1 << 24));
}
