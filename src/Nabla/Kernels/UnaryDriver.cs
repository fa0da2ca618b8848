namespace Nabla.Kernels;

/// <summary>
/// Runs unary span kernels over a whole buffer, split over the cores by <see cref="ParallelFor"/> when large.
/// float16/bfloat16 are widened chunk by chunk into a pooled float buffer, computed and narrowed back, so the
/// scratch memory is one chunk per thread, not a copy of the tensor.
/// </summary>
internal static class UnaryDriver
{
    /// <summary>y = f(x) over the first <paramref name="count"/> elements.</summary>
    public static void Numeric<T, TKernel>(T[] x, T[] y, int count)
        where T : unmanaged, System.Numerics.INumber<T>
        where TKernel : INumericUnaryKernel
        => ParallelFor.Run(count, new NumericBody<T, TKernel>(x, y));

    /// <summary>y = f(x) over the first <paramref name="count"/> elements.</summary>
    public static void Float<T, TKernel>(T[] x, T[] y, int count)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        where TKernel : IFloatUnaryKernel
        => ParallelFor.Run(count, new FloatBody<T, TKernel>(x, y));

    /// <summary>y = f(x) for float16/bfloat16 buffers, computed in float32.</summary>
    public static void NumericReduced<TKernel>(Array x, Array y, DType dtype, int count)
        where TKernel : INumericUnaryKernel
        => ParallelFor.Run(count, new ReducedBody<NumericFloat<TKernel>>(x, y, dtype));

    /// <summary>y = f(x) for float16/bfloat16 buffers, computed in float32.</summary>
    public static void FloatReduced<TKernel>(Array x, Array y, DType dtype, int count)
        where TKernel : IFloatUnaryKernel
        => ParallelFor.Run(count, new ReducedBody<FloatFloat<TKernel>>(x, y, dtype));

    private interface IFloatKernel
    {
        static abstract void Apply(Span<float> values);
    }

    private readonly struct NumericFloat<TKernel> : IFloatKernel
        where TKernel : INumericUnaryKernel
    {
        public static void Apply(Span<float> values) => TKernel.Apply<float>(values, values);
    }

    private readonly struct FloatFloat<TKernel> : IFloatKernel
        where TKernel : IFloatUnaryKernel
    {
        public static void Apply(Span<float> values) => TKernel.Apply<float>(values, values);
    }

    private readonly struct NumericBody<T, TKernel>(T[] x, T[] y) : IRangeBody
        where T : unmanaged, System.Numerics.INumber<T>
        where TKernel : INumericUnaryKernel
    {
        public void Invoke(int start, int end) => TKernel.Apply(new ReadOnlySpan<T>(x, start, end - start), new Span<T>(y, start, end - start));
    }

    private readonly struct FloatBody<T, TKernel>(T[] x, T[] y) : IRangeBody
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        where TKernel : IFloatUnaryKernel
    {
        public void Invoke(int start, int end) => TKernel.Apply(new ReadOnlySpan<T>(x, start, end - start), new Span<T>(y, start, end - start));
    }

    private readonly struct ReducedBody<TKernel>(Array x, Array y, DType dtype) : IRangeBody
        where TKernel : IFloatKernel
    {
        private const int Block = 4096; // floats widened at a time: 16 KiB, stays in L1/L2

        public void Invoke(int start, int end)
        {
            float[] wide = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Min(Block, end - start));
            for (int s = start; s < end; s += Block)
            {
                int n = Math.Min(Block, end - s);
                Span<float> values = wide.AsSpan(0, n);
                ReducedPrecision.WidenAt(x, dtype, s, values);
                TKernel.Apply(values);
                ReducedPrecision.NarrowAt(values, y, dtype, s);
            }

            System.Buffers.ArrayPool<float>.Shared.Return(wide);
        }
    }
}
