using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// float32 logistic function on top of <see cref="VectorExp"/>, in one pass (vector body, scalar tail computing
/// the same bits): with e = e^-|x| and s = 1 / (1 + e), sigmoid(x) is s for x ≥ 0 and e·s for x &lt; 0, so that
/// it never overflows and very negative x keep their tiny (subnormal) results. NaN stays NaN.
/// Other element types go to TensorPrimitives.
/// </summary>
internal static class VectorSigmoid
{
    /// <summary>y = sigmoid(x) for any float type: float32 through this kernel.</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Sigmoid(
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)), x.Length),
                MemoryMarshal.CreateSpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(y)), y.Length));
        }
        else
        {
            TensorPrimitives.Sigmoid(x, y);
        }
    }

    /// <summary>y = 1 / (1 + e^-x) elementwise; <paramref name="y"/> may be <paramref name="x"/> itself.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"Sigmoid: the destination ({y.Length} elements) is shorter than the source ({x.Length}).", nameof(y));
        }

        int n = x.Length;
        int i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Sigmoid(Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Sigmoid(Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref xr, (nuint)i);
                Vector128<float> e = VectorExp.Exp(-Vector128.Abs(v));
                Vector128<float> s = Vector128<float>.One / (Vector128<float>.One + e);
                Vector128.ConditionalSelect(Vector128.LessThan(v, Vector128<float>.Zero), e * s, s).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) = Sigmoid(Unsafe.Add(ref xr, i));
        }
    }

    /// <summary>sigmoid of sixteen values (the span kernel's Vector512 body, and the compiled fusion path's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> v)
    {
        Vector512<float> e = VectorExp.Exp(-Vector512.Abs(v));
        Vector512<float> s = Vector512<float>.One / (Vector512<float>.One + e);
        return Vector512.ConditionalSelect(Vector512.LessThan(v, Vector512<float>.Zero), e * s, s);
    }

    /// <summary>sigmoid of eight values (the span kernel's Vector256 body, and the compiled fusion path's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> v)
    {
        Vector256<float> e = VectorExp.Exp(-Vector256.Abs(v));
        Vector256<float> s = Vector256<float>.One / (Vector256<float>.One + e);
        return Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), e * s, s);
    }

    /// <summary>sigmoid of one value, bit for bit what the vector paths give.</summary>
    public static float Sigmoid(float x)
    {
        float e = VectorExp.Exp(-MathF.Abs(x));
        float s = 1f / (1f + e);
        return x < 0f ? e * s : s;
    }
}
