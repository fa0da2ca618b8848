using Nabla.Data;
using Nabla.Keras.Callbacks;
using Nabla.Keras.Initializers;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests;

/// <summary><c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> on <see cref="Dataset{T}"/> pipelines.</summary>
public class DatasetFitTests
{
    // 60 points of a noisy plane y = 3·x0 - 2·x1 + 0.5 (a regression that SGD fits in a few epochs).
    private static (Tensor X, Tensor Y) Plane(int n = 60, int seed = 5)
    {
        var random = new Random(seed);
        var x = new float[n, 2];
        var y = new float[n, 1];
        for (int i = 0; i < n; i++)
        {
            x[i, 0] = (float)((random.NextDouble() * 2) - 1);
            x[i, 1] = (float)((random.NextDouble() * 2) - 1);
            y[i, 0] = (3 * x[i, 0]) - (2 * x[i, 1]) + 0.5f + (float)(0.01 * (random.NextDouble() - 0.5));
        }

        return (Tf.Constant(x), Tf.Constant(y));
    }

    // Seeded initializers draw new values on every call (TensorFlow's rule), so a twin copies the weights of the model given.
    private static Sequential Regressor(Model? sameWeightsAs = null)
    {
        var model = new Sequential(
            new Dense(8, activation: "tanh", inputShape: [2], kernelInitializer: new GlorotUniform(seed: 1)),
            new Dense(1, kernelInitializer: new GlorotUniform(seed: 2)));
        model.Compile(new Adam(0.02), new MeanSquaredError(), ["mae"]);
        if (sameWeightsAs is not null)
        {
            model.SetWeights(sameWeightsAs.GetWeights());
        }

        return model;
    }

    private static float[][] Weights(Model model) => [.. model.Variables.Select(v => v.ToArray<float>())];

    [Fact]
    public void Fit_Dataset_GivesTheSameWeightsAndHistoryAsFitOnTensors()
    {
        (Tensor x, Tensor y) = Plane();
        Sequential onTensors = Regressor();
        Sequential onDataset = Regressor(sameWeightsAs: onTensors);
        History expected = onTensors.Fit(x, y, epochs: 4, batchSize: 16, verbose: 0, shuffle: false, validationData: (x[..20], y[..20]));

        Dataset<(Tensor, Tensor)> train = Dataset.FromTensorSlices(x, y).Batch(16);
        Dataset<(Tensor, Tensor)> validation = Dataset.FromTensorSlices(x[..20], y[..20]).Batch(16);
        History history = onDataset.Fit(train, epochs: 4, verbose: 0, validationData: validation);

        Assert.Equal(Weights(onTensors), Weights(onDataset));   // bitwise: the same batches in the same order
        Assert.Equal(expected.Keys, history.Keys);
        foreach (string key in expected.Keys)
        {
            Assert.Equal(expected[key], history[key]);
        }
    }

    [Fact]
    public void Fit_PrefetchedParallelPipeline_TrainsExactlyLikeThePlainOne()
    {
        (Tensor x, Tensor y) = Plane();
        Sequential plain = Regressor();
        Sequential piped = Regressor(sameWeightsAs: plain);
        Dataset<(Tensor, Tensor)> all = Dataset.FromTensorSlices(x, y).Batch(60);
        double before = plain.Evaluate(all, verbose: 0).Loss;
        plain.Fit(Dataset.FromTensorSlices(x, y).Shuffle(60, seed: 4).Batch(10), epochs: 8, verbose: 0);
        Dataset<(Tensor, Tensor)> pipeline = Dataset.FromTensorSlices(x, y).Shuffle(60, seed: 4)
            .Map(p => (p.Item1 * 1f, p.Item2), numParallelCalls: 3).Batch(10).Prefetch(2);
        piped.Fit(pipeline, epochs: 8, verbose: 0);
        Assert.Equal(Weights(plain), Weights(piped));
        Assert.True(piped.Evaluate(all, verbose: 0).Loss < before / 4, $"loss {before} -> {piped.Evaluate(all, verbose: 0).Loss}");
    }

    [Fact]
    public void Fit_PrefetchPreparesTheNextBatchDuringTheTrainingStep()
    {
        (Tensor x, Tensor y) = Plane(40);
        using var secondBatchRequested = new ManualResetEventSlim();
        IEnumerable<(Tensor, Tensor)> Batches()
        {
            yield return (x[..20], y[..20]);
            secondBatchRequested.Set();
            yield return (x[20..], y[20..]);
        }

        var waits = new StepProbe(secondBatchRequested);
        Regressor().Fit(Dataset.FromGenerator(Batches).Prefetch(1), epochs: 1, verbose: 0, callbacks: [waits]);
        Assert.True(waits.SawOverlap, "the second batch was not requested while the first was being trained on");
    }

    [Fact]
    public void Fit_FaultingMap_SurfacesTheElementIndexAndReleasesThePipeline()
    {
        (Tensor x, Tensor y) = Plane();
        bool sourceClosed = false;
        IEnumerable<(Tensor, Tensor)> Rows()
        {
            try
            {
                foreach ((Tensor, Tensor) row in Dataset.FromTensorSlices(x, y))
                {
                    yield return row;
                }
            }
            finally
            {
                sourceClosed = true;
            }
        }

        Dataset<(Tensor, Tensor)> ds = Dataset.FromGenerator(Rows)
            .Map(p => p.Item1[0].Item<float>() > 0.9f ? throw new InvalidDataException("sensor glitch") : p, numParallelCalls: 2)
            .Batch(8).Prefetch(1);
        var e = Assert.Throws<DatasetFunctionException>(() => Regressor().Fit(ds, epochs: 2, verbose: 0));
        float[] firstColumn = x[.., 0].ToArray<float>();
        Assert.Equal(Array.FindIndex(firstColumn, v => v > 0.9f), e.ElementIndex);
        Assert.IsType<InvalidDataException>(e.InnerException);
        Assert.True(sourceClosed);   // Fit disposed the pipeline, which closed its source before Fit returned
    }

    [Fact]
    public void Fit_StepsPerEpoch_ContinuesOneIterationAcrossEpochs()
    {
        (Tensor x, Tensor y) = Plane(40);
        var seen = new List<long>();
        Dataset<(Tensor, Tensor)> endless = Dataset.FromTensorSlices(x, y).Repeat().Enumerate()
            .Map(p => { seen.Add(p.Index); return p.Element; }).Batch(4);
        Assert.Equal(Dataset.InfiniteCardinality, endless.Cardinality());
        Sequential model = Regressor();
        Assert.Throws<ArgumentException>(() => model.Fit(endless, verbose: 0));
        History history = model.Fit(endless, epochs: 3, stepsPerEpoch: 5, verbose: 0);
        Assert.Equal(3, history.Loss.Count);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), seen);   // epochs 2 and 3 go on where the last stopped
    }

    [Fact]
    public void Fit_InputRunsOut_StopsAfterThatEpochWithKerasWarning()
    {
        (Tensor x, Tensor y) = Plane(40);
        var output = new StringWriter();
        History history = Regressor().Fit(Dataset.FromTensorSlices(x, y).Batch(8), epochs: 5, stepsPerEpoch: 2, verbose: 2, output: output);
        Assert.Equal(3, history.Loss.Count);   // 5 batches: 2 + 2 + 1, then the input ran out
        Assert.Contains("Your input ran out of data; interrupting training.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_UnknownLength_PrintsUnknownSteps_AndRejectsAnEmptyDataset()
    {
        (Tensor x, Tensor y) = Plane(40);
        Dataset<(Tensor, Tensor)> filtered = Dataset.FromTensorSlices(x, y).Filter(p => p.Item2.Item<float>() > 0).Batch(8);
        Assert.Equal(Dataset.UnknownCardinality, filtered.Cardinality());
        var output = new StringWriter();
        var recorder = new ParamsRecorder();
        Regressor().Fit(filtered, epochs: 2, verbose: 1, output: output, interactive: true, callbacks: [recorder]);
        int batches = filtered.Count();
        string[] epochs = output.ToString().Split("Epoch 2/2");
        Assert.Contains("      1/Unknown", epochs[0], StringComparison.Ordinal);   // Keras's count while the length is unknown
        Assert.Contains($"{batches}/{batches} [", epochs[0], StringComparison.Ordinal);   // the first epoch's end learns it
        Assert.DoesNotContain("Unknown", epochs[1], StringComparison.Ordinal);
        Assert.Null(recorder.Params!.Steps);

        Dataset<(Tensor, Tensor)> empty = Dataset.FromTensorSlices(x, y).Filter(_ => false).Batch(8);
        Assert.Throws<InvalidOperationException>(() => Regressor().Fit(empty, verbose: 0));
        Assert.Throws<InvalidOperationException>(() => Regressor().Evaluate(empty, verbose: 0));
    }

    [Fact]
    public void EvaluateAndPredict_Dataset_MatchTheTensorOverloads()
    {
        (Tensor x, Tensor y) = Plane();
        Sequential model = Regressor();
        model.Fit(x, y, epochs: 2, batchSize: 16, verbose: 0, shuffle: false);
        Dataset<(Tensor, Tensor)> batches = Dataset.FromTensorSlices(x, y).Batch(16);
        Assert.Equal(model.EvaluateMetrics(x, y, batchSize: 16), model.EvaluateMetrics(batches));
        Assert.Equal(model.Evaluate(x[..32], y[..32], batchSize: 16, verbose: 0).Loss, model.Evaluate(batches, steps: 2, verbose: 0).Loss);
        Assert.Equal(model.Predict(x, batchSize: 16).ToArray<float>(), model.Predict(batches).ToArray<float>());
        Assert.Equal(model.Predict(x[..16]).ToArray<float>(), model.Predict(Dataset.FromTensorSlices(x).Batch(16).Repeat(), steps: 1).ToArray<float>());
        Assert.Throws<ArgumentException>(() => model.Predict(Dataset.FromTensorSlices(x).Batch(16).Repeat()));
        Assert.Throws<ArgumentException>(() => model.Evaluate(batches, steps: 0, verbose: 0));
    }

    [Fact]
    public void Fit_ShuffledDataset_DrawsANewOrderEachEpoch_ReproduciblyFromItsSeed()
    {
        (Tensor x, Tensor y) = Plane(24);
        List<long> Orders(Model model, out History history)
        {
            var seen = new List<long>();
            Dataset<(Tensor, Tensor)> ds = Dataset.FromTensorSlices(x, y).Enumerate().Shuffle(24, seed: 9)
                .Map(p => { seen.Add(p.Index); return p.Element; }).Batch(5);
            history = model.Fit(ds, epochs: 3, verbose: 0);
            return seen;
        }

        Sequential model = Regressor();
        Sequential twin = Regressor(sameWeightsAs: model);
        List<long> first = Orders(model, out History firstHistory);
        List<long> again = Orders(twin, out History againHistory);
        Assert.Equal(72, first.Count);
        long[][] epochs = [.. first.Chunk(24).Select(e => e.ToArray())];
        Assert.All(epochs, e => Assert.Equal(Enumerable.Range(0, 24).Select(i => (long)i), e.Order()));
        Assert.NotEqual(epochs[0], epochs[1]);
        Assert.NotEqual(epochs[1], epochs[2]);
        Assert.Equal(first, again);   // the same seed gives the same sequence of orders, hence the same training
        Assert.Equal(firstHistory.Loss, againHistory.Loss);
    }

    [Fact]
    public void Fit_FaultingValidationMap_SurfacesItsElementIndexAfterTheFirstEpochTrained()
    {
        (Tensor x, Tensor y) = Plane(40);
        Dataset<(Tensor, Tensor)> validation = Dataset.FromTensorSlices(x, y).Enumerate()
            .Map(p => p.Index == 13 ? throw new FormatException("bad label") : p.Element).Batch(8);
        var epochsEnded = new EpochCounter();
        var e = Assert.Throws<DatasetFunctionException>(() =>
            Regressor().Fit(Dataset.FromTensorSlices(x, y).Batch(8), epochs: 3, verbose: 0, validationData: validation, callbacks: [epochsEnded]));
        Assert.Equal(13, e.ElementIndex);
        Assert.IsType<FormatException>(e.InnerException);
        Assert.Equal(0, epochsEnded.Count);   // the validation pass belongs to epoch 1, which never ended
        var p = Assert.Throws<DatasetFunctionException>(() => Regressor().Predict(validation));
        Assert.Equal(13, p.ElementIndex);
    }

    private sealed class EpochCounter : Callback
    {
        public int Count { get; private set; }

        public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => Count++;
    }

    private sealed class StepProbe(ManualResetEventSlim secondBatchRequested) : Callback
    {
        public bool SawOverlap { get; private set; }

        public override void OnBatchEnd(int batch, IDictionary<string, double> logs)
        {
            if (batch == 0)
            {
                // Still inside step 0's callbacks: only a background producer can have asked for batch 1.
                SawOverlap = secondBatchRequested.Wait(TimeSpan.FromSeconds(20));
            }
        }
    }

    private sealed class ParamsRecorder : Callback
    {
    }
}
