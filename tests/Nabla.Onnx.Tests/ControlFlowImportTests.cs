using Nabla.Onnx.Protobuf;
using static Nabla.Onnx.Tests.OnnxBuilder;

namespace Nabla.Onnx.Tests;

/// <summary>
/// Imported If and Loop: eagerly, traced with a condition or trip count only known when the function runs (Tf.Cond,
/// Tf.WhileLoop), traced with known ones (run as C# control flow, a Loop unrolled), subgraphs reading the enclosing
/// graph's values, and gradients through both.
/// </summary>
public class ControlFlowImportTests
{
    private const int Bool = 9, Int64Type = 7;

    private static GraphProto Body(string name, NodeProto[] nodes, ValueInfoProto[] inputs, ValueInfoProto[] outputs, TensorProto[]? initializers = null)
    {
        var g = new GraphProto { Name = name };
        g.Node.AddRange(nodes);
        g.Input.AddRange(inputs);
        g.Output.AddRange(outputs);
        g.Initializer.AddRange(initializers ?? []);
        return g;
    }

    /// <summary>If(cond): then x·x, else −x, both branches reading the outer x.</summary>
    private static byte[] IfModel() => Model(
        [Node("If", ["cond"], ["y"],
            Graph("then_branch", Body("then", [Node("Mul", ["x", "x"], ["then_y"])], [], [Value("then_y", Float, 3)])),
            Graph("else_branch", Body("else", [Node("Neg", ["x"], ["else_y"])], [], [Value("else_y", Float, 3)])))],
        [Value("cond", Bool), Value("x", Float, 3)],
        [Value("y", Float, 3)]);

    [Fact]
    public void If_EagerAndTracedWithRuntimeCondition_TakesTheRightBranch()
    {
        OnnxModel model = Load(IfModel());
        Tensor x = Tf.Constant(new[] { 1f, -2f, 3f }, new Shape(3));
        var traced = model.Function();
        foreach (bool condition in new[] { true, false })
        {
            Tensor c = Tf.Constant(new[] { condition }, Shape.Scalar);
            float[] expected = condition ? [1f, 4f, 9f] : [-1f, 2f, -3f];
            Assert.Equal(expected, model.Call(c, x)[0].ToArray<float>());
            Assert.Equal(expected, traced.Invoke([c, x])[0].ToArray<float>());
        }
    }

    /// <summary>Loop(M, cond, y): y ← y·2 + 1 per iteration, with the iteration number as a scan output; cond passed through.</summary>
    private static byte[] LoopModel(bool scanOutput) => Model(
        [Node("Loop", ["M", "", "y"], scanOutput ? ["y_final", "iterations"] : ["y_final"],
            Graph("body", Body("body",
                [
                    Node("Identity", ["cond_in"], ["cond_out"]),
                    Node("Mul", ["y_in", "two"], ["doubled"]),
                    Node("Add", ["doubled", "one"], ["y_out"]),
                    Node("Identity", ["i"], ["i_out"]),
                ],
                [Value("i", Int64Type), Value("cond_in", Bool), Value("y_in", Float, 2)],
                scanOutput ? [Value("cond_out", Bool), Value("y_out", Float, 2), Value("i_out", Int64Type)] : [Value("cond_out", Bool), Value("y_out", Float, 2)],
                [Initializer("two", [2f], 1), Initializer("one", [1f], 1)])))],
        [Value("M", Int64Type), Value("y", Float, 2)],
        scanOutput ? [Value("y_final", Float, 2), Value("iterations", Int64Type, 4)] : [Value("y_final", Float, 2)]);

    [Fact]
    public void Loop_RuntimeTripCount_TracedWhileLoopMatchesEager()
    {
        OnnxModel model = Load(LoopModel(scanOutput: false));
        Tensor y = Tf.Constant(new[] { 0f, 1f }, new Shape(2));
        var traced = model.Function();
        foreach (long m in new long[] { 0, 3, 5 })
        {
            Tensor count = Tf.Constant(new[] { m }, Shape.Scalar);
            // y_m = 2^m (y_0 + 1) − 1.
            float[] expected = [(float)(Math.Pow(2, m) - 1), (float)((2 * Math.Pow(2, m)) - 1)];
            Assert.Equal(expected, model.Call(count, y)[0].ToArray<float>());
            Assert.Equal(expected, traced.Invoke([count, y])[0].ToArray<float>());
        }
    }

    [Fact]
    public void Loop_ScanOutputs_StackedEagerlyAndRefusedWithRuntimeTripCount()
    {
        OnnxModel model = Load(LoopModel(scanOutput: true));
        Tensor[] outputs = model.Call(Tf.Constant(new[] { 4L }, Shape.Scalar), Tf.Constant(new[] { 0f, 1f }, new Shape(2)));
        Assert.Equal([15f, 31f], outputs[0].ToArray<float>());
        Assert.Equal([0L, 1L, 2L, 3L], outputs[1].ToArray<long>());
        var e = Assert.Throws<NotSupportedException>(() => model.Function().Invoke([Tf.Constant(new[] { 4L }, Shape.Scalar), Tf.Constant(new[] { 0f, 1f }, new Shape(2))]));
        Assert.Contains("Loop", e.Message, StringComparison.Ordinal);
        Assert.Contains("scan outputs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoopAndIf_GradientsMatchFiniteDifferences()
    {
        // Three iterations of y ← tanh(y · w) (w read from the enclosing graph), each y a scan output; then If(c) picks y·y.
        var random = new Random(4);
        var m = new TensorProto { Name = "M", DataType = Int64Type };
        m.Int64Data.Add(3);
        var c = new TensorProto { Name = "c", DataType = Bool };
        c.Int32Data.Add(1);
        byte[] bytes = Model(
            [
                Node("Loop", ["M", "", "y"], ["y_final", "ys"],
                    Graph("body", Body("body",
                        [Node("Identity", ["cond_in"], ["cond_out"]), Node("Mul", ["y_in", "w"], ["product"]), Node("Tanh", ["product"], ["y_out"]), Node("Identity", ["y_out"], ["scan"])],
                        [Value("i", Int64Type), Value("cond_in", Bool), Value("y_in", Float64, 2)],
                        [Value("cond_out", Bool), Value("y_out", Float64, 2), Value("scan", Float64, 2)]))),
                Node("If", ["c"], ["z"],
                    Graph("then_branch", Body("then", [Node("Mul", ["y_final", "y_final"], ["then_z"])], [], [Value("then_z", Float64, 2)])),
                    Graph("else_branch", Body("else", [Node("Neg", ["y_final"], ["else_z"])], [], [Value("else_z", Float64, 2)]))),
            ],
            [],
            [Value("ys", Float64, 3, 2), Value("z", Float64, 2)],
            [m, c, Initializer("y", ImportGradientTests.Draw(random, 2), 2), Initializer("w", ImportGradientTests.Draw(random, 2), 2)]);
        ImportGradientTests.CheckGradients(bytes);
    }
}
