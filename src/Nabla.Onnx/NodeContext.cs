using System.Globalization;
using Nabla.Onnx.Protobuf;

namespace Nabla.Onnx;

/// <summary>
/// One ONNX node as an operator implementation sees it: its input tensors (null for an omitted optional input),
/// its attributes with ONNX's defaults, and the opset version the model imports, since several operators changed
/// between opsets (axes moved from an attribute to an input in ReduceSum 13, Squeeze 13, Split 13...).
/// </summary>
internal sealed class NodeContext
{
    private readonly object?[] _inputs;
    private readonly Dictionary<string, AttributeProto> _attributes;

    private readonly Func<GraphProto, object[], object[]>? _runSubgraph;

    public NodeContext(NodeProto node, object?[] inputs, int opset, Func<GraphProto, object[], object[]>? runSubgraph = null)
    {
        Node = node;
        _inputs = inputs;
        Opset = opset;
        _runSubgraph = runSubgraph;
        _attributes = new Dictionary<string, AttributeProto>(StringComparer.Ordinal);
        foreach (AttributeProto a in node.Attribute)
        {
            _attributes[a.Name] = a;
        }
    }

    public NodeProto Node { get; }

    /// <summary>The version of the default ONNX domain the model imports.</summary>
    public int Opset { get; }

    public int InputCount => _inputs.Length;

    public int OutputCount => Node.Output.Count;

    /// <summary>Whether output <paramref name="index"/> is asked for (present and not named "").</summary>
    public bool WantsOutput(int index) => index < Node.Output.Count && Node.Output[index].Length > 0;

    /// <summary>"Conv 'conv1'", for messages.</summary>
    public string What => Node.Name.Length > 0 ? $"{Node.OpType} '{Node.Name}'" : Node.OpType;

    public Tensor Input(int index) => OptionalInput(index)
        ?? throw new ArgumentException($"{What}: input {index} is required.");

    public Tensor? OptionalInput(int index) => OptionalValue(index) switch
    {
        null => null,
        Tensor t => t,
        object other => throw new ArgumentException($"{What}: input {index} ('{Node.Input[index]}') must be a tensor, got a {KindOf(other)}."),
    };

    /// <summary>Input <paramref name="index"/> as the runner holds it (a tensor, sequence or optional), or null when omitted.</summary>
    public object? OptionalValue(int index) => index < _inputs.Length ? _inputs[index] : null;

    /// <summary>Input <paramref name="index"/>, which must be given, of any kind.</summary>
    public object Value(int index) => OptionalValue(index) ?? throw new ArgumentException($"{What}: input {index} is required.");

    /// <summary>Input <paramref name="index"/>, which must be a sequence.</summary>
    public OnnxSequence Sequence(int index) => Value(index) as OnnxSequence
        ?? throw new ArgumentException($"{What}: input {index} ('{Node.Input[index]}') must be a sequence, got a {KindOf(Value(index))}.");

    /// <summary>"tensor of float32 (2, 3)", "sequence...", "optional...", for messages.</summary>
    public static string KindOf(object value) => value is Tensor t ? $"tensor of {t.DType} {t.Shape}" : value.ToString() ?? value.GetType().Name;

    public bool HasAttribute(string name) => _attributes.ContainsKey(name);

    public long Int(string name, long defaultValue) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.I : defaultValue;

    public int Int32(string name, int defaultValue) => checked((int)Int(name, defaultValue));

    public float Float(string name, float defaultValue) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.F : defaultValue;

    public string String(string name, string defaultValue) =>
        _attributes.TryGetValue(name, out AttributeProto? a) ? a.S.ToStringUtf8() : defaultValue;

    public int[]? Ints(string name) =>
        _attributes.TryGetValue(name, out AttributeProto? a) ? a.Ints.Select(v => checked((int)v)).ToArray() : null;

    public string[]? Strings(string name) =>
        _attributes.TryGetValue(name, out AttributeProto? a) ? [.. a.Strings.Select(s => s.ToStringUtf8())] : null;

    public float[]? Floats(string name) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.Floats.ToArray() : null;

    /// <summary>A graph attribute (If's branches, Loop's body), or null.</summary>
    public GraphProto? Graph(string name) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.G : null;

    /// <summary>
    /// Runs a subgraph of this node with <paramref name="inputs"/> bound to its declared inputs, in order; the
    /// subgraph also reads the enclosing graphs' values by name. Returns its outputs in order.
    /// </summary>
    public object[] RunSubgraph(GraphProto graph, object[] inputs) =>
        (_runSubgraph ?? throw new InvalidOperationException($"{What}: no graph runner for its subgraphs."))(graph, inputs);

    public Tensor? TensorAttribute(string name) =>
        _attributes.TryGetValue(name, out AttributeProto? a) && a.T is { } t ? OnnxTensors.ToTensor(t) : null;

    /// <summary>
    /// The values of an integer input that decides shapes (Reshape's shape, Slice's starts, the axes of a
    /// reduction): read on the host, so the input must be known when the node runs. Eagerly it always is; in a
    /// traced function it is when it comes from initializers, constants or static shapes.
    /// </summary>
    public int[] StaticInts(int index)
    {
        long[] values;
        using (Tf.InitScope())
        {
            Tensor t = Known(index);
            values = t.DType == DType.Int64 ? t.ToArray<long>() : Tf.Cast(t, DType.Int64).ToArray<long>();
        }

        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            // ONNX writes "to the end" as INT64_MAX (Slice's ends): clamp to what an int can say.
            result[i] = (int)Math.Clamp(values[i], int.MinValue, int.MaxValue);
        }

        return result;
    }

    /// <summary>The values of an input read on the host as doubles (OneHot's depth, Range's bounds), known as for <see cref="StaticInts"/>.</summary>
    public double[] StaticDoubles(int index)
    {
        // Eager even inside a trace: the value is known, and the cast must not become a node of the graph.
        using (Tf.InitScope())
        {
            Tensor t = Known(index);
            return t.DType == DType.Float64 ? t.ToArray<double>() : Tf.Cast(t, DType.Float64).ToArray<double>();
        }
    }

    private Tensor Known(int index)
    {
        Tensor t = Input(index);
        return t.IsSymbolic
            ? throw new NotSupportedException(
                $"{What}: input {index} ('{Node.Input[index]}') must be known when the function is traced (it decides a shape or a count), but it is computed from the function's inputs.")
            : t;
    }

    /// <summary>The static values of an optional input, or null when it is omitted.</summary>
    public int[]? OptionalStaticInts(int index) => OptionalInput(index) is null ? null : StaticInts(index);

    /// <summary>An axis attribute or input normalized to [0, rank).</summary>
    public int Axis(int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1))
        {
            throw new ArgumentException($"{What}: axis {axis} is out of range for rank {rank}.");
        }

        return a;
    }

    public NotSupportedException Unsupported(string what) => new($"{What}: {what} is not supported by Nabla's ONNX import.");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{What} (opset {Opset})");
}
