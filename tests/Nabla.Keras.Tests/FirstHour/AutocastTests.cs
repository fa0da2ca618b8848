using Nabla;
using Nabla.Keras;

namespace FirstHour;

/// <summary>Keras casts floating inputs to a layer's dtype: C#'s double arrays feed float32 models.</summary>
public class AutocastTests
{
    [Fact]
    public void Dense_DoubleArray_IsCastToFloat32()
    {
        var layer = new Dense(2, kernelInitializer: "ones");
        Tensor y = layer.Apply(new double[,] { { 1, 2 } });
        Assert.Equal(DType.Float32, y.DType);
        Assert.Equal([3f, 3f], y.ToArray<float>());
    }

    [Fact]
    public void Dense_Float64Layer_CastsFloat32InputsUp()
    {
        var layer = new Dense(1, kernelInitializer: "ones", dtype: DType.Float64);
        Tensor y = layer.Apply(Tf.Constant(new float[,] { { 0.1f, 0.2f } }));
        Assert.Equal(DType.Float64, y.DType);
        Assert.Equal(DType.Float64, layer.Kernel!.DType);
        Assert.Equal((double)0.1f + 0.2f, y.ToArray<double>()[0], 12);
    }

    [Fact]
    public void Dense_IntArray_IsPromotedAsKerasMatmulPromotes()
    {
        Tensor y = new Dense(1, kernelInitializer: "ones").Apply(new int[,] { { 1, 2 } });
        Assert.Equal(DType.Float32, y.DType);
        Assert.Equal([3f], y.ToArray<float>());
    }

    [Fact]
    public void Embedding_IntegerInputs_AreNotCast()
    {
        var layer = new Embedding(5, 2);
        Tensor y = layer.Apply(new int[,] { { 0, 4 } });
        Assert.Equal(new Shape(1, 2, 2), y.Shape);
        Assert.Equal(DType.Float32, y.DType);
    }

    [Fact]
    public void Autocast_Off_RefusesAnotherDTypeNamingBoth()
    {
        var layer = new Dense(1) { Autocast = false };
        var e = Assert.Throws<ArgumentException>(() => layer.Apply(Tf.Constant(new double[,] { { 1, 2 } })));
        Assert.Contains("float64", e.Message, StringComparison.Ordinal);
        Assert.Contains("float32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FitEvaluatePredict_DoubleArrays_TrainAFloat32Model()
    {
        var model = new Sequential(new Dense(1, inputShape: [1]));
        model.Compile(Keras.Optimizers.SGD(learningRate: 0.05), "mse");
        double[,] x = { { -1 }, { 0 }, { 1 }, { 2 }, { 3 }, { 4 } };
        double[,] y = { { -3 }, { -1 }, { 1 }, { 3 }, { 5 }, { 7 } };
        History history = model.Fit(x, y, epochs: 300, batchSize: 6, verbose: 0);
        Assert.True(history.History["loss"][^1] < 1e-3);
        Assert.True(model.Evaluate(x, y, verbose: 0) < 1e-3);
        Tensor predicted = model.Predict(new double[,] { { 10 } });
        Assert.Equal(DType.Float32, predicted.DType);
        Assert.Equal(19f, predicted.ToArray<float>()[0], 1);
    }
}
