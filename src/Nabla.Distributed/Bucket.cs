using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Nabla.Distributed;

/// <summary>
/// Tensors of one dtype packed end to end into one buffer, summed across workers in one collective, in place, and
/// unpacked into new tensors: the unit of <see cref="FusedAllReduce"/> and <see cref="OverlappedGradients"/>. The
/// buffers are kept for the next use, so a step allocates only the result tensors.
/// </summary>
internal sealed class Bucket
{
    private readonly List<int> _slots = [];
    private readonly List<Tensor> _tensors = [];
    private byte[] _data = [];
    private byte[] _wire = [];

    /// <summary>The dtype of every tensor in the bucket.</summary>
    public DType DType { get; private set; } = DType.Float32;

    /// <summary>The bytes packed so far.</summary>
    public int Bytes { get; private set; }

    /// <summary>The number of tensors packed.</summary>
    public int Count => _slots.Count;

    /// <summary>A hash of the tensors' sizes, in order: the layout every worker must agree on.</summary>
    public long Layout { get; private set; }

    /// <summary>Empties the bucket for tensors of <paramref name="dtype"/>; the buffer keeps room for <paramref name="capacity"/> bytes.</summary>
    public void Reset(DType dtype, int capacity)
    {
        DType = dtype;
        Bytes = 0;
        Layout = 17;
        _slots.Clear();
        _tensors.Clear();
        if (_data.Length < capacity)
        {
            _data = new byte[capacity];
        }
    }

    /// <summary>Copies <paramref name="tensor"/> (of the bucket's dtype) in after the others; <paramref name="slot"/> is where its result goes.</summary>
    public void Add(int slot, Tensor tensor)
    {
        int bytes = TensorBytes.ByteCount(tensor);
        if (_data.Length < Bytes + bytes)
        {
            // Only the packed prefix needs keeping (an empty bucket's old buffer is not copied).
            byte[] larger = new byte[Math.Max(Bytes + bytes, 2 * _data.Length)];
            _data.AsSpan(0, Bytes).CopyTo(larger);
            _data = larger;
        }

        TensorBytes.CopyTo(tensor, _data.AsSpan(Bytes, bytes));
        Bytes += bytes;
        Layout = unchecked((Layout * 31) + tensor.Size);
        _slots.Add(slot);
        _tensors.Add(tensor);
    }

    /// <summary>
    /// Sums the packed values across workers and multiplies them by <paramref name="scale"/> (float32 and float64 here,
    /// in place; float16 and bfloat16 when unpacked). float32 travels as <paramref name="compression"/> says.
    /// </summary>
    public void SumAcrossWorkers(Collectives.Collectives collectives, GradientCompression compression, double scale,
        Collectives.Purpose purpose, string detail, bool checkAgreement)
    {
        if (checkAgreement)
        {
            collectives.CheckAgreement(Collectives.CollectiveKind.AllReduce, purpose, TensorBytes.IndexOf(DType), Bytes / DType.Size,
                Layout, detail);
        }

        Span<byte> data = _data.AsSpan(0, Bytes);
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
}
