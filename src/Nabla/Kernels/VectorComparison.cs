using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// The SIMD body of the comparison kernels: compares 32 elements per step with <see cref="Vector256"/> (one, two,
/// four or eight vectors by element size), narrows the all-ones/all-zeros lane masks to bytes and stores them as
/// 0/1 bools; a ragged tail is one more block overlapping the previous one, so runs of 32 or more are done
/// entirely here. Callers finish shorter runs with the scalar predicate.
/// </summary>
internal static class VectorComparison
{
    private const int Block = 32; // Vector256<byte>.Count: one stored vector of bools per step

    /// <summary>Compares two runs; returns how many leading elements were done.</summary>
    public static int RunRun<T, TKernel>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<bool> z)
        where T : unmanaged, INumber<T>
        where TKernel : IComparisonKernel
    {
        if (!Vector256.IsHardwareAccelerated || !Vector256<T>.IsSupported || z.Length < Block)
        {
            return 0;
        }

        return Run<T, TKernel>(ref MemoryMarshal.GetReference(x), 1, ref MemoryMarshal.GetReference(y), 1, z);
    }

    /// <summary>Compares a run with a scalar on the right; returns how many leading elements were done.</summary>
    public static int RunScalar<T, TKernel>(ReadOnlySpan<T> x, T y, Span<bool> z)
        where T : unmanaged, INumber<T>
        where TKernel : IComparisonKernel
    {
        if (!Vector256.IsHardwareAccelerated || !Vector256<T>.IsSupported || z.Length < Block)
        {
            return 0;
        }

        Span<T> ys = stackalloc T[Block];
        ys.Fill(y);
        return Run<T, TKernel>(ref MemoryMarshal.GetReference(x), 1, ref MemoryMarshal.GetReference(ys), 0, z);
    }

    /// <summary>Compares a scalar on the left with a run; returns how many leading elements were done.</summary>
    public static int ScalarRun<T, TKernel>(T x, ReadOnlySpan<T> y, Span<bool> z)
        where T : unmanaged, INumber<T>
        where TKernel : IComparisonKernel
    {
        if (!Vector256.IsHardwareAccelerated || !Vector256<T>.IsSupported || z.Length < Block)
        {
            return 0;
        }

        Span<T> xs = stackalloc T[Block];
        xs.Fill(x);
        return Run<T, TKernel>(ref MemoryMarshal.GetReference(xs), 0, ref MemoryMarshal.GetReference(y), 1, z);
    }

    // xStep/yStep are 1 for a run and 0 for a broadcast scalar (a 32-element buffer read again at every step).
    private static int Run<T, TKernel>(ref T x, int xStep, ref T y, int yStep, Span<bool> z)
        where T : unmanaged, INumber<T>
        where TKernel : IComparisonKernel
    {
        ref byte dst = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(z));
        Vector256<byte> one = Vector256.Create((byte)1);
        int done = z.Length - (z.Length % Block);
        for (int i = 0; i < done; i += Block)
        {
            Vector256<byte> mask = Mask<T, TKernel>(ref Unsafe.Add(ref x, i * xStep), ref Unsafe.Add(ref y, i * yStep));
            (mask & one).StoreUnsafe(ref dst, (nuint)i);
        }

        if (done < z.Length)
        {
            // The tail: one more block ending at the last element, overlapping the previous one (callers only
            // get here with at least one block, and comparing an element twice writes the same bool).
            int last = z.Length - Block;
            Vector256<byte> mask = Mask<T, TKernel>(ref Unsafe.Add(ref x, last * xStep), ref Unsafe.Add(ref y, last * yStep));
            (mask & one).StoreUnsafe(ref dst, (nuint)last);
        }

        return z.Length;
    }

    // 32 lane masks as bytes, in element order (Narrow keeps the low bits of each lane: all-ones stays all-ones).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Mask<T, TKernel>(ref T x, ref T y)
        where T : unmanaged, INumber<T>
        where TKernel : IComparisonKernel
    {
        int lanes = Vector256<T>.Count;
        if (Unsafe.SizeOf<T>() == 1)
        {
            return TKernel.Invoke(Vector256.LoadUnsafe(ref x), Vector256.LoadUnsafe(ref y)).AsByte();
        }

        if (Unsafe.SizeOf<T>() == 2)
        {
            Vector256<short> h0 = Compare<T, TKernel>(ref x, ref y, 0).AsInt16();
            Vector256<short> h1 = Compare<T, TKernel>(ref x, ref y, lanes).AsInt16();
            return Vector256.Narrow(h0, h1).AsByte();
        }

        if (Unsafe.SizeOf<T>() == 4)
        {
            Vector256<int> m0 = Compare<T, TKernel>(ref x, ref y, 0).AsInt32();
            Vector256<int> m1 = Compare<T, TKernel>(ref x, ref y, lanes).AsInt32();
            Vector256<int> m2 = Compare<T, TKernel>(ref x, ref y, 2 * lanes).AsInt32();
            Vector256<int> m3 = Compare<T, TKernel>(ref x, ref y, 3 * lanes).AsInt32();
            return Vector256.Narrow(Vector256.Narrow(m0, m1), Vector256.Narrow(m2, m3)).AsByte();
        }

        Vector256<int> q0 = Vector256.Narrow(Compare<T, TKernel>(ref x, ref y, 0).AsInt64(), Compare<T, TKernel>(ref x, ref y, lanes).AsInt64());
        Vector256<int> q1 = Vector256.Narrow(Compare<T, TKernel>(ref x, ref y, 2 * lanes).AsInt64(), Compare<T, TKernel>(ref x, ref y, 3 * lanes).AsInt64());
        Vector256<int> q2 = Vector256.Narrow(Compare<T, TKernel>(ref x, ref y, 4 * lanes).AsInt64(), Compare<T, TKernel>(ref x, ref y, 5 * lanes).AsInt64());
        Vector256<int> q3 = Vector256.Narrow(Compare<T, TKernel>(ref x, ref y, 6 * lanes).AsInt64(), Compare<T, TKernel>(ref x, ref y, 7 * lanes).AsInt64());
        return Vector256.Narrow(Vector256.Narrow(q0, q1), Vector256.Narrow(q2, q3)).AsByte();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Compare<T, TKernel>(ref T x, ref T y, int offset)
        where T : unmanaged, INumber<T>
        where TKernel : IComparisonKernel
        => TKernel.Invoke(Vector256.LoadUnsafe(ref x, (nuint)offset), Vector256.LoadUnsafe(ref y, (nuint)offset));
}
