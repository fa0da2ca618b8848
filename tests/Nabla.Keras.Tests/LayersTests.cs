using Nabla.Keras.Initializers;

namespace Nabla.Keras.Tests;

public class LayersTests
{
    [Fact]
    public void Dense_Forward_MatchesHandComputation()
    {
        var dense = new Dense(2, activation: "relu", inputShape: [3]);
        dense.SetWeights([Tf.Constant(new float[,] { { 1, -1 }, { 2, 0 }, { 0, 3 } }), Tf.Constant(new float[] { 0.5f, -10 })]);
        Tensor y = dense.Apply(Tf.Constant(new float[,] { { 1, 2, 3 }, { -1, 0, 1 } }));
        Assert.Equal(new Shape(2, 2), y.Shape);
        // row 0: [1+4+0+.5, -1+0+9-10] = [5.5, -2] -> relu [5.5, 0]; row 1: [-1+0+0+.5, 1+0+3-10] -> [0, 0]
        Assert.Equal([5.5f, 0f, 0f, 0f], y.ToArray<float>());
    }

    [Fact]
    public void Dense_Rank3Inputs_AppliesOnLastAxis()
    {
        var dense = new Dense(1, useBias: false, kernelInitializer: new Ones());
        Tensor y = dense.Apply(Tf.Ones([2, 3, 4]));
        Assert.Equal(new Shape(2, 3, 1), y.Shape);
        Assert.All(y.ToArray<float>(), v => Assert.Equal(4f, v));
        Assert.Single(dense.Variables);
    }

    [Fact]
    public void Dense_WrongInputWidth_ThrowsNamingLayer()
    {
        var dense = new Dense(1, inputShape: [2], name: "d");
        var ex = Assert.Throws<ArgumentException>(() => dense.Apply(Tf.Ones([1, 3])));
        Assert.Contains("Dense d", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sequential_BuildsAllLayersFromFirstInputShape_AndGradientsFlow()
    {
        var model = new Sequential(new Dense(4, "tanh", inputShape: [2]), new Flatten(), new Dense(1), new Activation("sigmoid"));
        Assert.Equal(4, model.Variables.Count);
        Assert.Equal(new Shape(4, 1), model.Variables[2].Shape);
        Assert.Equal(4, model.Layers.Count);
        var tape = new GradientTape();
        Tensor loss;
        using (tape)
        {
            loss = Tf.ReduceSum(model.Apply(Tf.Ones([3, 2])));
        }

        Tensor?[] grads = tape.Gradient(loss, [.. model.TrainableVariables]);
        Assert.All(grads, g => Assert.NotNull(g));
    }

    [Fact]
    public void Initializers_SeededAreReproducibleAndWithinBounds()
    {
        Shape shape = new(20, 30);
        Tf.Random.SetSeed(5);
        Tensor a = new GlorotUniform(seed: 7).Initialize(shape, DType.Float32);
        Tf.Random.SetSeed(5);
        Tensor b = new GlorotUniform(seed: 7).Initialize(shape, DType.Float32);
        Assert.Equal(a.ToArray<float>(), b.ToArray<float>());
        double limit = Math.Sqrt(6.0 / 50);
        Assert.All(a.ToArray<float>(), v => Assert.InRange(v, -limit, limit));

        double heStd = Math.Sqrt(2.0 / 20);
        Assert.All(new HeNormal(1).Initialize(shape, DType.Float64).ToArray<double>(), v => Assert.InRange(v, -2.01 * heStd / 0.8796, 2.01 * heStd / 0.8796));
        Assert.All(new Zeros().Initialize([3], DType.Float32).ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(new Constant(2.5).Initialize([3], DType.Float64).ToArray<double>(), v => Assert.Equal(2.5, v));
        double[] normal = new RandomNormal(1, 2, seed: 3).Initialize([4000], DType.Float64).ToArray<double>();
        Assert.InRange(normal.Average(), 0.85, 1.15);
        double[] uniform = new RandomUniform(2, 3, seed: 3).Initialize([100], DType.Float64).ToArray<double>();
        Assert.All(uniform, v => Assert.InRange(v, 2, 3));
        Assert.Equal((3.0 * 4 * 5, 3.0 * 4 * 6), Initializer.ComputeFans(new Shape(3, 4, 5, 6)));
    }
}
