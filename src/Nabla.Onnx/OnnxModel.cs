using Nabla.Onnx.Protobuf;

namespace Nabla.Onnx;

/// <summary>
/// An ONNX model run with Nabla's ops: <see cref="Load(string)"/> reads an <c>.onnx</c> file and checks that every
/// operator and dtype in it is one Nabla runs (naming those it does not, before anything runs); <see cref="Call"/>
/// runs the graph eagerly, or inside a <c>Tf.Function</c> as part of a traced graph
/// (<see cref="Function"/>). Every op is a Nabla op, so gradients flow through an imported model, and
/// <see cref="MakeTrainable"/> turns its floating-point initializers (the weights) into variables to fine-tune.
/// </summary>
public sealed class OnnxModel
{
    private readonly GraphProto _graph;
    private readonly Dictionary<string, Tensor> _initializers;
    private readonly List<Variable> _variables = [];

    private OnnxModel(ModelProto model)
    {
        _graph = model.Graph ?? throw new InvalidDataException("The ONNX model has no graph.");
        CheckSupported(model);
        Opset = OpsetOf(model);
        IrVersion = model.IrVersion;
        ProducerName = model.ProducerName;
        _initializers = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (TensorProto t in _graph.Initializer)
        {
            _initializers[t.Name] = OnnxTensors.ToTensor(t);
        }

        InputNames = [.. _graph.Input.Select(i => i.Name).Where(n => !_initializers.ContainsKey(n))];
        OutputNames = [.. _graph.Output.Select(o => o.Name)];
        InputSpecs = [.. InputNames.Select(n => SpecOf(_graph.Input.First(i => i.Name == n)))];
        OutputSpecs = [.. _graph.Output.Select(SpecOf)];
    }

    /// <summary>The version of the default ONNX operator set the model imports (0 when it uses none of its operators).</summary>
    public int Opset { get; }

    /// <summary>The model's IR version.</summary>
    public long IrVersion { get; }

    /// <summary>The tool that wrote the model ("pytorch", "tf2onnx", "nabla"...).</summary>
    public string ProducerName { get; }

    /// <summary>The names of the graph's inputs, in order (initializers listed as inputs are left out).</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The names of the graph's outputs, in order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>
    /// Each input's dtype and shape (a symbolic or unknown dimension, such as the batch, is null); for a sequence or
    /// an optional, those of the tensors it holds.
    /// </summary>
    public IReadOnlyList<TensorSpec> InputSpecs { get; }

    /// <summary>Each output's dtype and shape as the file declares them.</summary>
    public IReadOnlyList<TensorSpec> OutputSpecs { get; }

    /// <summary>The named constants of the graph (the weights): tensors, or variables after <see cref="MakeTrainable"/>.</summary>
    public IReadOnlyDictionary<string, Tensor> Initializers => _initializers;

    /// <summary>The variables made by <see cref="MakeTrainable"/> (empty before).</summary>
    public IReadOnlyList<Variable> TrainableVariables => _variables;

    /// <summary>
    /// The ONNX operators Nabla can import: op types of the default domain, and "domain.OpType" for another domain's
    /// (the training domain's optimizer steps).
    /// </summary>
    public static IReadOnlyList<string> SupportedOperators => OnnxOperators.Names;

    /// <summary>Reads an ONNX model file.</summary>
    /// <exception cref="NotSupportedException">Naming every operator or element type in the model that Nabla does not run.</exception>
    /// <exception cref="InvalidDataException">When the file is not a valid ONNX model.</exception>
    public static OnnxModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = File.OpenRead(path);
        try
        {
            return Load(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads an ONNX model from a stream.</summary>
    public static OnnxModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"not a valid ONNX model ({e.Message}).", e);
        }

        return new OnnxModel(model);
    }

    /// <summary>
    /// Turns every floating-point initializer into a trainable <see cref="Variable"/> (named after it), so that a
    /// <see cref="GradientTape"/> around <see cref="Call"/> gives gradients for the model's weights.
    /// </summary>
    public IReadOnlyList<Variable> MakeTrainable()
    {
        foreach (string name in _initializers.Keys.ToArray())
        {
            if (_initializers[name] is not Variable && _initializers[name].DType.IsFloating)
            {
                var v = new Variable(_initializers[name], name: name);
                _initializers[name] = v;
                _variables.Add(v);
            }
        }

        return _variables;
    }

    /// <summary>Runs the graph on <paramref name="inputs"/> (in <see cref="InputNames"/> order) and returns its outputs.</summary>
    /// <exception cref="ArgumentException">When an output is a sequence or an optional: use <see cref="Run"/>.</exception>
    public Tensor[] Call(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        object[] outputs = Run([.. inputs]);
        var tensors = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            tensors[i] = outputs[i] as Tensor
                ?? throw new ArgumentException($"The ONNX model's output '{OutputNames[i]}' is a {NodeContext.KindOf(outputs[i])}, not a tensor: call Run.");
        }

        return tensors;
    }

    /// <summary>
    /// Runs the graph on inputs of any ONNX kind, in <see cref="InputNames"/> order: a <see cref="Tensor"/>, an
    /// <see cref="OnnxSequence"/> or an <see cref="OnnxOptional"/>, as the model declares them; returns its outputs
    /// the same way.
    /// </summary>
    public object[] Run(params object[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length != InputNames.Count)
        {
            throw new ArgumentException($"The ONNX model takes {InputNames.Count} input(s) ({string.Join(", ", InputNames)}), got {inputs.Length}.");
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            CheckInput(i, inputs[i]);
        }

        return new GraphRunner(_graph, _initializers, Opset).Run(InputNames, inputs, OutputNames);
    }

    private void CheckInput(int index, object input)
    {
        TypeProto type = _graph.Input.First(v => v.Name == InputNames[index]).Type;
        TensorSpec spec = InputSpecs[index];
        string declared = type.ValueCase switch
        {
            TypeProto.ValueOneofCase.SequenceType => "sequence",
            TypeProto.ValueOneofCase.OptionalType => "optional",
            _ => "tensor",
        };
        bool matches = input switch
        {
            Tensor t when declared == "tensor" => type.TensorType.Shape is not null ? spec.IsCompatibleWith(t.Shape, t.DType) : spec.DType == t.DType,
            OnnxSequence s when declared == "sequence" => s.ElementType == spec.DType,
            OnnxOptional when declared == "optional" => true,
            _ => false,
        };
        if (!matches)
        {
            throw new ArgumentException(
                $"The ONNX model's input '{InputNames[index]}' is a {declared} of {spec.DType} (shape {spec.Shape}), got a {NodeContext.KindOf(input)}.");
        }
    }

    /// <summary>The graph as a traced function of a list of inputs (one trace per input signature).</summary>
    public PolymorphicFunction<Func<Tensor[], Tensor[]>> Function() => Tf.Function<Tensor[], Tensor[]>(inputs => Call(inputs));

    private static int OpsetOf(ModelProto model)
    {
        foreach (OperatorSetIdProto o in model.OpsetImport)
        {
            if (o.Domain is "" or "ai.onnx")
            {
                return (int)o.Version;
            }
        }

        // A model of another domain only (the training domain's optimizer steps) needs no version of the default set.
        return AllNodes(model.Graph).Any(n => n.Domain is "" or "ai.onnx")
            ? throw new InvalidDataException("The ONNX model imports no version of the default operator set.")
            : 0;
    }

    /// <summary>A value's spec: a tensor's, or for a sequence or optional the spec of the tensors it holds.</summary>
    private static TensorSpec SpecOf(ValueInfoProto info)
    {
        TypeProto.Types.Tensor tensorType = TensorTypeOf(info.Type)
            ?? throw new NotSupportedException($"ONNX value '{info.Name}' is not a tensor, a sequence of tensors or an optional of either (maps are not supported).");
        DType dtype = OnnxTensors.TryDType(tensorType.ElemType)
            ?? throw new NotSupportedException($"ONNX value '{info.Name}' has element type {OnnxTensors.ElementTypeName(tensorType.ElemType)}, which Nabla has no dtype for.");
        if (tensorType.Shape is null)
        {
            // Unknown rank: a scalar spec stands in and Call checks only the dtype (see RankKnown).
            return new TensorSpec(Shape.Scalar, dtype, info.Name);
        }

        int?[] dims = [.. tensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? (int?)d.DimValue : null)];
        return new TensorSpec(dims, dtype, info.Name);
    }

    /// <summary>Every operator, function call and element type the model uses that Nabla cannot run, in one message.</summary>
    private static void CheckSupported(ModelProto model)
    {
        var problems = new SortedSet<string>(StringComparer.Ordinal);
        foreach (NodeProto node in AllNodes(model.Graph))
        {
            if (OnnxOperators.Key(node) is not { } key || !OnnxOperators.TryGet(key, out _))
            {
                problems.Add(node.Domain is "" or "ai.onnx" ? $"operator {node.OpType}" : $"operator {node.Domain}.{node.OpType}");
            }
        }

        foreach (ValueInfoProto v in model.Graph.Input.Concat(model.Graph.Output))
        {
            if (TensorTypeOf(v.Type) is not { } t)
            {
                problems.Add($"value '{v.Name}' that is not a tensor, a sequence of tensors or an optional of either");
            }
            else if (OnnxTensors.TryDType(t.ElemType) is null)
            {
                problems.Add($"element type {OnnxTensors.ElementTypeName(t.ElemType)} (of '{v.Name}')");
            }
        }

        foreach (TensorProto t in model.Graph.Initializer)
        {
            if (OnnxTensors.TryDType(t.DataType) is null)
            {
                problems.Add($"element type {OnnxTensors.ElementTypeName(t.DataType)} (of initializer '{t.Name}')");
            }
        }

        if (model.Graph.SparseInitializer.Count > 0)
        {
            problems.Add("sparse initializers");
        }

        if (problems.Count > 0)
        {
            string name = model.Graph.Name.Length > 0 ? $"ONNX model '{model.Graph.Name}'" : "The ONNX model";
            throw new NotSupportedException($"{name} uses what Nabla does not support: {string.Join(", ", problems)}.");
        }
    }

    /// <summary>The tensor type of a tensor, of a sequence's elements or of what an optional holds; null for maps and the like.</summary>
    private static TypeProto.Types.Tensor? TensorTypeOf(TypeProto? type) => type?.ValueCase switch
    {
        TypeProto.ValueOneofCase.TensorType => type.TensorType,
        TypeProto.ValueOneofCase.SequenceType => TensorTypeOf(type.SequenceType.ElemType),
        TypeProto.ValueOneofCase.OptionalType => TensorTypeOf(type.OptionalType.ElemType),
        _ => null,
    };

    private static IEnumerable<NodeProto> AllNodes(GraphProto graph)
    {
        foreach (NodeProto node in graph.Node)
        {
            yield return node;
            foreach (AttributeProto a in node.Attribute)
            {
                if (a.G is { } g)
                {
                    foreach (NodeProto inner in AllNodes(g))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }
}
