using System.Runtime.InteropServices;
using Google.Protobuf;
using Nabla.Onnx.Protobuf;

namespace Nabla.Onnx.Tests;

/// <summary>Builds small ONNX models in the tests, from ONNX's own messages (the schema compiled here too).</summary>
internal static class OnnxBuilder
{
    public const int Float = 1, Int64 = 7, Unsigned16 = 4, Float64 = 11;

    public static NodeProto Node(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = opType.ToLowerInvariant() + "_" + outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Strings(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto Graph(string name, GraphProto graph) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = graph };

    public static AttributeProto Float32(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A value's declared type; a null dimension is the symbolic "N".</summary>
    public static ValueInfoProto Value(string name, int elementType, params int?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (int? d in dims)
        {
            shape.Dim.Add(d is { } v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } } };
    }

    public static TensorProto Initializer(string name, float[] values, params int[] dims)
    {
        var t = new TensorProto { Name = name, DataType = Float };
        t.Dims.AddRange(dims.Select(d => (long)d));
        t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        return t;
    }

    public static TensorProto Initializer(string name, double[] values, params int[] dims)
    {
        var t = new TensorProto { Name = name, DataType = Float64 };
        t.Dims.AddRange(dims.Select(d => (long)d));
        t.DoubleData.AddRange(values);   // the typed field, not raw_data: both must read
        return t;
    }

    public static byte[] Model(NodeProto[] nodes, ValueInfoProto[] inputs, ValueInfoProto[] outputs, TensorProto[]? initializers = null, int opset = 17)
    {
        var graph = new GraphProto { Name = "test_graph" };
        graph.Node.AddRange(nodes);
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        graph.Initializer.AddRange(initializers ?? []);
        var model = new ModelProto { IrVersion = 8, ProducerName = "Nabla.Onnx.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }

    public static OnnxModel Load(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return OnnxModel.Load(stream);
    }
}
