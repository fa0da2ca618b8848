using System.Globalization;
using Nabla.Onnx.Protobuf;

namespace Nabla.Onnx.Tests.NodeTests;

/// <summary>How one of ONNX's backend node tests came out.</summary>
public enum NodeTestOutcome
{
    Passed,
    Failed,
    Unsupported,
}

/// <summary>
/// One of ONNX's backend node tests (onnx/backend/test/data/node/test_*): a one-node <c>model.onnx</c> and data sets
/// of <c>input_*.pb</c> and expected <c>output_*.pb</c> TensorProtos. Run as ONNX's own runner runs them:
/// outputs compared with rtol 1e-3 and atol 1e-7 (NaN equals NaN), integers and booleans exactly, shapes and
/// dtypes exactly.
/// </summary>
public static class NodeTestCase
{
    public const double RelativeTolerance = 1e-3, AbsoluteTolerance = 1e-7;

    /// <summary>Runs the case in <paramref name="folder"/>; <paramref name="detail"/> says why it did not pass.</summary>
    public static NodeTestOutcome Run(string folder, bool traced, out string detail)
    {
        try
        {
            string modelPath = Path.Combine(folder, "model.onnx");
            OnnxModel model = OnnxModel.Load(modelPath);
            GraphProto graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath)).Graph;
            HashSet<string> hostRead = traced ? HostReadInputs(graph) : [];
            TypeProto[] inputTypes = [.. model.InputNames.Select(name => graph.Input.First(v => v.Name == name).Type)];
            TypeProto[] outputTypes = [.. graph.Output.Select(v => v.Type)];
            foreach (string dataSet in Directory.GetDirectories(folder, "test_data_set_*").Order(StringComparer.Ordinal))
            {
                object[] inputs = ReadAll(dataSet, "input", inputTypes);
                object[] expected = ReadAll(dataSet, "output", outputTypes);
                object[] actual = traced ? RunTraced(model, inputs, hostRead) : model.Run(inputs);
                for (int i = 0; i < expected.Length; i++)
                {
                    if (CompareValue(actual[i], expected[i]) is { } difference)
                    {
                        detail = $"{Path.GetFileName(dataSet)} output {i} ({model.OutputNames[i]}): {difference}";
                        return NodeTestOutcome.Failed;
                    }
                }
            }

            detail = "";
            return NodeTestOutcome.Passed;
        }
        catch (NotSupportedException e)
        {
            detail = e.Message;
            return NodeTestOutcome.Unsupported;
        }
#pragma warning disable CA1031 // A case that throws is a failed case, reported with its exception; the run goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            detail = $"{e.GetType().Name}: {e.Message}";
            return NodeTestOutcome.Failed;
        }
    }

    /// <summary>
    /// The floating-point operands that the importer reads on the host (Resize's scales and roi, Pad's value,
    /// Dropout's ratio, OneHot's depth, Range's bounds,
    /// MelWeightMatrix's frequencies, NonMaxSuppression's thresholds), by op type and input index: like shapes and axes, real models
    /// hold them in initializers or constants.
    /// </summary>
    private static readonly Dictionary<string, int[]> s_hostReadOperands = new(StringComparer.Ordinal)
    {
        ["Resize"] = [1, 2],
        ["Upsample"] = [1],
        ["Pad"] = [2],
        ["Dropout"] = [1],
        ["OneHot"] = [1, 2],
        ["Range"] = [0, 1, 2],
        ["MelWeightMatrix"] = [3, 4],
        ["NonMaxSuppression"] = [3, 4],
    };

    /// <summary>The names of the model's values that feed one of <see cref="s_hostReadOperands"/>.</summary>
    private static HashSet<string> HostReadInputs(GraphProto graph)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (NodeProto node in graph.Node)
        {
            foreach (int index in s_hostReadOperands.GetValueOrDefault(node.OpType, []))
            {
                if (index < node.Input.Count)
                {
                    names.Add(node.Input[index]);
                }
            }
        }

        return names;
    }

    /// <summary>
    /// Runs the model inside <c>Tf.Function</c>. The floating-point inputs are the function's arguments; the integer
    /// and boolean ones (in node tests, the shapes, axes, indices and masks that real models keep as initializers),
    /// the floating-point ones in <paramref name="hostRead"/>, and sequences and optionals, are bound as constants of
    /// the trace, since ops whose output shape depends on them need their values. A function returns tensors: the
    /// tensors of sequence and optional outputs are returned flat and regrouped as the traced run gave them.
    /// </summary>
    private static object[] RunTraced(OnnxModel model, object[] inputs, HashSet<string> hostRead)
    {
        int[] free = [.. Enumerable.Range(0, inputs.Length).Where(i => inputs[i] is Tensor t && t.DType.IsFloating && !hostRead.Contains(model.InputNames[i]))];
        object[] structure = [];
        var function = Tf.Function<Tensor[], Tensor[]>(arguments =>
        {
            var all = (object[])inputs.Clone();
            for (int i = 0; i < free.Length; i++)
            {
                all[free[i]] = arguments[i];
            }

            structure = model.Run(all);
            var flat = new List<Tensor>();
            foreach (object value in structure)
            {
                Flatten(value, flat);
            }

            return [.. flat];
        });
        Tensor[] results = function.Invoke([.. free.Select(i => (Tensor)inputs[i])]);
        int next = 0;
        return [.. structure.Select(value => Regroup(value, results, ref next))];
    }

    private static void Flatten(object value, List<Tensor> flat)
    {
        switch (value)
        {
            case Tensor t: flat.Add(t); break;
            case OnnxSequence s: flat.AddRange(s); break;
            case OnnxOptional { Value: { } held }: Flatten(held, flat); break;
        }
    }

    private static object Regroup(object traced, Tensor[] results, ref int next)
    {
        switch (traced)
        {
            case Tensor:
                return results[next++];
            case OnnxSequence s:
                next += s.Count;
                return new OnnxSequence(results[(next - s.Count)..next], s.ElementType);
            case OnnxOptional { Value: { } held }:
                return OnnxOptional.Of(Regroup(held, results, ref next));
            default:
                return traced;
        }
    }

    /// <summary>The data set's <c>{prefix}_i.pb</c> files: a TensorProto, SequenceProto or OptionalProto as <paramref name="types"/> says.</summary>
    private static object[] ReadAll(string dataSet, string prefix, TypeProto[] types)
    {
        var values = new List<object>();
        for (int i = 0; ; i++)
        {
            string path = Path.Combine(dataSet, string.Create(CultureInfo.InvariantCulture, $"{prefix}_{i}.pb"));
            if (!File.Exists(path))
            {
                return [.. values];
            }

            byte[] bytes = File.ReadAllBytes(path);
            TypeProto? type = i < types.Length ? types[i] : null;
            values.Add(type?.ValueCase switch
            {
                TypeProto.ValueOneofCase.SequenceType => OnnxTensors.ReadSequenceProto(bytes, ElementDType(type)),
                TypeProto.ValueOneofCase.OptionalType => OnnxTensors.ReadOptionalProto(bytes, ElementDType(type)),
                _ => OnnxTensors.ReadTensorProto(bytes),
            });
        }
    }

    /// <summary>The dtype of the tensors a sequence or optional type holds (what an empty one is of).</summary>
    private static DType? ElementDType(TypeProto? type) => type?.ValueCase switch
    {
        TypeProto.ValueOneofCase.TensorType => OnnxTensors.TryDType(type.TensorType.ElemType),
        TypeProto.ValueOneofCase.SequenceType => ElementDType(type.SequenceType.ElemType),
        TypeProto.ValueOneofCase.OptionalType => ElementDType(type.OptionalType.ElemType),
        _ => null,
    };

    /// <summary>Null when the values match: tensors as <see cref="Compare"/>, sequences item by item, optionals by what they hold.</summary>
    public static string? CompareValue(object actual, object expected) => (actual, expected) switch
    {
        (Tensor a, Tensor e) => Compare(a, e),
        (OnnxSequence a, OnnxSequence e) when a.Count != e.Count => $"a sequence of {a.Count} tensor(s), expected {e.Count}",
        (OnnxSequence a, OnnxSequence e) => Enumerable.Range(0, a.Count).Select(i => Compare(a[i], e[i]) is { } d ? $"item {i}: {d}" : null).FirstOrDefault(d => d is not null),
        (OnnxOptional a, OnnxOptional e) when a.HasValue != e.HasValue => $"got {a}, expected {e}",
        (OnnxOptional { Value: { } a }, OnnxOptional { Value: { } e }) => CompareValue(a, e),
        (OnnxOptional, OnnxOptional) => null,
        _ => $"got a {actual.GetType().Name}, expected a {expected.GetType().Name}",
    };

    /// <summary>Null when <paramref name="actual"/> matches; otherwise what differs.</summary>
    public static string? Compare(Tensor actual, Tensor expected)
    {
        if (actual.DType != expected.DType || actual.Shape != expected.Shape)
        {
            return $"got {actual.DType} {actual.Shape}, expected {expected.DType} {expected.Shape}";
        }

        if (!expected.DType.IsFloating)
        {
            long[] a = Tf.Cast(actual, DType.Int64).ToArray<long>(), e = Tf.Cast(expected, DType.Int64).ToArray<long>();
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != e[i])
                {
                    return string.Create(CultureInfo.InvariantCulture, $"element {i} is {a[i]}, expected {e[i]}");
                }
            }

            return null;
        }

        double[] x = Tf.Cast(actual, DType.Float64).ToArray<double>(), y = Tf.Cast(expected, DType.Float64).ToArray<double>();
        for (int i = 0; i < x.Length; i++)
        {
            bool same = (double.IsNaN(x[i]) && double.IsNaN(y[i])) || x[i] == y[i]
                || Math.Abs(x[i] - y[i]) <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(y[i]));
            if (!same)
            {
                return string.Create(CultureInfo.InvariantCulture, $"element {i} is {x[i]:R}, expected {y[i]:R}");
            }
        }

        return null;
    }
}
