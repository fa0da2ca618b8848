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
    private readonly Bucket _bucket = new();

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

            if (!Summable(t.DType))
            {
                throw new ArgumentException($"AllReduce: {t.DType} tensors cannot be summed (shape {t.Shape}); cast them to int32 first.");
            }
        }

        var result = new Tensor[tensors.Count];
        if (tensors.Count == 0)
        {
            return result;
        }

        collectives.CheckAgreement(CollectiveKind.AllReduce, purpose, -1, total, layout, detail);
        double scale = mean ? 1.0 / collectives.Size : 1.0;
        GradientCompression compression = compress ? options.Compression : GradientCompression.None;
        foreach (DType dtype in DType.All)
        {
            // The buckets of this dtype: its tensors in order, at most BytesPerPack bytes each unless one tensor is larger.
            _bucket.Reset(dtype, 0);
            for (int i = 0; i < tensors.Count; i++)
            {
                Tensor t = tensors[i];
                if (t.DType != dtype)
                {
                    continue;
                }

                if (_bucket.Count > 0 && _bucket.Bytes + TensorBytes.ByteCount(t) > options.BytesPerPack)
                {
                    Send(result, compression, scale, purpose, detail);
                }

                _bucket.Add(i, t);
            }

            if (_bucket.Count > 0)
            {
                Send(result, compression, scale, purpose, detail);
            }
        }

        return result;
    }

    private void Send(Tensor[] result, GradientCompression compression, double scale, Purpose purpose, string detail)
    {
        _bucket.SumAcrossWorkers(collectives, compression, scale, purpose, detail, checkAgreement: false);
        _bucket.Unpack(result, scale);
        _bucket.Reset(_bucket.DType, 0);
    }

    /// <summary>Whether collectives sum elements of <paramref name="dtype"/> (MPI has no bool, 8- or 16-bit integer sum here).</summary>
    public static bool Summable(DType dtype) =>
        dtype.IsFloating || dtype == DType.Int32 || dtype == DType.Int64;
}
