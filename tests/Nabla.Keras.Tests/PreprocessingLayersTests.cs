namespace Nabla.Keras.Tests;

/// <summary>Normalization (with Adapt), Rescaling, GaussianNoise, Dropout's noise shape and the spatial dropouts.</summary>
public class PreprocessingLayersTests
{
    [Fact]
    public void Normalization_KerasDocumentationExamples()
    {
        var overall = new Normalization(axis: null);
        overall.Adapt(Tf.Constant(new float[] { 1, 2, 3, 4, 5 }));
        Assert.Equal([-1.4142135, -0.70710677, 0], Doubles(overall.Apply(Tf.Constant(new float[] { 1, 2, 3 }))), new DoubleTolerance(1e-6));

        Tensor adaptData = Tf.Constant(new float[,] { { 0, 7, 4 }, { 2, 9, 6 }, { 0, 7, 4 }, { 2, 9, 6 } });
        var perFeature = new Normalization(axis: -1);
        perFeature.Adapt(adaptData);
        Assert.Equal([-1f, -1, -1], perFeature.Apply(Tf.Constant(new float[,] { { 0, 7, 4 } })).ToArray<float>());

        var given = new Normalization(mean: 3.0, variance: 2.0);
        Assert.Equal([-1.4142135, -0.70710677, 0], Doubles(given.Apply(Tf.Constant(new float[,] { { 1 }, { 2 }, { 3 } }))), new DoubleTolerance(1e-6));
        Assert.Empty(given.Variables);

        var inverse = new Normalization(axis: -1, invert: true);
        inverse.Adapt(adaptData);
        Assert.Equal([2f, 10, 8], inverse.Apply(Tf.Constant(new float[,] { { 1, 2, 3 } })).ToArray<float>());
    }

    [Fact]
    public void Normalization_Weights_AreKeras3sNonTrainableMeanVarianceCount()
    {
        Backend.ClearSession();
        var layer = new Normalization();
        layer.Adapt(Tf.Constant(new float[,] { { 0, 7, 4 }, { 2, 9, 6 } }));
        Assert.Equal(["normalization/mean:0 (3,) float32", "normalization/variance:0 (3,) float32", "normalization/count:0 () int64"],
            layer.Variables.Select(v => $"{v.Name} {v.Shape} {v.DType}"));
        Assert.Empty(layer.TrainableVariables);
        Assert.Equal([1f, 8, 5], layer.Variables[0].ToArray<float>());
        Assert.Equal([1f, 1, 1], layer.Variables[1].ToArray<float>());
        Assert.Equal(new Shape(1, 3), layer.Mean!.Shape);
    }

    [Fact]
    public void Normalization_SeveralKeptAxes_MatchFloat64Statistics_AndBatchedAdaptMatchesWhole()
    {
        // (n, 3, 2) with axes (1, 2): one mean and variance per (row, feature), over the batch.
        var random = new Random(5);
        double[] data = [.. Enumerable.Range(0, 7 * 6).Select(_ => (random.NextDouble() * 10) - 3)];
        Tensor x = Tf.Constant(data, [7, 3, 2]);
        var layer = new Normalization(axes: [1, -1], dtype: DType.Float64);
        layer.Adapt(x);
        var expected = new double[data.Length];
        for (int k = 0; k < 6; k++)
        {
            double[] column = [.. Enumerable.Range(0, 7).Select(n => data[(n * 6) + k])];
            double mean = column.Average(), variance = column.Select(v => (v - mean) * (v - mean)).Average();
            for (int n = 0; n < 7; n++)
            {
                expected[(n * 6) + k] = (data[(n * 6) + k] - mean) / Math.Sqrt(variance);
            }
        }

        Assert.Equal(expected, layer.Apply(x).ToArray<double>(), new DoubleTolerance(1e-12));

        var batched = new Normalization(axes: [1, 2], dtype: DType.Float64);
        batched.Adapt([Tf.Slice(x, [0, 0, 0], [3, 3, 2]), Tf.Slice(x, [3, 0, 0], [1, 3, 2]), Tf.Slice(x, [4, 0, 0], [3, 3, 2])]);
        Assert.Equal(layer.Variables[0].ToArray<double>(), batched.Variables[0].ToArray<double>(), new DoubleTolerance(1e-12));
        Assert.Equal(layer.Variables[1].ToArray<double>(), batched.Variables[1].ToArray<double>(), new DoubleTolerance(1e-12));
        LayerGradientCheck.Check(layer, x, what: "normalization");
    }

    [Fact]
    public void Normalization_GivenPerFeatureMean_BroadcastsOverKeptAxis_AndZeroVarianceDividesByEpsilon()
    {
        var layer = new Normalization(mean: new double[] { 1, 2, 3 }, variance: new double[] { 4, 0, 1 });
        // 2 + 2⁻¹⁰ is exact in float32: a zero variance divides its distance to the mean by ε = 1e-7.
        float[] y = layer.Apply(Tf.Constant(new float[,] { { 3, 2, 5 }, { 1, 2.0009765625f, 3 } })).ToArray<float>();
        Assert.Equal([1, 0, 2, 0, 0, 0], y.Select((v, i) => i == 4 ? 0 : (double)v), new DoubleTolerance(1e-6));
        Assert.Equal(0.0009765625 / Normalization.Epsilon, y[4], 9765.625 * 1e-6);
    }

    public static TheoryData<string, string> NormalizationErrors => new()
    {
        { "mean only", "When setting values directly, both `mean` and `variance` must be set" },
        { "shapes differ", "`mean` and `variance` must have the same shape. Received: mean shape (3,) and variance shape (2,)" },
        { "mean rank", "The rank of `mean` must be less than or equal to the number of axes (1). Received: mean shape (2, 3) for axis (-1,)" },
        { "axis range", "All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim=2, while axis=(2,)" },
        { "adapt shape", "The layer was built with input_shape=(4, 3), but adapt() is being called with data with an incompatible shape, data.shape=(4, 2)" },
        { "empty batches", "adapt() received an empty iterable" },
        { "call shape", "normalization: expected inputs of rank 2 with kept axes (1,) as in (4, 3), got shape (2, 4)" },
    };

    [Theory]
    [MemberData(nameof(NormalizationErrors))]
    public void Normalization_BadArguments_ThrowKerasMessages(string name, string fragment)
    {
        Backend.ClearSession();
        Tensor data = Tf.Zeros([4, 3]);
        Action action = name switch
        {
            "mean only" => () => _ = new Normalization(mean: 1.0),
            "shapes differ" => () => _ = new Normalization(mean: new double[] { 1, 2, 3 }, variance: new double[] { 1, 2 }),
            "mean rank" => () => _ = new Normalization(mean: Tf.Zeros([2, 3]), variance: Tf.Ones([2, 3])),
            "axis range" => () => new Normalization(axis: 2).Adapt(data),
            "adapt shape" => () => AdaptTwice(data, Tf.Zeros([4, 2])),
            "empty batches" => () => new Normalization().Adapt(Array.Empty<Tensor>()),
            _ => () => Adapted(data).Apply(Tf.Zeros([2, 4])),
        };
        var ex = Assert.Throws<ArgumentException>(action);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);

        static void AdaptTwice(Tensor first, Tensor second) => Adapted(first).Adapt(second);

        static Normalization Adapted(Tensor data)
        {
            var layer = new Normalization();
            layer.Adapt(data);
            return layer;
        }
    }

    [Fact]
    public void Rescaling_ScalesCastsAndBroadcastsPerChannel()
    {
        Tensor pixels = Tf.Constant(new[] { 0, 51, 255, 127 }, [1, 2, 2]);
        Tensor unit = new Rescaling(1 / 255.0).Apply(pixels);
        Assert.Equal(DType.Float32, unit.DType);
        Assert.Equal([0, 0.2, 1, 127 / 255.0], Doubles(unit), new DoubleTolerance(1e-6));
        Assert.Equal([-1, 51 / 127.5 - 1, 1, 127 / 127.5 - 1], Doubles(new Rescaling(1 / 127.5, -1).Apply(pixels)), new DoubleTolerance(1e-6));
        Tensor perChannel = new Rescaling(new double[] { 2, 10 }, new double[] { 0, 1 }, dtype: DType.Float64).Apply(pixels);
        Assert.Equal([0.0, 511, 510, 1271], perChannel.ToArray<double>());
        LayerGradientCheck.Check(new Rescaling(new double[] { 2, -3 }, 0.5, dtype: DType.Float64), Tf.Constant(new double[] { 1, 2, 3, 4 }, [2, 2]), what: "rescaling");
        var ex = Assert.Throws<ArgumentException>(() => new Rescaling(new double[] { 1, 2, 3 }).Apply(pixels));
        Assert.Contains("Rescaling rescaling", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GaussianNoise_AddsNoiseOfStddevInTrainingOnly()
    {
        Backend.ClearSession();
        var layer = new GaussianNoise(0.3, seed: 4, dtype: DType.Float64);
        Tensor x = Tf.Fill([200, 500], 2.0);
        Assert.Same(x, layer.Apply(x));
        double[] noise = [.. Doubles(layer.Apply(x, training: true)).Select(v => v - 2)];
        double mean = noise.Average(), std = Math.Sqrt(noise.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.005, 0.005);
        Assert.InRange(std, 0.29, 0.31);
        Tensor? g;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            g = tape.Gradient(Tf.ReduceSum(layer.Apply(x, training: true) * 3.0), x);
        }

        Assert.All(g!.ToArray<double>(), v => Assert.Equal(3, v));
        var ex = Assert.Throws<ArgumentException>(() => new GaussianNoise(2));
        Assert.Contains("Invalid value received for argument `stddev`. Expected a float value between 0 and 1. Received: stddev=2", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SpatialDropout_DropsWholeChannels_InTrainingOnly(int spatialRank)
    {
        Backend.ClearSession();
        Dropout layer = spatialRank == 1 ? new SpatialDropout1D(0.3, seed: 6) : new SpatialDropout2D(0.3, seed: 6);
        int[] shape = spatialRank == 1 ? [40, 6, 25] : [40, 2, 3, 25];
        Tensor x = Tf.Ones(shape);
        Assert.Same(x, layer.Apply(x));
        float[] y = layer.Apply(x, training: true).ToArray<float>();
        int positions = 6, dropped = 0;
        for (int n = 0; n < 40; n++)
        {
            for (int c = 0; c < 25; c++)
            {
                float first = y[(n * positions * 25) + c];
                Assert.True(first == 0 || Math.Abs(first - (1 / 0.7f)) < 1e-5);
                Assert.All(Enumerable.Range(1, positions - 1), p => Assert.Equal(first, y[(n * positions * 25) + (p * 25) + c]));
                dropped += first == 0 ? 1 : 0;
            }
        }

        Assert.InRange(dropped / 1000.0, 0.25, 0.35);
        Assert.StartsWith(spatialRank == 1 ? "spatial_dropout1d" : "spatial_dropout2d", layer.Name, StringComparison.Ordinal);
        var ex = Assert.Throws<ArgumentException>(() => layer.Apply(Tf.Ones([4, 5])));
        Assert.Contains($"inputs must be rank {spatialRank + 2}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropout_NoiseShape_NullTakesTheInputsSize()
    {
        var layer = new Dropout(0.5, seed: 3, noiseShape: [null, 1]);
        float[] y = layer.Apply(Tf.Ones([30, 4]), training: true).ToArray<float>();
        for (int n = 0; n < 30; n++)
        {
            Assert.All(Enumerable.Range(1, 3), c => Assert.Equal(y[n * 4], y[(n * 4) + c]));
        }

        Assert.Contains(y, v => v == 0);
        Assert.Contains(y, v => v == 2);
        Assert.Throws<ArgumentException>(() => layer.Apply(Tf.Ones([30, 4, 2]), training: true));
    }

    private static double[] Doubles(Tensor t) => Tf.Cast(t, DType.Float64).ToArray<double>();
}
