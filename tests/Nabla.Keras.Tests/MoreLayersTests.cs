using Nabla.Keras.Initializers;

namespace Nabla.Keras.Tests;

public class MoreLayersTests
{
    public static TheoryData<string, int[], int[]> ShapeCases => new()
    {
        { "dropout", [2, 3, 4], [2, 3, 4] },
        { "reshape", [2, 3, 4], [2, 4, 3] },
        { "batchnorm", [2, 3, 4], [2, 3, 4] },
        { "layernorm", [2, 3, 4], [2, 3, 4] },
        { "embedding", [2, 5], [2, 5, 3] },
        { "conv_valid", [2, 6, 5, 3], [2, 4, 3, 4] },
        { "conv_same_stride2", [2, 6, 5, 3], [2, 3, 3, 4] },
        { "maxpool", [2, 6, 5, 3], [2, 3, 2, 3] },
        { "maxpool_same", [2, 6, 5, 3], [2, 3, 3, 3] },
        { "avgpool", [2, 6, 5, 3], [2, 3, 2, 3] },
        { "gap", [2, 6, 5, 3], [2, 3] },
    };

    private static Layer Make(string kind, DType dtype) => kind switch
    {
        "dropout" => new Dropout(0.5, seed: 1),
        "reshape" => new Reshape([4, -1]),
        "batchnorm" => new BatchNormalization(dtype: dtype),
        "layernorm" => new LayerNormalization(dtype: dtype),
        "embedding" => new Embedding(7, 3, dtype: dtype),
        "conv_valid" => new Conv2D(4, [3, 3], activation: "tanh", kernelInitializer: new GlorotUniform(seed: 1), dtype: dtype),
        "conv_same_stride2" => new Conv2D(4, [3, 2], [2, 2], "same", biasInitializer: new RandomNormal(seed: 2), dtype: dtype),
        "maxpool" => new MaxPooling2D(),
        "maxpool_same" => new MaxPooling2D([2], padding: "same"),
        "avgpool" => new AveragePooling2D([2, 2]),
        _ => new GlobalAveragePooling2D(),
    };

    private static Tensor Input(string kind, int[] shape, DType dtype)
    {
        var random = new Random(3);
        var values = new double[new Shape(shape).Size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = kind == "embedding" ? random.Next(7) : (random.NextDouble() * 4) - 2;
        }

        Tensor t = Tf.Constant(values, new Shape(shape));
        return kind == "embedding" ? Tf.Cast(t, DType.Int32) : Tf.Cast(t, dtype);
    }

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void Layer_OutputShape_MatchesKeras(string kind, int[] input, int[] expected)
    {
        foreach (bool training in new[] { false, true })
        {
            Layer layer = Make(kind, DType.Float32);
            Tensor y = layer.Apply(Input(kind, input, DType.Float32), training);
            Assert.Equal(new Shape(expected), y.Shape);
            Assert.Equal(DType.Float32, y.DType);
        }
    }

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void Layer_GradientsThroughTape_MatchFiniteDifferences(string kind, int[] input, int[] expected)
    {
        Assert.NotEmpty(expected);

        // Dropout's mask is random per call: it is checked at inference here (its scaling has its own test).
        LayerGradientCheck.Check(Make(kind, DType.Float64), Input(kind, input, DType.Float64), training: kind is "batchnorm", what: kind);
    }

    [Fact]
    public void Dropout_TrainingDropsAndScales_InferenceIsIdentity()
    {
        var dropout = new Dropout(0.25, seed: 4);
        Tensor x = Tf.Ones([40, 50]);
        Assert.Equal(x.ToArray<float>(), dropout.Apply(x).ToArray<float>());
        Tensor y;
        Tensor? g;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            y = dropout.Apply(x, training: true);
            g = tape.Gradient(Tf.ReduceSum(y), x);
        }

        float[] values = y.ToArray<float>();
        Assert.All(values, v => Assert.True(v == 0 || Math.Abs(v - (1 / 0.75f)) < 1e-6));
        double dropped = values.Count(v => v == 0) / (double)values.Length;
        Assert.InRange(dropped, 0.2, 0.3);
        Assert.Equal(values, g!.ToArray<float>());
        Assert.Throws<ArgumentException>(() => new Dropout(1.0));
        Assert.Empty(dropout.Variables);
    }

    [Fact]
    public void BatchNormalization_TracksTwoTrainableTwoNonTrainable_AndUpdatesMovingStatsOnlyInTraining()
    {
        Backend.ClearSession();
        var bn = new BatchNormalization(momentum: 0.9, inputShape: [2]);
        Assert.Equal(["batch_normalization/gamma:0", "batch_normalization/beta:0"], bn.TrainableVariables.Select(v => v.Name));
        Assert.Equal(["batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"], bn.NonTrainableVariables.Select(v => v.Name));
        Assert.Equal(4, bn.GetWeights().Length);

        Tensor x = Tf.Constant(new float[,] { { 1, 10 }, { 3, 20 }, { 5, 30 } });
        Tensor inference = bn.Apply(x);
        double scale = 1 / Math.Sqrt(1 + 1e-3);
        Assert.Equal(1 * scale, inference.ToArray<float>()[0], 1e-5);
        Assert.Equal([0f, 0f], bn.MovingMean!.ToArray<float>());

        float[] train = bn.Apply(x, training: true).ToArray<float>();
        // Batch mean (3, 20), biased variance (8/3, 200/3): x[0, 0] normalizes to (1 - 3) / sqrt(8/3 + eps).
        double v0 = 8.0 / 3;
        Assert.Equal(-2 / Math.Sqrt(v0 + 1e-3), train[0], 1e-4);
        Assert.Equal(0, train[2], 1e-5);
        Assert.Equal([0.3f, 2f], bn.MovingMean!.ToArray<float>());
        Assert.Equal(0.9 + (0.1 * v0), bn.MovingVariance!.ToArray<float>()[0], 1e-5);

        // Frozen: inference mode even when training, and no updates.
        bn.Trainable = false;
        Assert.Empty(bn.TrainableVariables);
        Assert.Equal(4, bn.NonTrainableVariables.Count);
        bn.Apply(x, training: true);
        Assert.Equal([0.3f, 2f], bn.MovingMean!.ToArray<float>());
    }

    [Fact]
    public void LayerNormalization_NormalizesEachSample_SameInTrainingAndInference()
    {
        var ln = new LayerNormalization(inputShape: [4]);
        Tensor x = Tf.Constant(new float[,] { { 1, 2, 3, 4 }, { -5, 0, 5, 10 } });
        float[] a = ln.Apply(x).ToArray<float>();
        Assert.Equal(a, ln.Apply(x, training: true).ToArray<float>());
        Assert.Equal(-1.5 / Math.Sqrt(1.25 + 1e-3), a[0], 1e-5);
        Assert.Equal(2, ln.TrainableVariables.Count);
        Assert.Empty(ln.NonTrainableVariables);
    }

    [Fact]
    public void EmbeddingConvAndPools_TrackWeights_AndSequentialTrainsThroughAllOfThem()
    {
        Backend.ClearSession();
        var emb = new Embedding(10, 4, inputShape: [3]);
        Assert.Equal("embedding/embeddings:0", emb.Variables[0].Name);
        Tensor e = emb.Apply(Tf.Constant(new[,] { { 1, 2, 1 } }));
        Assert.Equal(e.ToArray<float>()[..4], e.ToArray<float>()[8..12]);

        var model = new Sequential(
            new Conv2D(4, 3, padding: "same", activation: "relu", inputShape: [8, 8, 1]),
            new BatchNormalization(),
            new MaxPooling2D(),
            new Conv2D(6, [2, 2], useBias: false),
            new AveragePooling2D(padding: "same"),
            new GlobalAveragePooling2D(),
            new Dropout(0.1),
            new Dense(3));
        Assert.Equal(["conv2d/kernel:0", "conv2d/bias:0", "batch_normalization/gamma:0", "batch_normalization/beta:0", "conv2d_1/kernel:0", "dense/kernel:0", "dense/bias:0"],
            model.TrainableVariables.Select(v => v.Name));
        Assert.Equal(new Shape(3, 3, 1, 4), model.TrainableVariables[0].Shape);
        Assert.Equal(2, model.NonTrainableVariables.Count);
        Tensor x = Tf.Random.Normal([5, 8, 8, 1], seed: 1);
        Tensor?[] grads;
        using (var tape = new GradientTape())
        {
            Tensor y = model.Apply(x, training: true);
            Assert.Equal(new Shape(5, 3), y.Shape);
            grads = tape.Gradient(Tf.ReduceSum(Tf.Square(y)), [.. model.TrainableVariables]);
        }

        Assert.All(grads, g => Assert.NotNull(g));
        Assert.Throws<ArgumentException>(() => new Conv2D(2, 3, padding: "full"));
        Assert.Throws<ArgumentException>(() => new MaxPooling2D([0]));
        var ex = Assert.Throws<ArgumentException>(() => model.Layers[0].Apply(Tf.Zeros([1, 8, 8, 2])));
        Assert.Contains("Conv2D conv2d", ex.Message, StringComparison.Ordinal);
    }
}
