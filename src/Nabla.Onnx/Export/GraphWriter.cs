using System.Globalization;
using Google.Protobuf;
using Nabla.Onnx.Protobuf;

namespace Nabla.Onnx;

/// <summary>
/// Turns a traced graph (<see cref="FuncGraph.GetOperations"/>) into an ONNX <c>ModelProto</c>: placeholders become
/// graph inputs, constants and variable reads become initializers, and every other operation becomes the ONNX
/// nodes of <see cref="ExportOps"/>. Values are named after the operations that produce them.
/// </summary>
internal sealed class GraphWriter
{
    private readonly FuncGraph _graph;
    private readonly string _name;
    private readonly int? _tracedBatch;
    private readonly GraphProto _proto = new();
    private readonly string[] _names;
    private readonly Dictionary<Tensor, string> _initializers = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private IReadOnlyList<GraphOperation> _operations = [];

    /// <param name="graph">The traced graph.</param>
    /// <param name="name">The ONNX graph's name.</param>
    /// <param name="tracedBatch">When the graph was traced with this concrete batch, its inputs' first dimension is written as symbolic.</param>
    public GraphWriter(FuncGraph graph, string name, int? tracedBatch)
    {
        _graph = graph;
        _name = name;
        _tracedBatch = tracedBatch;
        _names = new string[graph.OperationCount];
    }

    public ModelProto Build()
    {
        _operations = _graph.GetOperations();
        _proto.Name = _name;
        var inputIds = new HashSet<int>(_graph.InputIds);
        foreach (GraphOperation op in _operations)
        {
            if (inputIds.Contains(op.Id))
            {
                _names[op.Id] = Unique(op.Name);
                _proto.Input.Add(ValueInfo(_names[op.Id], op.Output, dynamicBatch: true));
            }
            else if (op.Type is "Const" or "ReadVariableOp")
            {
                _names[op.Id] = BatchFill(op) ?? Initializer(op);
            }
            else
            {
                _names[op.Id] = Unique(op.Name);
                ExportOps.Write(this, op);
            }
        }

        foreach (int id in _graph.OutputIds)
        {
            string name = _names[id];
            if (inputIds.Contains(id) || _initializers.ContainsValue(name) || _proto.Output.Any(o => o.Name == name))
            {
                // An ONNX graph output must be a node's output: an input or weight returned as is goes through Identity.
                string copy = Unique(name + "_output");
                AddNode("Identity", copy, [name], copy);
                name = copy;
            }

            _proto.Output.Add(ValueInfo(name, _operations[id].Output, dynamicBatch: true));
        }

        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Nabla",
            ProducerVersion = typeof(Tensor).Assembly.GetName().Version?.ToString() ?? "",
            Graph = _proto,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExporter.Opset });
        return model;
    }

    /// <summary>The traced concrete batch, when the graph was traced with one (see <see cref="OnnxExporter"/>).</summary>
    public int? TracedBatch => _tracedBatch;

    /// <summary>The ONNX name of the value an operation produces.</summary>
    public string NameOf(int id) => _names[id];

    /// <summary>The operation producing value <paramref name="id"/>.</summary>
    public GraphOperation Operation(int id) => _operations[id];

    /// <summary>A fresh value or node name derived from <paramref name="stem"/>.</summary>
    public string Unique(string stem)
    {
        string name = stem;
        for (int i = 1; !_used.Add(name); i++)
        {
            name = string.Create(CultureInfo.InvariantCulture, $"{stem}_{i}");
        }

        return name;
    }

    public NodeProto AddNode(string opType, string nodeName, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = nodeName };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _proto.Node.Add(node);
        return node;
    }

    /// <summary>An int64 vector initializer (Reshape's shape, a reduction's axes).</summary>
    public string Int64Constant(string stem, long[] values)
    {
        string name = Unique(stem);
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        _proto.Initializer.Add(t);
        return name;
    }

    /// <summary>A tensor initializer made by the exporter (a constant it derives, not one of the graph's).</summary>
    public string TensorConstant(string stem, Tensor value)
    {
        string name = Unique(stem);
        _proto.Initializer.Add(OnnxTensors.ToProto(value, name));
        return name;
    }

    /// <summary>
    /// With a traced batch b: a constant of rank 2 or more, (b, ...), holding one value everywhere (a zeros-like fill
    /// the trace made a constant: Masking's zeros, a recurrent layer's zero states) is written as that value filled
    /// to (the input's batch, ...), so other batch sizes work. Null when <paramref name="op"/> is not such a constant.
    /// </summary>
    private string? BatchFill(GraphOperation op)
    {
        if (_tracedBatch is not { } batch || op.Type != "Const" || op.Value is not { Rank: >= 2 } value || value is Variable
            || value.Shape[0] != batch || _graph.InputIds.Count == 0 || _names[_graph.InputIds[0]] is not { } input)
        {
            return null;
        }

        Tensor first = Tf.Reshape(Tf.Slice(Tf.Reshape(value, [-1]), [0], [1]), [1]);
        if (!Tf.ReduceAll(Tf.Equal(value, Tf.Reshape(first, [.. Enumerable.Repeat(1, value.Rank)]))).Item<bool>())
        {
            return null;
        }

        string stem = op.Name;
        string inputShape = Unique(stem + "/input_shape");
        AddNode("Shape", inputShape, [input], inputShape, Attribute("end", 1));
        string shape = Unique(stem + "/shape");
        AddNode("Concat", shape, [inputShape, Int64Constant(stem + "/dims", [.. value.Shape.ToArray().Skip(1).Select(d => (long)d)])], shape, Attribute("axis", 0));
        string fill = Unique(stem);
        var attribute = new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = OnnxTensors.ToProto(first, "value") };
        AddNode("ConstantOfShape", fill, [shape], fill, attribute);
        return fill;
    }

    /// <summary>A constant or a variable as an initializer, once per tensor (a variable read twice is one weight).</summary>
    private string Initializer(GraphOperation op)
    {
        Tensor value = op.Value!;
        if (_initializers.TryGetValue(value, out string? existing))
        {
            return existing;
        }

        string stem = value is Variable v && v.Name.Length > 0 ? TrimOutputSuffix(v.Name) : op.Name;
        string name = Unique(stem);
        Tensor contents = value is Variable variable ? variable.ReadValue() : value;
        _proto.Initializer.Add(OnnxTensors.ToProto(contents, name));
        _initializers[value] = name;
        return name;
    }

    private static string TrimOutputSuffix(string name) => name.EndsWith(":0", StringComparison.Ordinal) ? name[..^2] : name;

    private ValueInfoProto ValueInfo(string name, TensorSpec spec, bool dynamicBatch)
    {
        var shape = new TensorShapeProto();
        for (int axis = 0; axis < spec.Shape.Rank; axis++)
        {
            int? d = spec.Shape.Dimension(axis);
            bool symbolic = d is null || (axis == 0 && dynamicBatch && _tracedBatch is { } b && d == b);
            shape.Dim.Add(symbolic
                ? new TensorShapeProto.Types.Dimension { DimParam = axis == 0 ? "batch" : string.Create(CultureInfo.InvariantCulture, $"d{axis}") }
                : new TensorShapeProto.Types.Dimension { DimValue = d!.Value });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxTensors.ElementType(spec.DType), Shape = shape } },
        };
    }

    public static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attribute(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Strings(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }
}
