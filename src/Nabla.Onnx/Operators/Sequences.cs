using Nabla.Onnx.Protobuf;

namespace Nabla.Onnx;

/// <summary>
/// ONNX's sequence and optional operators. A sequence is an <see cref="OnnxSequence"/> of the runner (a list of Nabla
/// tensors), an optional an <see cref="OnnxOptional"/>: these operators rearrange lists on the host, and the tensors
/// in them stay Nabla tensors, so gradients flow and tracing works as for any tensor. Positions are read on the host
/// (known values, as shapes are). Identity passes any value through.
/// </summary>
internal static partial class OnnxOperators
{
    private static void AddSequences(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["SequenceEmpty"] = n => [new OnnxSequence([], n.HasAttribute("dtype") ? DTypeAttribute(n, "dtype") : DType.Float32)];
        ops["SequenceConstruct"] = n =>
        {
            Tensor[] items = [.. Enumerable.Range(0, n.InputCount).Select(n.Input)];
            return items.Length > 0 ? [Sequence(n, items, items[0].DType)] : throw new ArgumentException($"{n.What}: needs at least one tensor.");
        };
        ops["SequenceLength"] = n => [Tf.Constant(new[] { (long)n.Sequence(0).Count }, Shape.Scalar)];
        ops["SequenceAt"] = n =>
        {
            OnnxSequence s = n.Sequence(0);
            return [s[Position(n, 1, s.Count, s.Count - 1)]];
        };
        ops["SequenceInsert"] = n =>
        {
            OnnxSequence s = n.Sequence(0);
            int at = n.OptionalInput(2) is null ? s.Count : Position(n, 2, s.Count + 1, s.Count);
            List<Tensor> items = [.. s];
            items.Insert(at, n.Input(1));
            return [Sequence(n, items, s.ElementType)];
        };
        ops["SequenceErase"] = n =>
        {
            OnnxSequence s = n.Sequence(0);
            List<Tensor> items = [.. s];
            items.RemoveAt(n.OptionalInput(1) is null ? s.Count - 1 : Position(n, 1, s.Count, s.Count - 1));
            return [new OnnxSequence(items, s.ElementType)];
        };
        ops["ConcatFromSequence"] = One(ConcatFromSequence);
        ops["SplitToSequence"] = n => [SplitToSequence(n)];
        ops["SequenceMap"] = SequenceMap;
        ops["Optional"] = n => [n.OptionalValue(0) is { } value ? OnnxOptional.Of(value) : OnnxOptional.Empty];
        ops["OptionalHasElement"] = n => [Tf.Constant(new[] { n.OptionalValue(0) is OnnxOptional { HasValue: true } or Tensor or OnnxSequence }, Shape.Scalar)];
        ops["OptionalGetElement"] = n => n.Value(0) switch
        {
            OnnxOptional { Value: { } value } => [value],
            OnnxOptional => throw new InvalidOperationException($"{n.What}: the optional input '{n.Node.Input[0]}' is empty."),
            object value => [value],   // opset 18: a tensor or sequence passes through
        };
        ops["Identity"] = n => [n.Value(0) is Tensor t ? Tf.Identity(t) : n.Value(0)];
    }

    private static OnnxSequence Sequence(NodeContext n, IEnumerable<Tensor> items, DType elementType)
    {
        try
        {
            return new OnnxSequence(items, elementType);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{n.What}: {e.Message}", e);
        }
    }

    /// <summary>A position input in [−count, count) (negative from the end), or <paramref name="fallback"/> when omitted.</summary>
    private static int Position(NodeContext n, int index, int count, int fallback)
    {
        if (n.OptionalInput(index) is null)
        {
            return fallback;
        }

        int p = n.StaticInts(index)[0];
        int at = p < 0 ? p + count : p;
        return at >= 0 && at < count
            ? at
            : throw new ArgumentException($"{n.What}: position {p} is out of range [{-count}, {count - 1}].");
    }

    /// <summary>The sequence's tensors concatenated along axis, or stacked along a new axis (new_axis = 1).</summary>
    private static Tensor ConcatFromSequence(NodeContext n)
    {
        OnnxSequence s = n.Sequence(0);
        if (s.Count == 0)
        {
            throw new ArgumentException($"{n.What}: the sequence is empty.");
        }

        bool newAxis = n.Int("new_axis", 0) != 0;
        int axis = n.Axis(n.Int32("axis", 0), s[0].Rank + (newAxis ? 1 : 0));
        return newAxis ? Tf.Stack([.. s], axis) : Tf.Concat([.. s], axis);
    }

    /// <summary>
    /// Splits along axis: into pieces of the given sizes (a vector), into pieces of one size with a smaller last
    /// one (a scalar), or into every slice (no split; keepdims = 0 drops the axis).
    /// </summary>
    private static OnnxSequence SplitToSequence(NodeContext n)
    {
        Tensor x = n.Input(0);
        int axis = n.Axis(n.Int32("axis", 0), x.Rank);
        int dim = x.Shape[axis];
        if (n.OptionalInput(1) is not { } split)
        {
            Tensor[] slices = Tf.Split(x, dim, axis);
            return new OnnxSequence(n.Int("keepdims", 1) != 0 ? slices : slices.Select(t => Tf.Squeeze(t, [axis])), x.DType);
        }

        int[] sizes = n.StaticInts(1);
        if (split.Rank == 0)
        {
            int each = sizes[0];
            sizes = [.. Enumerable.Range(0, (dim + each - 1) / each).Select(i => Math.Min(each, dim - (i * each)))];
        }

        return new OnnxSequence(Tf.Split(x, sizes, axis), x.DType);
    }

    /// <summary>
    /// Runs the body once per position of the first sequence; each further input is a sequence (its item at that
    /// position) or a tensor (the same each time). Each body output is collected into a sequence.
    /// </summary>
    private static object[] SequenceMap(NodeContext n)
    {
        GraphProto body = Subgraph(n, "body");
        OnnxSequence first = n.Sequence(0);
        object[] inputs = [.. Enumerable.Range(0, n.InputCount).Select(n.Value)];
        var results = new List<Tensor>[body.Output.Count];
        for (int j = 0; j < results.Length; j++)
        {
            results[j] = [];
        }

        for (int i = 0; i < first.Count; i++)
        {
            object[] arguments = [.. inputs.Select(v => v is OnnxSequence s
                ? (s.Count == first.Count ? s[i] : throw new ArgumentException($"{n.What}: its sequences have {first.Count} and {s.Count} items."))
                : v)];
            object[] outputs = n.RunSubgraph(body, arguments);
            for (int j = 0; j < results.Length; j++)
            {
                results[j].Add(outputs[j] as Tensor ?? throw n.Unsupported("a SequenceMap body whose outputs are not tensors"));
            }
        }

        return [.. results.Select((items, j) => new OnnxSequence(items,
            OnnxTensors.TryDType(body.Output[j].Type.TensorType?.ElemType ?? 0) ?? (items.Count > 0 ? items[0].DType : DType.Float32)))];
    }
}
