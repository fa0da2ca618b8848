using Nabla.Distributed.Collectives;

namespace Nabla.Distributed;

/// <summary>
/// All-reduces a list of tensors in few MPI calls: tensors of one dtype are packed, in order, into buckets of at most
/// <see cref="CommunicationOptions.BytesPerPack"/> bytes (a larger tensor goes alone), each bucket is summed across
/// workers in place, and the results are unpacked into new tensors. One agreement check covers the whole list (its
/// dtypes and sizes), so a model of another shape on one worker fails before any bucket moves. float32 buckets can
/// travel as float16 or bfloat16 (<see cref="GradientCompression"/>): half the bytes, about three significant digits.
/// The bucket buffers are kept between calls, so a training step allocates only the result tensors. A tensor alone in
/// its bucket (a large one, or the only one of its dtype) is not packed: it is copied into its result tensor's own
/// storage and summed there (<see cref="Bucket"/>), one copy instead of two.
/// </summary>
internal sealed class FusedAllReduce(Collectives.Collectives collectives, CommunicationOptions options)
{
    private readonly Bucket _bucket = new();
    private readonly List<int> _members = [];

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
            _members.Clear();
            long bytes = 0;
            for (int i = 0; i < tensors.Count; i++)
            {
                Tensor t = tensors[i];
                if (t.DType != dtype)
                {
                    continue;
                }

                if (_members.Count > 0 && bytes + TensorBytes.ByteCount(t) > options.BytesPerPack)
                {
                    Send(tensors, result, compression, scale, purpose, detail);
                    bytes = 0;
                }

                _members.Add(i);
                bytes += TensorBytes.ByteCount(t);
            }

            if (_members.Count > 0)
            {
                Send(tensors, result, compression, scale, purpose, detail);
            }
        }

        return result;
    }

    // Sums the tensors of _members (one bucket) into their result slots.
    private void Send(IReadOnlyList<Tensor> tensors, Tensor[] result, GradientCompression compression, double scale, Purpose purpose,
        string detail)
    {
        _bucket.Reset(tensors[_members[0]].DType);
        foreach (int i in _members)
        {
            _bucket.Add(i, tensors[i]);
        }

        _members.Clear();
        _bucket.SumAcrossWorkers(collectives, compression, scale, purpose, detail, checkAgreement: false);
        _bucket.Unpack(result, scale);
        _bucket.Reset(_bucket.DType);
    }

    /// <summary>Whether collectives sum elements of <paramref name="dtype"/> (MPI has no bool, 8- or 16-bit integer sum here).</summary>
    public static bool Summable(DType dtype) =>
        dtype.IsFloating || dtype == DType.Int32 || dtype == DType.Int64;
}
