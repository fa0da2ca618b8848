using Nabla.Onnx.Protobuf;
using Nabla.Onnx.Tests.Export;
using static Nabla.Onnx.Tests.OnnxBuilder;

namespace Nabla.Onnx.Tests;

/// <summary>
/// Imported RNN, GRU and LSTM nodes against ONNX Runtime on the cases ONNX's node tests leave out (reverse and
/// bidirectional directions, sequence_lens, batch-major layout, initial states, peepholes, clip, input_forget,
/// linear_before_reset, activations with parameters), eagerly and traced, and their gradients against finite
/// differences.
/// </summary>
public class RecurrentImportTests
{
    private const int Steps = 4, Batch = 3, Input = 2, Hidden = 3, Int32Type = 6;

    /// <summary>A one-node model whose operands (X, W, R, B, sequence_lens, initial_h[, initial_c, P]) are all graph inputs.</summary>
    private static (byte[] Model, Tensor[] Inputs) Case(string op, string direction, bool lengths, bool batchMajor, int seed, params AttributeProto[] extra) =>
        Case(op, direction, lengths, batchMajor, seed, batchMajor, extra);

    private static (byte[] Model, Tensor[] Inputs) Case(string op, string direction, bool lengths, bool batchMajor, int seed, bool batchMajorAttribute, AttributeProto[] extra)
    {
        int gates = op switch { "RNN" => 1, "GRU" => 3, _ => 4 };
        int directions = direction == "bidirectional" ? 2 : 1;
        var random = new Random(seed);
        Tensor Draw(params int[] dims) => Tf.Constant([.. ImportGradientTests.Draw(random, new Shape(dims).Size).Select(v => (float)v)], new Shape(dims));
        int[] stateDims = batchMajor ? [Batch, directions, Hidden] : [directions, Batch, Hidden];
        var inputs = new List<Tensor>
        {
            Draw(batchMajor ? [Batch, Steps, Input] : [Steps, Batch, Input]),
            Draw(directions, gates * Hidden, Input),
            Draw(directions, gates * Hidden, Hidden),
            Draw(directions, 2 * gates * Hidden),
            lengths ? Tf.Constant(new[] { 4, 1, 3 }, new Shape(Batch)) : Tf.Constant(new[] { Steps, Steps, Steps }, new Shape(Batch)),
            Draw(stateDims),
        };
        string[] names = ["X", "W", "R", "B", "sequence_lens", "initial_h"];
        if (op == "LSTM")
        {
            inputs.Add(Draw(stateDims));
            inputs.Add(Draw(directions, 3 * Hidden));
            names = [.. names, "initial_c", "P"];
        }

        string[] outputs = op == "LSTM" ? ["Y", "Y_h", "Y_c"] : ["Y", "Y_h"];
        AttributeProto[] attributes = [Int("hidden_size", Hidden), String("direction", direction), Int("layout", batchMajorAttribute ? 1 : 0), .. extra];
        byte[] model = Model(
            [Node(op, names, outputs, attributes)],
            [.. names.Select((name, i) => Value(name, name == "sequence_lens" ? Int32Type : Float, [.. inputs[i].Shape.ToArray().Select(_ => (int?)null)]))],
            [.. outputs.Select(o => Value(o, Float))],
            opset: 14);
        return (model, [.. inputs]);
    }

    public static TheoryData<string, string, bool, bool> Cases() => new()
    {
        { "LSTM", "forward", true, false },
        { "LSTM", "reverse", true, false },
        { "LSTM", "bidirectional", true, true },
        { "LSTM", "reverse", false, false },
        { "GRU", "bidirectional", true, false },
        { "GRU", "reverse", false, true },
        { "RNN", "bidirectional", true, true },
        { "RNN", "reverse", true, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Recurrent_MatchesOnnxRuntime_EagerAndTraced(string op, string direction, bool lengths, bool batchMajor)
    {
        (byte[] bytes, Tensor[] inputs) = Case(op, direction, lengths, batchMajor, seed: op.Length + direction.Length);
        if (!batchMajor)
        {
            CompareWithOrt(bytes, inputs, bytes, inputs);
            return;
        }

        // ONNX Runtime refuses layout 1: it runs the same case with the time-major layout, inputs and outputs transposed.
        (byte[] timeMajor, _) = Case(op, direction, lengths, batchMajor, seed: op.Length + direction.Length, batchMajorAttribute: false, []);
        Tensor[] ortInputs = [.. inputs.Select((t, i) => t.Rank == 3 && i != 1 && i != 2 ? Tf.Transpose(t, [1, 0, 2]) : t)];
        CompareWithOrt(bytes, inputs, timeMajor, ortInputs, y => y.Rank == 4 ? Tf.Transpose(y, [2, 0, 1, 3]) : Tf.Transpose(y, [1, 0, 2]));
    }

    [Theory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    [InlineData("RNN")]
    public void Recurrent_Attributes_MatchOnnxRuntime(string op)
    {
        AttributeProto[] extra = op switch
        {
            "LSTM" => [Float32("clip", 0.7f), Int("input_forget", 1), Strings("activations", "HardSigmoid", "Tanh", "Softsign"), Floats("activation_alpha", 0.3f), Floats("activation_beta", 0.4f)],
            "GRU" => [Int("linear_before_reset", 1), Strings("activations", "Sigmoid", "LeakyRelu"), Floats("activation_alpha", 0.2f)],
            _ => [Float32("clip", 1.5f), Strings("activations", "Relu")],
        };
        (byte[] bytes, Tensor[] inputs) = Case(op, "forward", lengths: true, batchMajor: false, seed: 5, extra);
        CompareWithOrt(bytes, inputs, bytes, inputs);
    }

    private static void CompareWithOrt(byte[] bytes, Tensor[] inputs, byte[] ortBytes, Tensor[] ortInputs, Func<Tensor, Tensor>? fromOrt = null)
    {
        string path = Path.Combine(Path.GetTempPath(), $"nabla-recurrent-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, ortBytes);
        try
        {
            Tensor[] expected = [.. OrtRunner.Run(path, ortInputs).Select(fromOrt ?? (t => t))];
            OnnxModel model = Load(bytes);
            Tensor[] eager = model.Call(inputs);
            Tensor[] traced = model.Function().Invoke(inputs);
            Assert.Equal(expected.Length, eager.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i].Shape, eager[i].Shape);
                AssertClose(expected[i], eager[i], $"output {i} eager");
                AssertClose(expected[i], traced[i], $"output {i} traced");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        float[] e = expected.ToArray<float>(), a = actual.ToArray<float>();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5 + (1e-5 * Math.Abs(e[i])), $"{what}[{i}]: ONNX Runtime {e[i]}, Nabla {a[i]}");
        }
    }

    [Theory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    [InlineData("RNN")]
    public void Recurrent_GradientsMatchFiniteDifferences(string op)
    {
        int gates = op switch { "RNN" => 1, "GRU" => 3, _ => 4 };
        var random = new Random(9);
        TensorProto Init(string name, params int[] dims) => Initializer(name, ImportGradientTests.Draw(random, new Shape(dims).Size), dims);
        var initializers = new List<TensorProto>
        {
            Init("X", 3, 2, Input), Init("W", 2, gates * 2, Input), Init("R", 2, gates * 2, 2), Init("B", 2, 4 * gates),
            ImportGradientTests.Int32Initializer("sequence_lens", [3, 2]), Init("initial_h", 2, 2, 2),
        };
        string[] names = ["X", "W", "R", "B", "sequence_lens", "initial_h"];
        if (op == "LSTM")
        {
            initializers.Add(Init("initial_c", 2, 2, 2));
            initializers.Add(Init("P", 2, 3 * 2));
            names = [.. names, "initial_c", "P"];
        }

        string[] outputs = op == "LSTM" ? ["Y", "Y_h", "Y_c"] : ["Y", "Y_h"];
        byte[] bytes = Model(
            [Node(op, names, outputs, Int("hidden_size", 2), String("direction", "bidirectional"))],
            [],
            [.. outputs.Select(o => Value(o, Float64))],
            [.. initializers],
            opset: 14);
        ImportGradientTests.CheckGradients(bytes);
    }
}
