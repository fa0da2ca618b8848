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
            HashSet<string> hostRead = traced ? HostReadInputs(modelPath) : [];
            foreach (string dataSet in Directory.GetDirectories(folder, "test_data_set_*").Order(StringComparer.Ordinal))
            {
                Tensor[] inputs = ReadAll(dataSet, "input");
                Tensor[] expected = ReadAll(dataSet, "output");
                Tensor[] actual = traced ? RunTraced(model, inputs, hostRead) : model.Call(inputs);
                for (int i = 0; i < expected.Length; i++)
                {
                    if (Compare(actual[i], expected[i]) is { } difference)
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
    /// Dropout's ratio, OneHot's depth, Range's bounds), by op type and input index: like shapes and axes, real models
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
    };

    /// <summary>The names of the model's values that feed one of <see cref="s_hostReadOperands"/>.</summary>
    private static HashSet<string> HostReadInputs(string modelPath)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        GraphProto graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath)).Graph;
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
    /// and the floating-point ones in <paramref name="hostRead"/>, are bound as constants of the trace, since ops
    /// whose output shape depends on them need their values.
    /// </summary>
    private static Tensor[] RunTraced(OnnxModel model, Tensor[] inputs, HashSet<string> hostRead)
    {
        int[] free = [.. Enumerable.Range(0, inputs.Length).Where(i => inputs[i].DType.IsFloating && !hostRead.Contains(model.InputNames[i]))];
        var function = Tf.Function<Tensor[], Tensor[]>(arguments =>
        {
            var all = (Tensor[])inputs.Clone();
            for (int i = 0; i < free.Length; i++)
            {
                all[free[i]] = arguments[i];
            }

            return model.Call(all);
        });
        return function.Invoke([.. free.Select(i => inputs[i])]);
    }

    private static Tensor[] ReadAll(string dataSet, string prefix)
    {
        var tensors = new List<Tensor>();
        for (int i = 0; ; i++)
        {
            string path = Path.Combine(dataSet, string.Create(CultureInfo.InvariantCulture, $"{prefix}_{i}.pb"));
            if (!File.Exists(path))
            {
                return [.. tensors];
            }

            tensors.Add(OnnxTensors.ReadTensorProto(File.ReadAllBytes(path)));
        }
    }

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
