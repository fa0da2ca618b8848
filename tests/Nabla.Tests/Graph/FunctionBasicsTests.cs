using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Graph;

/// <summary>Tf.Function as API.md shows it: tracing once per signature, running the graph, printing it.</summary>
public class FunctionBasicsTests
{
    private static Tensor Matrix(float[,] values) => Tf.Constant(values);

    [Fact]
    public void Function_ApiExample_TracesOnceAndMatchesEager()
    {
        var f = Tf.Function((Tensor x, Tensor y) => Tf.Nn.Relu(Tf.MatMul(x, y)) + 1);
        Tensor a = Matrix(new float[,] { { 1, -2 }, { 3, 4 } });
        Tensor b = Matrix(new float[,] { { 1, 0 }, { 0, 1 } });

        Tensor z = f.Invoke(a, b);
        Tensor again = f.Invoke(b, a);
        Func<Tensor, Tensor, Tensor> g = f;
        Tensor third = g(a, a);

        Assert.Equal(1, f.TracingCount);
        AssertTensor.Close(Tf.Nn.Relu(Tf.MatMul(a, b)) + 1, z);
        AssertTensor.Close(Tf.Nn.Relu(Tf.MatMul(b, a)) + 1, again);
        AssertTensor.Close(Tf.Nn.Relu(Tf.MatMul(a, a)) + 1, third);
    }

    [Fact]
    public void Function_NewShapeOrDType_Retraces()
    {
        var f = Tf.Function((Tensor x) => x * x);
        f.Invoke(Tf.Constant(new float[] { 1, 2 }));
        f.Invoke(Tf.Constant(new float[] { 3, 4 }));
        Assert.Equal(1, f.TracingCount);
        f.Invoke(Tf.Constant(new float[] { 1, 2, 3 }));
        Assert.Equal(2, f.TracingCount);
        Tensor d = f.Invoke(Tf.Constant(new double[] { 1, 2, 3 }));
        Assert.Equal(3, f.TracingCount);
        Assert.Equal(DType.Float64, d.DType);
    }

    [Fact]
    public void Function_CSharpValue_IsAConstantOfTheTrace()
    {
        var f = Tf.Function((Tensor x, int power) => Tf.Pow(x, power));
        Tensor x = Tf.Constant(new float[] { 2, 3 });
        AssertTensor.Close([4, 9], f.Invoke(x, 2));
        AssertTensor.Close([4, 9], f.Invoke(x, 2));
        Assert.Equal(1, f.TracingCount);
        AssertTensor.Close([8, 27], f.Invoke(x, 3));
        Assert.Equal(2, f.TracingCount);
    }

    [Fact]
    public void Function_InputSignature_WithUnknownBatch_CoversEveryBatchSize()
    {
        var h = Tf.Function((Tensor x) => x * x, inputSignature: [new TensorSpec([null, 3], DType.Float32)]);
        ConcreteFunction c = h.GetConcreteFunction(new TensorSpec([null, 3], DType.Float32));
        string text = c.Graph.ToString();
        Assert.Contains("(None, 3)", text, StringComparison.Ordinal);
        Assert.Contains("Mul", text, StringComparison.Ordinal);

        AssertTensor.Close([1, 4, 9], h.Invoke(Tf.Constant(new float[,] { { 1, 2, 3 } })));
        AssertTensor.Close([1, 4, 9, 16, 25, 36], h.Invoke(Tf.Constant(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } })));
        Assert.Equal(1, h.TracingCount);
        Assert.Throws<ArgumentException>(() => h.Invoke(Tf.Constant(new float[,] { { 1, 2 } })));
    }

    [Fact]
    public void ExecutingEagerly_IsFalseWhileTracing()
    {
        bool? inside = null;
        var f = Tf.Function((Tensor x) =>
        {
            inside = Tf.ExecutingEagerly();
            return x + 1;
        });
        f.Invoke(Tf.Constant(1f));
        Assert.False(inside);
        Assert.True(Tf.ExecutingEagerly());
    }

    [Fact]
    public void Variables_AreCapturedByReference_AndAssignedInProgramOrder()
    {
        var v = new Variable(1f);
        var f = Tf.Function((Tensor x) =>
        {
            v.AssignAdd(x);
            Tensor after = v * 10;
            v.AssignSub(Tf.Constant(1f));
            return after;
        });
        Tensor first = f.Invoke(Tf.Constant(2f));   // v: 1 -> 3, after = 30, v -> 2
        Assert.Equal(30f, first.Item<float>());
        Assert.Equal(2f, v.Item<float>());
        v.Assign(Tf.Constant(5f));
        Tensor second = f.Invoke(Tf.Constant(2f));  // read at run time: 5 -> 7, after = 70, v -> 6
        Assert.Equal(70f, second.Item<float>());
        Assert.Equal(6f, v.Item<float>());
        Assert.Equal(1, f.TracingCount);
    }

    [Fact]
    public void VariableCreatedOnFirstTraceOnly_LaterTraceThrows()
    {
        Variable? created = null;
        var f = Tf.Function((Tensor x) =>
        {
            created = new Variable(Tf.Ones([2]));
            return x + created;
        });
        AssertTensor.Close([2, 3], f.Invoke(Tf.Constant(new float[] { 1, 2 })));
        Assert.NotNull(created);
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => f.Invoke(Tf.Constant(new float[,] { { 1, 2 } })));
        Assert.Contains("only supports singleton tf.Variables created on the first call", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GradientTape_OutsideFunction_DifferentiatesTheCall_ToSecondOrder()
    {
        var cube = Tf.Function((Tensor x) => x * x * x);
        var x = new Variable(3f);
        Tensor dy, d2y;
        using (var outer = new GradientTape())
        {
            using (var inner = new GradientTape())
            {
                Tensor y = cube.Invoke(x);
                dy = inner.Gradient(y, x)!;
            }

            d2y = outer.Gradient(dy, x)!;
        }

        Assert.Equal(27f, dy.Item<float>());
        Assert.Equal(18f, d2y.Item<float>());
    }

    [Fact]
    public void GradientTape_InsideFunction_GivesTheTrainingStep()
    {
        var w = new Variable(0.5);
        var b = new Variable(0.0);
        double[] xs = [-1, 0, 1, 2, 3, 4];
        double[] ys = [-3, -1, 1, 3, 5, 7];
        var step = Tf.Function((Tensor x, Tensor y) =>
        {
            using var tape = new GradientTape();
            Tensor loss = Tf.ReduceMean(Tf.Square(w * x + b - y));
            Tensor?[] grads = tape.Gradient(loss, w, b);
            w.AssignSub(0.05 * grads[0]!);
            b.AssignSub(0.05 * grads[1]!);
            return loss;
        });
        for (int i = 0; i < 500; i++)
        {
            step.Invoke(xs, ys);
        }

        Assert.Equal(1, step.TracingCount);
        Assert.Equal(2.0, w.Item<double>(), 3);
        Assert.Equal(-1.0, b.Item<double>(), 3);
    }

    [Fact]
    public void GraphPrinting_ListsOneLinePerOperation()
    {
        var f = Tf.Function((Tensor x, Tensor y) => Tf.Nn.Relu(Tf.MatMul(x, y)) + 1);
        ConcreteFunction c = f.GetConcreteFunction(new TensorSpec([2, 2], DType.Float32), new TensorSpec([2, 2], DType.Float32));
        string[] lines = c.Graph.ToString().Split('\n');
        Assert.Contains(lines, l => l.Contains("MatMul = MatMul(x, y) : float32 (2, 2)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Relu", StringComparison.Ordinal));
        Assert.Contains("digraph", c.Graph.ToDot(), StringComparison.Ordinal);
    }

    [Fact]
    public void GetOperations_NamesEachOperationsTypeAndTheIdsOfItsInputs_AsTheGraphPrintsThem()
    {
        var f = Tf.Function((Tensor x, Tensor y) => Tf.Nn.Relu(Tf.MatMul(x, y)) + 1);
        ConcreteFunction c = f.GetConcreteFunction(new TensorSpec([2, 2], DType.Float32), new TensorSpec([2, 2], DType.Float32));
        IReadOnlyList<GraphOperation> operations = c.Graph.GetOperations();
        Assert.Equal(c.Graph.OperationCount, operations.Count);
        Assert.Equal(["Placeholder", "Placeholder"], c.Graph.InputIds.Select(id => operations[id].Type));
        GraphOperation matMul = Assert.Single(operations, op => op.Type == "MatMul");
        Assert.Equal(c.Graph.InputIds, matMul.Inputs);
        GraphOperation relu = Assert.Single(operations, op => op.Type == "Relu");
        Assert.Equal([matMul.Id], relu.Inputs);
        Assert.Equal($"{relu.Name} = Relu({matMul.Id})", relu.ToString());
        GraphOperation result = operations[Assert.Single(c.Graph.OutputIds)];
        Assert.Equal("AddV2", result.Type);
        Assert.Contains(relu.Id, result.Inputs);
        for (int i = 0; i < operations.Count; i++)
        {
            Assert.Equal(i, operations[i].Id);
        }
    }
}

/// <summary>A graph built by hand (what Keras's functional API does): symbolic inputs, inferred shapes, no compute.</summary>
public class SymbolicGraphTests
{
    [Fact]
    public void Placeholder_OpsInsideAsDefault_InferShapesWithoutComputing()
    {
        var graph = new FuncGraph("keras_graph");
        Tensor x = graph.Placeholder(new TensorSpec([null, 13], DType.Float32), "features");
        Tensor y;
        using (graph.AsDefault())
        {
            Assert.False(Tf.ExecutingEagerly());
            y = Tf.Nn.Relu(Tf.MatMul(x, Tf.Ones([13, 4])) + Tf.Zeros([4]));
        }

        Assert.True(Tf.ExecutingEagerly());
        Assert.True(y.IsSymbolic);
        Assert.Equal("(None, 4)", y.Shape.ToString());
        Assert.Null(y.Shape.Dimension(0));
        Assert.Equal(4, y.Shape[1]);
        Assert.Throws<InvalidOperationException>(() => y.Shape[0]);
        Assert.Throws<InvalidOperationException>(() => y.Item<float>());
        Assert.StartsWith("Tensor(\"", y.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Tracing_IncompatibleShapes_ThrowsNamingTheOpAndShapes()
    {
        var graph = new FuncGraph("g");
        Tensor x = graph.Placeholder(new TensorSpec([null, 3], DType.Float32));
        using (graph.AsDefault())
        {
            ArgumentException e = Assert.Throws<ArgumentException>(() => Tf.MatMul(x, Tf.Ones([4, 2])));
            Assert.Contains("(None, 3)", e.Message, StringComparison.Ordinal);
            Assert.Contains("MatMul", e.Message, StringComparison.Ordinal);
        }
    }
}
