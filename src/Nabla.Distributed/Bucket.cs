using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Nabla.Distributed;

/// <summary>
/// Tensors of one dtype summed across workers in one collective: the unit of <see cref="FusedAllReduce"/> and
/// <see cref="OverlappedGradients"/>. <see cref="Add"/> only records a tensor; the copy happens when the bucket is
/// summed (on the background thread, for the overlapped exchange), because only then is it known whether the tensor
/// is alone. Several tensors are packed end to end into one buffer, summed in place and unpacked into new tensors (two
/// copies: MPI needs them in one buffer). A tensor alone (one larger than a pack, or the last of its dtype) is copied
/// straight into its result tensor's own storage and summed there (<see cref="Tensor.Create{T, TState}(Shape, TState,
/// System.Buffers.SpanAction{T, TState})"/>): one copy. The packing buffers are kept for the next use, so a step
/// allocates only the result tensors.
/// </summary>
internal sealed class Bucket
{
    private readonly List<int> _slots = [];
    private readonly List<Tensor> _tensors = [];
    private byte[] _data = [];
    private byte[] _wire = [];

    // The sum of a tensor summed alone, in its own storage (Unpack hands it out).
    private Tensor? _alone;

    /// <summary>The dtype of every tensor in the bucket.</summary>
    public DType DType { get; private set; } = DType.Float32;

    /// <summary>The bytes added so far.</summary>
    public int Bytes { get; private set; }

    /// <summary>The number of tensors added.</summary>
    public int Count => _slots.Count;

    /// <summary>A hash of the tensors' sizes, in order: the layout every worker must agree on.</summary>
    public long Layout { get; private set; }

    /// <summary>Empties the bucket for tensors of <paramref name="dtype"/> (the packing buffer is kept).</summary>
    public void Reset(DType dtype)
    {
        DType = dtype;
        Bytes = 0;
        Layout = 17;
        _alone = null;
        _slots.Clear();
        _tensors.Clear();
    }

    /// <summary>Adds <paramref name="tensor"/> (of the bucket's dtype) after the others; <paramref name="slot"/> is where its result goes.</summary>
    public void Add(int slot, Tensor tensor)
    {
        Bytes = checked(Bytes + TensorBytes.ByteCount(tensor));
        Layout = unchecked((Layout * 31) + tensor.Size);
        _slots.Add(slot);
        _tensors.Add(tensor);
    }

    /// <summary>
    /// Sums the tensors across workers and multiplies them by <paramref name="scale"/> (float32 and float64 here, in
    /// place; the other dtypes when unpacked). float32 travels as <paramref name="compression"/> says.
    /// </summary>
    public void SumAcrossWorkers(Collectives.Collectives collectives, GradientCompression compression, double scale,
        Collectives.Purpose purpose, string detail, bool checkAgreement)
    {
        if (checkAgreement)
        {
            collectives.CheckAgreement(Collectives.CollectiveKind.AllReduce, purpose, TensorBytes.IndexOf(DType), Bytes / DType.Size,
                Layout, detail);
        }

        if (_tensors.Count == 1 && SumAlone(collectives, compression, scale, purpose, detail))
        {
            return;
        }

        Span<byte> data = Pack();
        if (DType == DType.Float32)
        {
            Span<float> values = MemoryMarshal.Cast<byte, float>(data);
            SumFloat32(collectives, values, compression, purpose, detail);
            if (scale != 1)
            {
                TensorPrimitives.Multiply(values, (float)scale, values);
            }
        }
        else if (DType == DType.Float64)
        {
            Span<double> values = MemoryMarshal.Cast<byte, double>(data);
            collectives.AllReduceSum(values, purpose, detail, checkAgreement: false);
            if (scale != 1)
            {
                TensorPrimitives.Multiply(values, scale, values);
            }
        }
        else if (DType == DType.Float16)
        {
            collectives.AllReduceSum(MemoryMarshal.Cast<byte, Half>(data), purpose, detail, checkAgreement: false);
        }
        else if (DType == DType.BFloat16)
        {
            collectives.AllReduceSum(MemoryMarshal.Cast<byte, BFloat16>(data), purpose, detail, checkAgreement: false);
        }
        else if (DType == DType.Int32)
        {
            collectives.AllReduceSum(MemoryMarshal.Cast<byte, int>(data), purpose, detail, checkAgreement: false);
        }
        else if (DType == DType.Int64)
        {
            collectives.AllReduceSum(MemoryMarshal.Cast<byte, long>(data), purpose, detail, checkAgreement: false);
        }
        else
        {
            throw new NotSupportedException($"AllReduce: {DType} tensors cannot be summed across workers; cast them to int32 first.");
        }
    }

    /// <summary>Writes each tensor's summed values, as a new tensor of its shape, into <paramref name="result"/> at its slot.</summary>
    public void Unpack(Tensor?[] result, double scale)
    {
        if (_alone is { } alone)
        {
            result[_slots[0]] = alone;
            _alone = null;
            _tensors.Clear();
            return;
        }

        int offset = 0;
        for (int i = 0; i < _tensors.Count; i++)
        {
            Tensor input = _tensors[i];
            int bytes = TensorBytes.ByteCount(input);
            Tensor sum = TensorBytes.FromBytes(_data.AsSpan(offset, bytes), input.Shape, DType);
            bool scaledInPlace = DType == DType.Float32 || DType == DType.Float64;
            result[_slots[i]] = scale == 1 || scaledInPlace ? sum : sum * scale;
            offset += bytes;
        }

        // The inputs are not needed any more: let them be collected before the next use of the bucket.
        _tensors.Clear();
    }

    /// <summary>Copies the tensors end to end into the packing buffer; returns the packed bytes.</summary>
    private Span<byte> Pack()
    {
        if (_data.Length < Bytes)
        {
            // The largest packing this bucket has needed: a training step packs the same buckets every time.
            _data = new byte[Bytes];
        }

        int offset = 0;
        foreach (Tensor tensor in _tensors)
        {
            int bytes = TensorBytes.ByteCount(tensor);
            TensorBytes.CopyTo(tensor, _data.AsSpan(offset, bytes));
            offset += bytes;
        }

        return _data.AsSpan(0, Bytes);
    }

    /// <summary>
    /// Sums the bucket's only tensor (times <paramref name="scale"/>) in a new tensor's own storage, kept for
    /// <see cref="Unpack"/>; false for what goes through the packing buffer: 16-bit floats, compressed float32, and
    /// integers to be scaled (scaled when unpacked). The values and rounding are those of the packed path.
    /// </summary>
    private bool SumAlone(Collectives.Collectives collectives, GradientCompression compression, double scale, Collectives.Purpose purpose,
        string detail)
    {
        Tensor tensor = _tensors[0];
        var state = new Alone(tensor, collectives, scale, purpose, detail);
        if (DType == DType.Float32 && compression == GradientCompression.None)
        {
            _alone = Tensor.Create<float, Alone>(tensor.Shape, state, static (sum, s) =>
            {
                s.SumInto(sum);
                if (s.Scale != 1)
                {
                    TensorPrimitives.Multiply(sum, (float)s.Scale, sum);
                }
            });
        }
        else if (DType == DType.Float64)
        {
            _alone = Tensor.Create<double, Alone>(tensor.Shape, state, static (sum, s) =>
            {
                s.SumInto(sum);
                if (s.Scale != 1)
                {
                    TensorPrimitives.Multiply(sum, s.Scale, sum);
                }
            });
        }
        else if (DType == DType.Int32 && scale == 1)
        {
            _alone = Tensor.Create<int, Alone>(tensor.Shape, state, static (sum, s) => s.SumInto(sum));
        }
        else if (DType == DType.Int64 && scale == 1)
        {
            _alone = Tensor.Create<long, Alone>(tensor.Shape, state, static (sum, s) => s.SumInto(sum));
        }

        return _alone is not null;
    }

    /// <summary>Sums float32 values, through 16-bit values on the wire when compressed.</summary>
    private void SumFloat32(Collectives.Collectives collectives, Span<float> values, GradientCompression compression,
        Collectives.Purpose purpose, string detail)
    {
        if (compression == GradientCompression.None)
        {
            collectives.AllReduceSum(values, purpose, detail, checkAgreement: false);
            return;
        }

        if (_wire.Length < values.Length * 2)
        {
            _wire = new byte[values.Length * 2];
        }

        if (compression == GradientCompression.Float16)
        {
            Span<Half> narrow = MemoryMarshal.Cast<byte, Half>(_wire.AsSpan(0, values.Length * 2));
            TensorPrimitives.ConvertToHalf(values, narrow);
            collectives.AllReduceSum(narrow, purpose, detail, checkAgreement: false);
            TensorPrimitives.ConvertToSingle(narrow, values);
            return;
        }

        Span<BFloat16> bfloats = MemoryMarshal.Cast<byte, BFloat16>(_wire.AsSpan(0, values.Length * 2));
        for (int i = 0; i < values.Length; i++)
        {
            bfloats[i] = BFloat16.FromSingle(values[i]);
        }

        collectives.AllReduceSum(bfloats, purpose, detail, checkAgreement: false);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = bfloats[i].ToSingle();
        }
    }

    /// <summary>What the fill of a tensor summed alone needs.</summary>
    private readonly record struct Alone(Tensor Input, Collectives.Collectives Collectives, double Scale, Collectives.Purpose Purpose, string Detail)
    {
        // The input's values, then their sum over the workers, in place in the new tensor's storage.
        public void SumInto<T>(Span<T> sum)
            where T : unmanaged
        {
            Input.CopyTo(sum);
            Collectives.AllReduceSum(sum, Purpose, Detail, checkAgreement: false);
        }
    }
}
