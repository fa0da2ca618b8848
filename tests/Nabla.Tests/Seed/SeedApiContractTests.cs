using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Seed;

/// <summary>
/// The parts of API.md's contract that are not a notebook cell of their own: the Types table, the reading-out and
/// dtype-inference paragraphs, the printing of the training loop (In[34]) and the closing "also part of the
/// contract" paragraph, each with API.md's exact names.
/// </summary>
public class SeedApiContractTests
{
    [Fact]
    public void Tensor_ShapeDTypeRankSize()
    {
        Tensor t = Tf.Constant(new[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(new Shape(2, 3), t.Shape);
        Assert.Equal(DType.Int32, t.DType);
        Assert.Equal(2, t.Rank);
        Assert.Equal(6, t.Size);
    }

    [Fact]
    public void Shape_PrintsAsPython_AndIsBuiltFromArraysOrCollectionExpressions()
    {
        Shape scalar = [];
        Shape vector = new[] { 3 };
        Shape matrix = [2, 2];
        Assert.Equal("()", scalar.ToString());
        Assert.Equal("(3,)", vector.ToString());
        Assert.Equal("(2, 2)", matrix.ToString());
        Assert.Equal(2, matrix.Rank);
        Assert.Equal(3, vector[0]);
        Assert.Equal([2, 2], matrix.ToArray());
        Assert.Equal(matrix, Tf.Zeros([2, 2]).Shape);
    }

    [Fact]
    public void DType_PrintsAsTensorFlowNames()
    {
        Assert.Equal(
            ["bool", "int32", "int64", "float16", "bfloat16", "float32", "float64"],
            new[] { DType.Bool, DType.Int32, DType.Int64, DType.Float16, DType.BFloat16, DType.Float32, DType.Float64 }
                .Select(d => d.ToString()));
    }

    [Fact]
    public void DTypeInference_FollowsTheClrType()
    {
        Assert.Equal(DType.Int32, Tf.Constant(1).DType);
        Assert.Equal(DType.Int64, Tf.Constant(1L).DType);
        Assert.Equal(DType.Float32, Tf.Constant(1f).DType);
        Assert.Equal(DType.Float64, Tf.Constant(1.0).DType);
        Assert.Equal(DType.Bool, Tf.Constant(true).DType);
        Assert.Equal(DType.Float16, Tf.Constant((Half)1).DType);
    }

    [Fact]
    public void StrongDTypes_TensorOpTensorMismatch_ThrowsNamingBothDTypesAndTfCast()
    {
        var e = Assert.Throws<ArgumentException>(() => Tf.Add(Tf.Constant(1), Tf.Constant(1f)));
        Assert.Contains("int32", e.Message, StringComparison.Ordinal);
        Assert.Contains("float", e.Message, StringComparison.Ordinal);
        Assert.Contains("Tf.Cast", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeakScalarsAndArrays_AdoptTheTensorsDType()
    {
        Assert.Equal(DType.Int32, Tf.Add(Tf.Constant(new[] { 1, 2 }), 1).DType);

        var w = new Variable(2f);
        double[] xs = [1, 2, 3];
        Tensor product = w * xs;
        Assert.Equal(DType.Float32, product.DType);
        AssertTensor.Close([2, 4, 6], product);

        // With no tensor beside it, its own CLR type decides, an array's over a scalar's.
        Assert.Equal(DType.Float64, Tf.Multiply(new double[3, 3], 5).DType);
        Assert.Equal(DType.Int32, Tf.Square(5).DType);
    }

    [Fact]
    public void ReadingValuesOut_ItemToArrayAndRankedArray()
    {
        Tensor m = Tf.Constant(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } });
        Assert.Equal(3.0, Tf.ReduceSum(m[0]).Item<double>());
        Assert.Equal([1.0, 2.0, 3.0, 4.0], m.ToArray<double>());
        double[,] back = Assert.IsType<double[,]>(m.ToArray());
        Assert.Equal(4.0, back[1, 1]);
        Assert.IsType<int[]>(Tf.Constant(new[] { 1, 2 }).ToArray());
    }

    [Fact]
    public void Variable_NameTrainableAndAssignsReturnTheVariable()
    {
        var v = new Variable(1.0);
        Assert.Equal("Variable:0", v.Name);
        Assert.True(v.Trainable);
        Assert.False(new Variable(1.0, trainable: false).Trainable);
        Assert.Same(v, v.Assign(Tf.Constant(5.0)));
        Assert.Same(v, v.AssignSub(Tf.Constant(2.0)));
        Tensor read = v.ReadValue();
        Assert.IsNotType<Variable>(read);
        Assert.Equal(3.0, read.Item<double>());
    }

    [Fact]
    public void Cell34_InterpolatedLossAndWeights_PrintValuesOnly()
    {
        Tensor loss = Tf.Abs(Tf.Constant(new[] { -0.5f, 0.25f }));
        Assert.Equal("Loss [0.5  0.25] @ iteration 99", $"Loss {loss} @ iteration {99}");

        var w = new Variable(2.0);
        var b = new Variable(-1.0);
        Assert.Equal("Weight 2.0 Bias -1.0", $"Weight {w} Bias {b}");
    }

    [Fact]
    public void GradientTape_ParamsSources_OnePerSourceAndNullWhenUnconnected()
    {
        var x1 = new Variable(3.0);
        var x2 = new Variable(4.0);
        var unused = new Variable(5.0);
        Tensor y;
        using (var tape = new GradientTape(persistent: true))
        {
            y = (x1 * x2) + x1;
            Tensor?[] grads = tape.Gradient(y, x1, x2, unused);
            Assert.Equal(3, grads.Length);
            Assert.Equal(5.0, grads[0]!.Item<double>());
            Assert.Equal(3.0, grads[1]!.Item<double>());
            Assert.Null(grads[2]);
        }
    }

    [Fact]
    public void GradientTape_DisposeStopsRecording_GradientStillWorksAfterwards()
    {
        var x = new Variable(3.0);
        var tape = new GradientTape(persistent: true);
        Tensor y;
        using (tape)
        {
            y = x * x;
        }

        Tensor after = x * x; // not recorded: the tape was disposed
        Assert.Equal(6.0, tape.Gradient(y, x)!.Item<double>());
        Assert.Null(tape.Gradient(after, x));
    }

    [Fact]
    public void GradientTape_NonPersistentSecondGradient_ThrowsInvalidOperation()
    {
        var x = new Variable(3.0);
        var tape = new GradientTape();
        Tensor y;
        using (tape)
        {
            y = x * x;
        }

        Assert.Equal(6.0, tape.Gradient(y, x)!.Item<double>());
        Assert.Throws<InvalidOperationException>(() => tape.Gradient(y, x));
    }

    [Fact]
    public void StopRecordingStopGradientAndJacobian()
    {
        var x = new Variable(new[] { 1.0, 2.0 });
        Tensor y;
        Tensor? viaStopGradient;
        Tensor? jacobian;
        using (var tape = new GradientTape(persistent: true))
        {
            using (tape.StopRecording())
            {
                _ = x * 10; // invisible to the tape
            }

            y = (x * x) + Tf.StopGradient(x * x * x);
            viaStopGradient = tape.Gradient(y, x);
            jacobian = tape.Jacobian(x * x, x);
        }

        AssertTensor.Close([2, 4], viaStopGradient!);
        AssertTensor.Close([2, 0, 0, 4], jacobian!, [2, 2]);
    }
}
