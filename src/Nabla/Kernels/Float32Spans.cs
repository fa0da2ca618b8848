using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// float32 span loops for the ops a training step runs most (+, -, ·, / in their span-span, span-scalar and
/// scalar-span forms, negation, ReLU and its gradient, the max of a span) that the ReadyToRun images can hold
/// precompiled: plain non-generic methods, no constrained calls to static abstract members, at most
/// <see cref="Vector256"/>. They stand in for TensorPrimitives' float32 operators, whose generic methods (four to six
/// per operator and form) the JIT compiled in every fresh process before the first result (issue 11,
/// docs/ARCHITECTURE.md "Start-up").
/// </summary>
/// <remarks>
/// They compute TensorPrimitives' bits: every element is one IEEE operation on its own operands (max is IEEE 754-2019
/// maximum: NaN propagates and +0 is above -0, as <see cref="Vector256.Max{T}"/> and <see cref="MathF.Max"/> compute
/// it, and as TensorPrimitives.Max does), so the vector width and the order of the elements change nothing; the max
/// of a span is order-free for the same reason. The output may be one of the inputs (in place), never a
/// shifted view of one. Only <see cref="Vector256"/>: a precompiled method that tests <see cref="Vector512"/> is
/// compiled assuming no AVX-512 and is rejected on a machine that has it (the JIT compiles it then); on the
/// double-pumped AVX-512 of the benchmark machine the two widths measured the same for these loops.
/// </remarks>
internal static class Float32Spans
{
    /// <summary>
    /// The longest run the ops hand these loops (64 Ki elements, 256 KiB); longer ones go to TensorPrimitives, whose
    /// loops switch to non-temporal stores from there (no read of the destination's lines): on 16M-element Add and
    /// Multiply these loops measured 1.6x slower on two threads. Start-up is about short runs anyway.
    /// </summary>
    public const int MaxLength = 64 * 1024;

    private const int W = 8; // Vector256<float>.Count

    /// <summary>z[i] = x[i] op y[i] for the four arithmetic ops; x and y have one length, z at least that (as in TensorPrimitives).</summary>
    public static void Binary(SmallBinary kind, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        if (y.Length != x.Length || z.Length < x.Length)
        {
            throw new ArgumentException($"float32 {kind}: inputs of one length and an output at least as long expected, got {x.Length}, {y.Length} and {z.Length}.");
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float zr = ref MemoryMarshal.GetReference(z);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // One loop per op, so that the op is not chosen per vector.
            switch (kind)
            {
                case SmallBinary.Add:
                    for (; i + W <= n; i += W)
                    {
                        (Vector256.LoadUnsafe(ref xr, i) + Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref zr, i);
                    }

                    break;
                case SmallBinary.Subtract:
                    for (; i + W <= n; i += W)
                    {
                        (Vector256.LoadUnsafe(ref xr, i) - Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref zr, i);
                    }

                    break;
                case SmallBinary.Multiply:
                    for (; i + W <= n; i += W)
                    {
                        (Vector256.LoadUnsafe(ref xr, i) * Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref zr, i);
                    }

                    break;
                default:
                    for (; i + W <= n; i += W)
                    {
                        (Vector256.LoadUnsafe(ref xr, i) / Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref zr, i);
                    }

                    break;
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref zr, i) = Scalar(kind, Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
        }
    }

    /// <summary>z[i] = x[i] op y.</summary>
    public static void Binary(SmallBinary kind, ReadOnlySpan<float> x, float y, Span<float> z)
    {
        if (z.Length < x.Length)
        {
            throw new ArgumentException($"float32 {kind}: an output at least as long as the input expected, got {x.Length} and {z.Length}.");
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float zr = ref MemoryMarshal.GetReference(z);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> b = Vector256.Create(y);
            switch (kind)
            {
                case SmallBinary.Add:
                    for (; i + W <= n; i += W)
                    {
                        (Vector256.LoadUnsafe(ref xr, i) + b).StoreUnsafe(ref zr, i);
                    }

                    break;
                case SmallBinary.Subtract:
                    for (; i + W <= n; i += W)
                    {
                        (Vector256.LoadUnsafe(ref xr, i) - b).StoreUnsafe(ref zr, i);
                    }

                    break;
                case SmallBinary.Multiply:
                    for (; i + W <= n; i += W)
                    {
                        (Vector256.LoadUnsafe(ref xr, i) * b).StoreUnsafe(ref zr, i);
                    }

                    break;
                default:
                    for (; i + W <= n; i += W)
                    {
                        (Vector256.LoadUnsafe(ref xr, i) / b).StoreUnsafe(ref zr, i);
                    }

                    break;
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref zr, i) = Scalar(kind, Unsafe.Add(ref xr, i), y);
        }
    }

    /// <summary>z[i] = x op y[i].</summary>
    public static void Binary(SmallBinary kind, float x, ReadOnlySpan<float> y, Span<float> z)
    {
        if (z.Length < y.Length)
        {
            throw new ArgumentException($"float32 {kind}: an output at least as long as the input expected, got {y.Length} and {z.Length}.");
        }

        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float zr = ref MemoryMarshal.GetReference(z);
        nuint n = (nuint)y.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a = Vector256.Create(x);
            switch (kind)
            {
                case SmallBinary.Add:
                    for (; i + W <= n; i += W)
                    {
                        (a + Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref zr, i);
                    }

                    break;
                case SmallBinary.Subtract:
                    for (; i + W <= n; i += W)
                    {
                        (a - Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref zr, i);
                    }

                    break;
                case SmallBinary.Multiply:
                    for (; i + W <= n; i += W)
                    {
                        (a * Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref zr, i);
                    }

                    break;
                default:
                    for (; i + W <= n; i += W)
                    {
                        (a / Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref zr, i);
                    }

                    break;
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref zr, i) = Scalar(kind, x, Unsafe.Add(ref yr, i));
        }
    }

    /// <summary>y[i] = -x[i] (the sign bit flipped, NaN included) or max(x[i], 0).</summary>
    public static void Unary(Float32Unary kind, ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"float32 {kind}: an output at least as long as the input expected, got {x.Length} and {y.Length}.");
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length, i = 0;
        bool relu = kind == Float32Unary.Relu;
        if (Vector256.IsHardwareAccelerated)
        {
            if (relu)
            {
                for (; i + W <= n; i += W)
                {
                    Vector256.Max(Vector256.LoadUnsafe(ref xr, i), Vector256<float>.Zero).StoreUnsafe(ref yr, i);
                }
            }
            else
            {
                for (; i + W <= n; i += W)
                {
                    (-Vector256.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
                }
            }
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref xr, i);
            Unsafe.Add(ref yr, i) = relu ? MathF.Max(v, 0f) : -v;
        }
    }

    /// <summary>y[i] = g[i] · (x[i] &gt; 0 ? 1 : 0), ReLU's gradient (so NaN or infinite g at x ≤ 0 gives NaN, as g·0 does).</summary>
    public static void ReluGrad(ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> y)
    {
        if (g.Length != y.Length || x.Length != y.Length)
        {
            throw new ArgumentException($"float32 ReluGrad: spans of one length expected, got {g.Length}, {x.Length} and {y.Length}.");
        }

        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)y.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> one = Vector256<float>.One;
            for (; i + W <= n; i += W)
            {
                Vector256<float> mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref xr, i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref gr, i) * Vector256.ConditionalSelect(mask, one, Vector256<float>.Zero)).StoreUnsafe(ref yr, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) = Unsafe.Add(ref gr, i) * (Unsafe.Add(ref xr, i) > 0f ? 1f : 0f);
        }
    }

    /// <summary>The largest element (IEEE maximum: NaN if any element is NaN, +0 above -0); the span must not be empty.</summary>
    public static float Max(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
        {
            throw new ArgumentException("float32 Max: the span is empty.", nameof(x));
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length, i = 0;
        float max = x[0];
        if (Vector256.IsHardwareAccelerated && n >= W)
        {
            Vector256<float> m = Vector256.LoadUnsafe(ref xr);
            for (i = W; i + W <= n; i += W)
            {
                m = Vector256.Max(m, Vector256.LoadUnsafe(ref xr, i));
            }

            m = Vector256.Max(m, Vector256.LoadUnsafe(ref xr, n - W)); // the ragged end, overlapping: max is idempotent
            i = n;
            max = m[0];
            for (int lane = 1; lane < W; lane++)
            {
                max = MathF.Max(max, m[lane]);
            }
        }

        for (; i < n; i++)
        {
            max = MathF.Max(max, Unsafe.Add(ref xr, i));
        }

        return max;
    }

    /// <summary>A float span seen as float (the generic kernels' float32 case hands its spans here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<float> Of<T>(ReadOnlySpan<T> x)
        where T : unmanaged => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)), x.Length);

    /// <summary>A float span seen as float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<float> Of<T>(Span<T> x)
        where T : unmanaged => MemoryMarshal.CreateSpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)), x.Length);

    /// <summary>A float seen as float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of<T>(T x)
        where T : unmanaged => Unsafe.As<T, float>(ref x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Scalar(SmallBinary kind, float x, float y) => kind switch
    {
        SmallBinary.Add => x + y,
        SmallBinary.Subtract => x - y,
        SmallBinary.Multiply => x * y,
        _ => x / y,
    };
}

/// <summary>The unary ops with a <see cref="Float32Spans"/> path.</summary>
internal enum Float32Unary : byte
{
    None,
    Negate,
    Relu,
}
