using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// A vectorised float32 <c>e^x</c> (Vector512, Vector256 or Vector128 body, scalar tail computing the same bits).
/// x = n·ln2 + r with Cody–Waite reduction (ln2 split in a short high part and a correction), |r| ≤ ln2/2;
/// e^r = 1 + r + r²·P(r) with Cephes' degree-5 minimax P; the result is scaled by 2^n as two exponent-built
/// factors 2^⌊n/2⌋ · 2^(n-⌊n/2⌋), so that overflow rounds to +Inf and results below 2^-126 are rounded once,
/// correctly, to subnormals (or 0). Inputs are clamped to [-104, 89] (beyond which the result is 0 or +Inf);
/// NaN stays NaN. Max error about 1 ulp against the exact value over the whole float range (see the kernel
/// tests). Where the hardware has FMA the multiply-adds are fused, in the vector body and the tail alike.
/// </summary>
internal static class VectorExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float RoundMagic = 12582912f; // 1.5·2^23: adding it rounds to an integer held in the low mantissa bits
    private const int RoundMagicBits = 0x4B400000;
    private const float Ln2Hi = 0.693359375f; // 9 significant bits: n·Ln2Hi is exact for |n| ≤ 2^15
    private const float Ln2Lo = -2.12194440e-4f; // ln2 - Ln2Hi
    private const float MaxInput = 89f; // e^89 > float.MaxValue: +Inf
    private const float MinInput = -104f; // e^-104 < 2^-150: rounds to 0
    private const float P0 = 1.9875691500e-4f;
    private const float P1 = 1.3981999507e-3f;
    private const float P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f;
    private const float P4 = 1.6666665459e-1f;
    private const float P5 = 5.0000001201e-1f;
    private const int PrefetchDistance = 1024; // elements: 4 KiB ahead

    /// <summary>Whether multiply-adds are fused (a JIT-time constant): the same in the vector body and the scalar tail.</summary>
    private static bool Fused => Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>y = e^x elementwise for any float type: float32 through this kernel, others through TensorPrimitives.</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Exp(
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)), x.Length),
                MemoryMarshal.CreateSpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(y)), y.Length));
        }
        else
        {
            TensorPrimitives.Exp(x, y);
        }
    }

    /// <summary>y = e^x elementwise; <paramref name="y"/> may be <paramref name="x"/> itself (in place).</summary>
    public static unsafe void Exp(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"Exp: the destination ({y.Length} elements) is shorter than the source ({x.Length}).", nameof(y));
        }

        int n = x.Length;
        int i = 0;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            // Software prefetch a few KiB ahead of both streams: on long (L3/DRAM-resident) runs it lets the loads
            // overlap the arithmetic (measured ~15% on 16M elements); prefetches past the end are harmless hints.
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - (2 * Vector512<float>.Count); i += 2 * Vector512<float>.Count)
                {
                    Prefetch(px + i + PrefetchDistance);
                    Prefetch(px + i + PrefetchDistance + Vector512<float>.Count);
                    Prefetch(py + i + PrefetchDistance);
                    Prefetch(py + i + PrefetchDistance + Vector512<float>.Count);
                    Vector512<float> a = Vector512.Load(px + i);
                    Vector512<float> b = Vector512.Load(px + i + Vector512<float>.Count);
                    Exp(a).Store(py + i);
                    Exp(b).Store(py + i + Vector512<float>.Count);
                }

                for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    Exp(Vector512.Load(px + i)).Store(py + i);
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (; i <= n - (2 * Vector256<float>.Count); i += 2 * Vector256<float>.Count)
                {
                    Prefetch(px + i + PrefetchDistance);
                    Prefetch(py + i + PrefetchDistance);
                    Vector256<float> a = Vector256.Load(px + i);
                    Vector256<float> b = Vector256.Load(px + i + Vector256<float>.Count);
                    Exp(a).Store(py + i);
                    Exp(b).Store(py + i + Vector256<float>.Count);
                }

                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    Exp(Vector256.Load(px + i)).Store(py + i);
                }
            }

            if (Vector128.IsHardwareAccelerated)
            {
                for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                {
                    Exp(Vector128.Load(px + i)).Store(py + i);
                }
            }

            for (; i < n; i++)
            {
                py[i] = Exp(px[i]);
            }
        }
    }

    /// <summary>e^x of one value, bit for bit what the vector paths give.</summary>
    public static float Exp(float x)
    {
        if (float.IsNaN(x))
        {
            return x;
        }

        float c = x > MaxInput ? MaxInput : x < MinInput ? MinInput : x;
        float t = Mad(c, Log2E, RoundMagic);
        float nf = t - RoundMagic;
        float r = Mad(nf, -Ln2Hi, c);
        r = Mad(nf, -Ln2Lo, r);
        int k = BitConverter.SingleToInt32Bits(t) - RoundMagicBits;
        float z = r * r;
        float p = Mad(P0, r, P1);
        p = Mad(p, r, P2);
        p = Mad(p, r, P3);
        p = Mad(p, r, P4);
        p = Mad(p, r, P5);
        p = Mad(p, z, r) + 1f;
        int k1 = k >> 1;
        int k2 = k - k1;
        float s1 = BitConverter.Int32BitsToSingle((k1 + 127) << 23);
        float s2 = BitConverter.Int32BitsToSingle((k2 + 127) << 23);
        return p * s1 * s2;
    }

    /// <summary>e^x on 16 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        Vector512<float> c = Vector512.MaxNative(Vector512.MinNative(x, Vector512.Create(MaxInput)), Vector512.Create(MinInput));
        Vector512<float> t = Mad(c, Vector512.Create(Log2E), Vector512.Create(RoundMagic));
        Vector512<float> nf = t - Vector512.Create(RoundMagic);
        Vector512<float> r = Mad(nf, Vector512.Create(-Ln2Hi), c);
        r = Mad(nf, Vector512.Create(-Ln2Lo), r);
        Vector512<float> z = r * r;
        Vector512<float> p = Mad(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Mad(p, r, Vector512.Create(P2));
        p = Mad(p, r, Vector512.Create(P3));
        p = Mad(p, r, Vector512.Create(P4));
        p = Mad(p, r, Vector512.Create(P5));
        p = Mad(p, z, r) + Vector512<float>.One;
        Vector512<float> y;
        if (Avx512F.IsSupported)
        {
            // vscalefps: p·2^n rounded once, overflow to +Inf and subnormals included, as the two factors below give.
            y = Avx512F.Scale(p, nf);
        }
        else
        {
            Vector512<int> k = t.AsInt32() - Vector512.Create(RoundMagicBits);
            Vector512<int> k1 = Vector512.ShiftRightArithmetic(k, 1);
            Vector512<float> s1 = Vector512.ShiftLeft(k1 + Vector512.Create(127), 23).AsSingle();
            Vector512<float> s2 = Vector512.ShiftLeft(k - k1 + Vector512.Create(127), 23).AsSingle();
            y = p * s1 * s2;
        }

        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);
    }

    /// <summary>
    /// e^z − 1 on 16 lanes for z in [-20, 0] (the caller clamps; NaN is the caller's too), accurate relative to the
    /// result near 0 as well: with z = n·ln2 + r as in <see cref="Exp(Vector512{float})"/>, e^r − 1 is the polynomial
    /// without its leading 1 (exactly r for tiny r), and e^z − 1 = 2^n·(e^r − 1) + (2^n − 1) in one fused multiply-add,
    /// where 2^n − 1 is exact for n ≥ -24 (n ≥ -29 here, and below -24 it rounds to -1, under half an ulp of the result).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ExpM1NonPositive(Vector512<float> z)
    {
        Vector512<float> t = Mad(z, Vector512.Create(Log2E), Vector512.Create(RoundMagic));
        Vector512<float> nf = t - Vector512.Create(RoundMagic);
        Vector512<float> r = Mad(nf, Vector512.Create(-Ln2Hi), z);
        r = Mad(nf, Vector512.Create(-Ln2Lo), r);
        Vector512<float> p = Mad(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Mad(p, r, Vector512.Create(P2));
        p = Mad(p, r, Vector512.Create(P3));
        p = Mad(p, r, Vector512.Create(P4));
        p = Mad(p, r, Vector512.Create(P5));
        p = Mad(p, r * r, r);

        // 2^n from the rounded sum's low bits: t's bits are RoundMagicBits + n, and shifting them into the exponent
        // field drops the magic (its set bits all land past bit 31).
        Vector512<float> scale = (Vector512.ShiftLeft(t.AsInt32(), 23) + Vector512.Create(0x3F800000)).AsSingle();
        return Mad(scale, p, scale - Vector512<float>.One);
    }

    /// <summary>e^z − 1 on 8 lanes for z in [-20, 0]: <see cref="ExpM1NonPositive(Vector512{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpM1NonPositive(Vector256<float> z)
    {
        Vector256<float> t = Mad(z, Vector256.Create(Log2E), Vector256.Create(RoundMagic));
        Vector256<float> nf = t - Vector256.Create(RoundMagic);
        Vector256<float> r = Mad(nf, Vector256.Create(-Ln2Hi), z);
        r = Mad(nf, Vector256.Create(-Ln2Lo), r);
        Vector256<float> p = Mad(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Mad(p, r, Vector256.Create(P2));
        p = Mad(p, r, Vector256.Create(P3));
        p = Mad(p, r, Vector256.Create(P4));
        p = Mad(p, r, Vector256.Create(P5));
        p = Mad(p, r * r, r);
        Vector256<float> scale = (Vector256.ShiftLeft(t.AsInt32(), 23) + Vector256.Create(0x3F800000)).AsSingle();
        return Mad(scale, p, scale - Vector256<float>.One);
    }

    /// <summary>e^x on 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        Vector256<float> c = Vector256.MaxNative(Vector256.MinNative(x, Vector256.Create(MaxInput)), Vector256.Create(MinInput));
        Vector256<float> t = Mad(c, Vector256.Create(Log2E), Vector256.Create(RoundMagic));
        Vector256<float> nf = t - Vector256.Create(RoundMagic);
        Vector256<float> r = Mad(nf, Vector256.Create(-Ln2Hi), c);
        r = Mad(nf, Vector256.Create(-Ln2Lo), r);
        Vector256<int> k = t.AsInt32() - Vector256.Create(RoundMagicBits);
        Vector256<float> z = r * r;
        Vector256<float> p = Mad(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Mad(p, r, Vector256.Create(P2));
        p = Mad(p, r, Vector256.Create(P3));
        p = Mad(p, r, Vector256.Create(P4));
        p = Mad(p, r, Vector256.Create(P5));
        p = Mad(p, z, r) + Vector256<float>.One;
        Vector256<int> k1 = Vector256.ShiftRightArithmetic(k, 1);
        Vector256<int> k2 = k - k1;
        Vector256<float> s1 = Vector256.ShiftLeft(k1 + Vector256.Create(127), 23).AsSingle();
        Vector256<float> s2 = Vector256.ShiftLeft(k2 + Vector256.Create(127), 23).AsSingle();
        Vector256<float> y = p * s1 * s2;
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>e^x on 4 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        Vector128<float> c = Vector128.MaxNative(Vector128.MinNative(x, Vector128.Create(MaxInput)), Vector128.Create(MinInput));
        Vector128<float> t = Mad(c, Vector128.Create(Log2E), Vector128.Create(RoundMagic));
        Vector128<float> nf = t - Vector128.Create(RoundMagic);
        Vector128<float> r = Mad(nf, Vector128.Create(-Ln2Hi), c);
        r = Mad(nf, Vector128.Create(-Ln2Lo), r);
        Vector128<int> k = t.AsInt32() - Vector128.Create(RoundMagicBits);
        Vector128<float> z = r * r;
        Vector128<float> p = Mad(Vector128.Create(P0), r, Vector128.Create(P1));
        p = Mad(p, r, Vector128.Create(P2));
        p = Mad(p, r, Vector128.Create(P3));
        p = Mad(p, r, Vector128.Create(P4));
        p = Mad(p, r, Vector128.Create(P5));
        p = Mad(p, z, r) + Vector128<float>.One;
        Vector128<int> k1 = Vector128.ShiftRightArithmetic(k, 1);
        Vector128<int> k2 = k - k1;
        Vector128<float> s1 = Vector128.ShiftLeft(k1 + Vector128.Create(127), 23).AsSingle();
        Vector128<float> s2 = Vector128.ShiftLeft(k2 + Vector128.Create(127), 23).AsSingle();
        Vector128<float> y = p * s1 * s2;
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), y, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(float* address)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(address);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Mad(float a, float b, float c) => Fused ? MathF.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Mad(Vector512<float> a, Vector512<float> b, Vector512<float> c)
        => Fused ? Vector512.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Mad(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        => Fused ? Vector256.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Mad(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        => Fused ? Vector128.FusedMultiplyAdd(a, b, c) : (a * b) + c;
}
