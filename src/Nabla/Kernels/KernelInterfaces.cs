using System.Numerics;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>A unary kernel over every numeric storage type (int, long, float, double): spans in, spans out.</summary>
internal interface INumericUnaryKernel
{
    static abstract void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, INumber<T>;
}

/// <summary>A unary kernel over float and double (float16/bfloat16 are widened to float by the driver).</summary>
internal interface IFloatUnaryKernel
{
    static abstract void Apply<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>
/// A binary kernel over numeric storage types, in the three shapes a broadcast walk needs: two runs, a run and a
/// scalar, a scalar and a run. Generic methods over struct kernels let the JIT specialise each use.
/// </summary>
internal interface INumericBinaryKernel
{
    static abstract void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
        where T : unmanaged, INumber<T>;

    static abstract void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
        where T : unmanaged, INumber<T>;

    static abstract void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
        where T : unmanaged, INumber<T>;
}

/// <summary>A binary kernel over float and double only.</summary>
internal interface IFloatBinaryKernel
{
    static abstract void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>;

    static abstract void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>;

    static abstract void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An element predicate of two values (comparisons), giving a bool per element.</summary>
internal interface IComparisonKernel
{
    static abstract bool Invoke<T>(T x, T y)
        where T : unmanaged, INumber<T>;

    /// <summary>The same predicate on lanes: all bits set where it holds, zero elsewhere (Vector256.Equals and kin).</summary>
    static abstract Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y)
        where T : unmanaged, INumber<T>;
}

/// <summary>
/// The run-level shape of any binary kernel, as <see cref="Broadcasting.Binary{TX, TY, TZ, TKernel}"/> calls it.
/// Adapters below turn each kernel family into this shape for one element type.
/// </summary>
internal interface IBinaryRun<TX, TY, TZ>
{
    static abstract void RunRun(ReadOnlySpan<TX> x, ReadOnlySpan<TY> y, Span<TZ> z);

    static abstract void RunScalar(ReadOnlySpan<TX> x, TY y, Span<TZ> z);

    static abstract void ScalarRun(TX x, ReadOnlySpan<TY> y, Span<TZ> z);
}

/// <summary>Adapts a numeric binary kernel to runs of <typeparamref name="T"/>.</summary>
internal readonly struct NumericRun<T, TKernel> : IBinaryRun<T, T, T>
    where T : unmanaged, INumber<T>
    where TKernel : INumericBinaryKernel
{
    public static void RunRun(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z) => TKernel.Apply(x, y, z);

    public static void RunScalar(ReadOnlySpan<T> x, T y, Span<T> z) => TKernel.Apply(x, y, z);

    public static void ScalarRun(T x, ReadOnlySpan<T> y, Span<T> z) => TKernel.Apply(x, y, z);
}

/// <summary>Adapts a floating binary kernel to runs of <typeparamref name="T"/>.</summary>
internal readonly struct FloatRun<T, TKernel> : IBinaryRun<T, T, T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : IFloatBinaryKernel
{
    public static void RunRun(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z) => TKernel.Apply(x, y, z);

    public static void RunScalar(ReadOnlySpan<T> x, T y, Span<T> z) => TKernel.Apply(x, y, z);

    public static void ScalarRun(T x, ReadOnlySpan<T> y, Span<T> z) => TKernel.Apply(x, y, z);
}

/// <summary>Adapts a comparison to runs of <typeparamref name="T"/> producing bools (SIMD body, scalar tail).</summary>
internal readonly struct ComparisonRun<T, TKernel> : IBinaryRun<T, T, bool>
    where T : unmanaged, INumber<T>
    where TKernel : IComparisonKernel
{
    public static void RunRun(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<bool> z)
    {
        for (int i = VectorComparison.RunRun<T, TKernel>(x, y, z); i < z.Length; i++)
        {
            z[i] = TKernel.Invoke(x[i], y[i]);
        }
    }

    public static void RunScalar(ReadOnlySpan<T> x, T y, Span<bool> z)
    {
        for (int i = VectorComparison.RunScalar<T, TKernel>(x, y, z); i < z.Length; i++)
        {
            z[i] = TKernel.Invoke(x[i], y);
        }
    }

    public static void ScalarRun(T x, ReadOnlySpan<T> y, Span<bool> z)
    {
        for (int i = VectorComparison.ScalarRun<T, TKernel>(x, y, z); i < z.Length; i++)
        {
            z[i] = TKernel.Invoke(x, y[i]);
        }
    }
}
