using System.Numerics.Tensors;
using Nabla.Distributed.Collectives;

namespace Nabla.Distributed;

/// <summary>
/// All-reduces a list of tensors in few MPI calls: tensors of one dtype are packed, in order, into buckets of at most
/// <see cref="CommunicationOptions.BytesPerPack"/> bytes (a larger tensor goes alone), each bucket is summed across
/// workers in place, and the results are unpacked into new tensors. One agreement check covers the whole list (its
/// dtypes and sizes), so a model of another shape on one worker fails before any bucket moves. float32 buckets can
/// travel as float16 or bfloat16 (<see cref="GradientCompression"/>): half the bytes, about three significant digits.
/// The bucket buffers are kept between calls, so a training step allocates only the result tensors.
/// </summary>
internal sealed class FusedAllReduce(Collectives.Collectives collectives, CommunicationOptions options)
{
    private float[] _floats = [];
    private double[] _doubles = [];
    private Half[] _halves = [];
    private BFloat16[] _bfloats = [];
    private int[] _ints = [];
    private long[] _longs = [];

    /// <summary>
    /// The element-wise sum (or mean) over workers of each tensor; float16 compression applies to float32 tensors only
    /// when <paramref name="compress"/> is set.
    /// </summary>
    public Tensor[] Run(IReadOnlyList<Tensor> tensors, bool mean, bool compress, Purpose purpose, string detail)
    {
        long total = 0;
        long layout = 17;
        foreach (Tensor t in tensors)
        {
            TensorBytes.RequireEager(t, $"AllReduce ({detail})");

            total += t.Size;
            layout = unchecked((layout * 31) + (TensorBytes.IndexOf(t.DType) * 1_000_003L) + t.Size);
            if (mean && !t.DType.IsFloating)
            {
                throw new ArgumentException(
                    $"AllReduce: ReduceOp.Mean needs floating-point tensors, got {t.DType} of shape {t.Shape}; use ReduceOp.Sum for integers.");
            }

            if (t.DType == DType.Bool)
            {
                throw new ArgumentException($"AllReduce: bool tensors cannot be summed (shape {t.Shape}); cast them to int32 first.");
            }
        }

        var result = new Tensor[tensors.Count];
        if (tensors.Count == 0)
        {
            return result;
        }

        collectives.CheckAgreement(CollectiveKind.AllReduce, purpose, -1, total, layout, detail);
        double scale = mean ? 1.0 / collectives.Size : 1.0;
        foreach (DType dtype in DType.All)
        {
            if (dtype == DType.Float32 && compress && options.Compression == GradientCompression.Float16)
            {
                Reduce(tensors, result, dtype, scale, ref _floats, ref _halves, purpose, detail);
            }
            else if (dtype == DType.Float32 && compress && options.Compression == GradientCompression.BFloat16)
            {
                Reduce(tensors, result, dtype, scale, ref _floats, ref _bfloats, purpose, detail);
            }
            else if (dtype == DType.Float32)
            {
                Reduce(tensors, result, dtype, scale, ref _floats, ref _floats, purpose, detail);
            }
            else if (dtype == DType.Float64)
            {
                Reduce(tensors, result, dtype, scale, ref _doubles, ref _doubles, purpose, detail);
            }
            else if (dtype == DType.Float16)
            {
                Reduce(tensors, result, dtype, scale, ref _halves, ref _halves, purpose, detail);
            }
            else if (dtype == DType.BFloat16)
            {
                Reduce(tensors, result, dtype, scale, ref _bfloats, ref _bfloats, purpose, detail);
            }
            else if (dtype == DType.Int32)
            {
                Reduce(tensors, result, dtype, scale, ref _ints, ref _ints, purpose, detail);
            }
            else if (dtype == DType.Int64)
            {
                Reduce(tensors, result, dtype, scale, ref _longs, ref _longs, purpose, detail);
            }
        }

        return result;
    }

    /// <summary>Packs the tensors of <paramref name="dtype"/> (elements <typeparamref name="T"/>) into buckets sent as <typeparamref name="TWire"/>.</summary>
    private void Reduce<T, TWire>(IReadOnlyList<Tensor> tensors, Tensor[] result, DType dtype, double scale, ref T[] bucket, ref TWire[] wire,
        Purpose purpose, string detail)
        where T : unmanaged
        where TWire : unmanaged
    {
        int perPack = Math.Max(1, options.BytesPerPack / dtype.Size);
        int first = 0;
        while (first < tensors.Count)
        {
            // The next bucket: tensors [first, end) of this dtype, at most perPack elements unless one tensor is larger.
            int count = 0;
            int end = first;
            for (; end < tensors.Count; end++)
            {
                Tensor t = tensors[end];
                if (t.DType != dtype)
                {
                    continue;
                }

                if (count > 0 && count + t.Size > perPack)
                {
                    break;
                }

                count += t.Size;
            }

            if (count == 0)
            {
                first = end;
                continue;
            }

            if (bucket.Length < count)
            {
                bucket = new T[Math.Max(count, Math.Min(perPack, 2 * bucket.Length))];
            }

            Span<T> packed = bucket.AsSpan(0, count);
            int offset = 0;
            for (int i = first; i < end; i++)
            {
                if (tensors[i].DType == dtype)
                {
                    tensors[i].CopyTo(packed.Slice(offset, tensors[i].Size));
                    offset += tensors[i].Size;
                }
            }

            SumAcrossWorkers(packed, ref wire, purpose, detail);
            Scale(packed, scale);
            offset = 0;
            for (int i = first; i < end; i++)
            {
                Tensor t = tensors[i];
                if (t.DType == dtype)
                {
                    result[i] = Tf.Constant((ReadOnlySpan<T>)packed.Slice(offset, t.Size), t.Shape);
                    if (scale != 1 && typeof(T) != typeof(float) && typeof(T) != typeof(double))
                    {
                        result[i] = result[i] * scale;
                    }

                    offset += t.Size;
                }
            }

            first = end;
        }
    }

    private void SumAcrossWorkers<T, TWire>(Span<T> packed, ref TWire[] wire, Purpose purpose, string detail)
        where T : unmanaged
        where TWire : unmanaged
    {
        if (typeof(T) == typeof(TWire))
        {
            collectives.AllReduceSum(packed, purpose, detail, checkAgreement: false);
            return;
        }

        // Compressed: float32 → float16/bfloat16 on the wire → float32.
        if (wire.Length < packed.Length)
        {
            wire = new TWire[packed.Length];
        }

        Span<float> wide = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(packed);
        if (typeof(TWire) == typeof(Half))
        {
            Span<Half> narrow = System.Runtime.InteropServices.MemoryMarshal.Cast<TWire, Half>(wire.AsSpan(0, packed.Length));
            TensorPrimitives.ConvertToHalf(wide, narrow);
            collectives.AllReduceSum(narrow, purpose, detail, checkAgreement: false);
            TensorPrimitives.ConvertToSingle(narrow, wide);
        }
        else
        {
            Span<BFloat16> narrow = System.Runtime.InteropServices.MemoryMarshal.Cast<TWire, BFloat16>(wire.AsSpan(0, packed.Length));
            for (int i = 0; i < wide.Length; i++)
            {
                narrow[i] = BFloat16.FromSingle(wide[i]);
            }

            collectives.AllReduceSum(narrow, purpose, detail, checkAgreement: false);
            for (int i = 0; i < wide.Length; i++)
            {
                wide[i] = narrow[i].ToSingle();
            }
        }
    }

    private static void Scale<T>(Span<T> packed, double scale)
        where T : unmanaged
    {
        if (scale == 1)
        {
            return;
        }

        if (typeof(T) == typeof(float))
        {
            Span<float> values = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(packed);
            TensorPrimitives.Multiply(values, (float)scale, values);
        }
        else if (typeof(T) == typeof(double))
        {
            Span<double> values = System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(packed);
            TensorPrimitives.Multiply(values, scale, values);
        }
    }
}
