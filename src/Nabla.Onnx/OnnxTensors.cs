using System.Runtime.InteropServices;
using Google.Protobuf;
using Nabla.Onnx.Protobuf;

namespace Nabla.Onnx;

/// <summary>
/// Converts between ONNX's <c>TensorProto</c> and Nabla tensors, and between ONNX element types and Nabla dtypes.
/// ONNX stores elements either in <c>raw_data</c> (little-endian, row-major) or in a typed field; both are read,
/// and Nabla writes <c>raw_data</c> (what ONNX's own exporters write).
/// </summary>
public static class OnnxTensors
{
    /// <summary>The ONNX element type (<c>TensorProto.DataType</c>) of a Nabla dtype.</summary>
    public static int ElementType(DType dtype) => dtype.Name switch
    {
        "bool" => (int)TensorProto.Types.DataType.Bool,
        "int8" => (int)TensorProto.Types.DataType.Int8,
        "uint8" => (int)TensorProto.Types.DataType.Uint8,
        "int16" => (int)TensorProto.Types.DataType.Int16,
        "int32" => (int)TensorProto.Types.DataType.Int32,
        "int64" => (int)TensorProto.Types.DataType.Int64,
        "float16" => (int)TensorProto.Types.DataType.Float16,
        "bfloat16" => (int)TensorProto.Types.DataType.Bfloat16,
        "float32" => (int)TensorProto.Types.DataType.Float,
        _ => (int)TensorProto.Types.DataType.Double,
    };

    /// <summary>The Nabla dtype of an ONNX element type, or null for one Nabla has not (uint8, int8, string...).</summary>
    public static DType? TryDType(int elementType) => (TensorProto.Types.DataType)elementType switch
    {
        TensorProto.Types.DataType.Bool => DType.Bool,
        TensorProto.Types.DataType.Int8 => DType.Int8,
        TensorProto.Types.DataType.Uint8 => DType.UInt8,
        TensorProto.Types.DataType.Int16 => DType.Int16,
        TensorProto.Types.DataType.Int32 => DType.Int32,
        TensorProto.Types.DataType.Int64 => DType.Int64,
        TensorProto.Types.DataType.Float16 => DType.Float16,
        TensorProto.Types.DataType.Bfloat16 => DType.BFloat16,
        TensorProto.Types.DataType.Float => DType.Float32,
        TensorProto.Types.DataType.Double => DType.Float64,
        _ => null,
    };

    /// <summary>ONNX's name of an element type ("uint8"), for messages.</summary>
    public static string ElementTypeName(int elementType) =>
        Enum.IsDefined((TensorProto.Types.DataType)elementType)
            ? ((TensorProto.Types.DataType)elementType).ToString().ToLowerInvariant()
            : $"element type {elementType}";

    /// <summary>Reads a serialized <c>TensorProto</c> (the test-data <c>.pb</c> files of ONNX's node tests).</summary>
    /// <exception cref="NotSupportedException">When the element type is not one of Nabla's dtypes.</exception>
    public static Tensor ReadTensorProto(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return ToTensor(TensorProto.Parser.ParseFrom(bytes));
    }

    /// <summary>
    /// Reads a serialized <c>SequenceProto</c> of tensors (ONNX's node tests store sequence inputs and outputs this
    /// way). An empty sequence says no dtype: <paramref name="elementType"/> (float32 when null) is its dtype.
    /// </summary>
    /// <exception cref="NotSupportedException">When the sequence holds something other than tensors of Nabla's dtypes.</exception>
    public static OnnxSequence ReadSequenceProto(byte[] bytes, DType? elementType = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return ToSequence(SequenceProto.Parser.ParseFrom(bytes), elementType);
    }

    /// <summary>Reads a serialized <c>OptionalProto</c> holding a tensor, a sequence of tensors or nothing.</summary>
    /// <exception cref="NotSupportedException">When it holds something else (a map, a sparse tensor, an optional).</exception>
    public static OnnxOptional ReadOptionalProto(byte[] bytes, DType? elementType = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        OptionalProto proto = OptionalProto.Parser.ParseFrom(bytes);
        return proto switch
        {
            { TensorValue: { } t } => OnnxOptional.Of(ToTensor(t)),
            { SequenceValue: { } q } => OnnxOptional.Of(ToSequence(q, elementType)),
            { ElemType: 0 } or { ElemType: 1 or 3 } => OnnxOptional.Empty,
            _ => throw new NotSupportedException($"An ONNX optional of element kind {proto.ElemType} (not a tensor or a sequence) is not supported."),
        };
    }

    private static OnnxSequence ToSequence(SequenceProto proto, DType? elementType)
    {
        if (proto.SparseTensorValues.Count + proto.SequenceValues.Count + proto.OptionalValues.Count > 0)
        {
            throw new NotSupportedException($"ONNX sequence '{proto.Name}' holds values other than tensors (element kind {proto.ElemType}).");
        }

        Tensor[] items = [.. proto.TensorValues.Select(ToTensor)];
        return new OnnxSequence(items, items.Length > 0 ? items[0].DType : elementType ?? DType.Float32);
    }

    /// <summary>A serialized <c>TensorProto</c> holding <paramref name="tensor"/>'s values.</summary>
    public static byte[] WriteTensorProto(Tensor tensor, string name = "")
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return ToProto(tensor, name).ToByteArray();
    }

    internal static Tensor ToTensor(TensorProto proto)
    {
        string what = proto.Name.Length > 0 ? $"ONNX tensor '{proto.Name}'" : "ONNX tensor";
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new NotSupportedException($"{what} keeps its data in an external file, which Nabla does not read.");
        }

        DType dtype = TryDType(proto.DataType)
            ?? throw new NotSupportedException($"{what} has element type {ElementTypeName(proto.DataType)}, which Nabla has no dtype for.");
        var dims = new int[proto.Dims.Count];
        long size = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            long d = proto.Dims[i];
            if (d < 0 || d > int.MaxValue)
            {
                throw new InvalidDataException($"{what} has dimension {d} at axis {i}.");
            }

            dims[i] = (int)d;
            size *= d;
        }

        if (size > int.MaxValue)
        {
            throw new InvalidDataException($"{what} of shape ({string.Join(", ", dims)}) is larger than Nabla tensors can be.");
        }

        var shape = new Shape(dims);
        return proto.RawData.Length > 0 || size == 0 ? FromRaw(proto, dtype, shape, what) : FromTyped(proto, dtype, shape, what);
    }

    private static Tensor FromRaw(TensorProto proto, DType dtype, Shape shape, string what)
    {
        ReadOnlySpan<byte> raw = proto.RawData.Span;
        if (raw.Length != (long)shape.Size * dtype.Size)
        {
            throw new InvalidDataException($"{what} of shape {shape} and dtype {dtype} has {raw.Length} bytes of raw data, expected {(long)shape.Size * dtype.Size}.");
        }

        return dtype.Name switch
        {
            "bool" => Tf.Constant(MemoryMarshal.Cast<byte, bool>(raw), shape),
            "int8" => Tf.Constant(MemoryMarshal.Cast<byte, sbyte>(raw), shape),
            "uint8" => Tf.Constant(raw, shape),
            "int16" => Tf.Constant(MemoryMarshal.Cast<byte, short>(raw), shape),
            "int32" => Tf.Constant(MemoryMarshal.Cast<byte, int>(raw), shape),
            "int64" => Tf.Constant(MemoryMarshal.Cast<byte, long>(raw), shape),
            "float16" => Tf.Constant(MemoryMarshal.Cast<byte, Half>(raw), shape),
            "bfloat16" => Tf.Constant(MemoryMarshal.Cast<byte, BFloat16>(raw), shape),
            "float32" => Tf.Constant(MemoryMarshal.Cast<byte, float>(raw), shape),
            _ => Tf.Constant(MemoryMarshal.Cast<byte, double>(raw), shape),
        };
    }

    private static Tensor FromTyped(TensorProto proto, DType dtype, Shape shape, string what)
    {
        int count = dtype.Name switch
        {
            "int64" => proto.Int64Data.Count,
            "float32" => proto.FloatData.Count,
            "float64" => proto.DoubleData.Count,
            _ => proto.Int32Data.Count,
        };
        if (count != shape.Size)
        {
            throw new InvalidDataException($"{what} of shape {shape} and dtype {dtype} holds {count} values, expected {shape.Size}.");
        }

        switch (dtype.Name)
        {
            case "int64":
                return Tf.Constant(proto.Int64Data.ToArray(), shape);
            case "float32":
                return Tf.Constant(proto.FloatData.ToArray(), shape);
            case "float64":
                return Tf.Constant(proto.DoubleData.ToArray(), shape);
            case "int32":
                return Tf.Constant(proto.Int32Data.ToArray(), shape);
            case "bool":
                return Tf.Constant(proto.Int32Data.Select(v => v != 0).ToArray(), shape);
            case "int8":
                return Tf.Constant(proto.Int32Data.Select(v => (sbyte)v).ToArray(), shape);
            case "uint8":
                return Tf.Constant(proto.Int32Data.Select(v => (byte)v).ToArray(), shape);
            case "int16":
                return Tf.Constant(proto.Int32Data.Select(v => (short)v).ToArray(), shape);
            case "float16":
                return Tf.Constant(proto.Int32Data.Select(v => BitConverter.UInt16BitsToHalf((ushort)v)).ToArray(), shape);
            default:
                return Tf.Constant(proto.Int32Data.Select(v => BFloat16.FromRawValue((ushort)v)).ToArray(), shape);
        }
    }

    internal static TensorProto ToProto(Tensor tensor, string name)
    {
        var proto = new TensorProto { Name = name, DataType = ElementType(tensor.DType) };
        foreach (int d in tensor.Shape)
        {
            proto.Dims.Add(d);
        }

        var bytes = new byte[(long)tensor.Size * tensor.DType.Size];
        switch (tensor.DType.Name)
        {
            case "bool": tensor.CopyTo(MemoryMarshal.Cast<byte, bool>(bytes.AsSpan())); break;
            case "int8": tensor.CopyTo(MemoryMarshal.Cast<byte, sbyte>(bytes.AsSpan())); break;
            case "uint8": tensor.CopyTo(bytes.AsSpan()); break;
            case "int16": tensor.CopyTo(MemoryMarshal.Cast<byte, short>(bytes.AsSpan())); break;
            case "int32": tensor.CopyTo(MemoryMarshal.Cast<byte, int>(bytes.AsSpan())); break;
            case "int64": tensor.CopyTo(MemoryMarshal.Cast<byte, long>(bytes.AsSpan())); break;
            case "float16": tensor.CopyTo(MemoryMarshal.Cast<byte, Half>(bytes.AsSpan())); break;
            case "bfloat16": tensor.CopyTo(MemoryMarshal.Cast<byte, BFloat16>(bytes.AsSpan())); break;
            case "float32": tensor.CopyTo(MemoryMarshal.Cast<byte, float>(bytes.AsSpan())); break;
            default: tensor.CopyTo(MemoryMarshal.Cast<byte, double>(bytes.AsSpan())); break;
        }

        proto.RawData = ByteString.CopyFrom(bytes);
        return proto;
    }
}
