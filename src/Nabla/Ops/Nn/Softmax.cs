using System.Numerics;
using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// <c>exp(x) / sum(exp(x))</c> along <paramref name="axis"/>, computed stably (the maximum is subtracted first).
        /// </summary>
        /// <exception cref="ArgumentException">When the dtype is not floating or the axis is out of range.</exception>
        public static Tensor Softmax(Tensor logits, int axis = -1) => new SoftmaxOp(axis, log: false).Call(logits);

        /// <summary><c>x - log(sum(exp(x)))</c> along <paramref name="axis"/>, computed stably.</summary>
        /// <exception cref="ArgumentException">When the dtype is not floating or the axis is out of range.</exception>
        public static Tensor LogSoftmax(Tensor logits, int axis = -1) => new SoftmaxOp(axis, log: true).Call(logits);
    }
}

/// <summary>Softmax and LogSoftmax: one kernel over [outer, axis, inner] blocks, contiguous inner runs.</summary>
internal sealed class SoftmaxOp(int axis, bool log) : Op(log ? "LogSoftmax" : "Softmax")
{
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = axis };

    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        DTypeRules.Require(Name, x.DType, DTypeSet.Floating, x.Shape);
        Axes.Normalize(Name, axis, x.Rank, x.Shape);
        return new TensorSpec(x.Shape, x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int a = Axes.Normalize(Name, axis, x.Rank, x.Shape);
        ReadOnlySpan<int> dims = x.Shape.Dims;
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++)
        {
            outer *= dims[i];
        }

        for (int i = a + 1; i < dims.Length; i++)
        {
            inner *= dims[i];
        }

        DTypeDispatch.Float(new Body(outer, dims[a], inner, log), inputs, output, x.DType);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (log)
        {
            // d logsoftmax: g - softmax * sum(g).
            result[0] = Tf.Subtract(upstream, Tf.Multiply(Tf.Exp(output), Tf.ReduceSum(upstream, axis, keepdims: true)));
            return;
        }

        // d softmax: (g - sum(g * y)) * y.
        result[0] = Tf.Multiply(Tf.Subtract(upstream, Tf.ReduceSum(Tf.Multiply(upstream, output), axis, keepdims: true)), output);
    }

    private readonly struct Body(int outer, int n, int inner, bool log) : IFloatBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, IFloatingPointIeee754<T> => SoftmaxOp.Run(o.In(0), o.Out, outer, n, inner, log);
    }

    // TensorPrimitives' max, float32 through the precompiled loop (Float32Spans: the same bits). The shifts and the
    // division below go through the Subtract and Divide kernels, which do the same for float32.
    private static T Max<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            float max = Float32Spans.Max(Float32Spans.Of(x));
            return System.Runtime.CompilerServices.Unsafe.As<float, T>(ref max);
        }

        return TensorPrimitives.Max(x);
    }

    /// <summary>The kernel on spans: x and y are [outer, n, inner] row-major.</summary>
    internal static void Run<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int n, int inner, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int block = n * inner;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                ReadOnlySpan<T> row = x.Slice(o * block, n);
                Span<T> result = y.Slice(o * block, n);
                T max = Max(row);
                if (!T.IsFinite(max))
                {
                    max = T.IsNaN(max) ? max : T.Zero;
                }

                SubtractOp.Kernel.Apply(row, max, result);
                if (log)
                {
                    T[] scratch = System.Buffers.ArrayPool<T>.Shared.Rent(n);
                    VectorExp.Exp(result, scratch.AsSpan(0, n));
                    T sum = TensorPrimitives.Sum<T>(scratch.AsSpan(0, n));
                    System.Buffers.ArrayPool<T>.Shared.Return(scratch);
                    SubtractOp.Kernel.Apply(result, T.Log(sum), result);
                }
                else
                {
                    VectorExp.Exp(result, result);
                    DivideOp.Kernel.Apply(result, TensorPrimitives.Sum<T>(result), result);
                }
            }

            return;
        }

        T[] maxBuffer = System.Buffers.ArrayPool<T>.Shared.Rent(inner);
        T[] sumBuffer = System.Buffers.ArrayPool<T>.Shared.Rent(inner);
        T[] expBuffer = System.Buffers.ArrayPool<T>.Shared.Rent(inner);
        Span<T> maxima = maxBuffer.AsSpan(0, inner), sums = sumBuffer.AsSpan(0, inner), exps = expBuffer.AsSpan(0, inner);
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<T> xb = x.Slice(o * block, block);
            Span<T> yb = y.Slice(o * block, block);
            xb[..inner].CopyTo(maxima);
            for (int j = 1; j < n; j++)
            {
                TensorPrimitives.Max(maxima, xb.Slice(j * inner, inner), maxima);
            }

            for (int i = 0; i < inner; i++)
            {
                if (T.IsInfinity(maxima[i]))
                {
                    maxima[i] = T.Zero;
                }
            }

            sums.Clear();
            for (int j = 0; j < n; j++)
            {
                Span<T> yr = yb.Slice(j * inner, inner);
                TensorPrimitives.Subtract(xb.Slice(j * inner, inner), maxima, yr);
                VectorExp.Exp(yr, exps);
                TensorPrimitives.Add(sums, exps, sums);
                if (!log)
                {
                    exps.CopyTo(yr);
                }
            }

            if (log)
            {
                TensorPrimitives.Log(sums, sums);
            }

            for (int j = 0; j < n; j++)
            {
                Span<T> yr = yb.Slice(j * inner, inner);
                if (log)
                {
                    TensorPrimitives.Subtract(yr, sums, yr);
                }
                else
                {
                    TensorPrimitives.Divide(yr, sums, yr);
                }
            }
        }

        System.Buffers.ArrayPool<T>.Shared.Return(maxBuffer);
        System.Buffers.ArrayPool<T>.Shared.Return(sumBuffer);
        System.Buffers.ArrayPool<T>.Shared.Return(expBuffer);
    }
}
