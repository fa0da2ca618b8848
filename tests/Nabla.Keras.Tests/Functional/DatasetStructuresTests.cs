using Nabla.Data;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests.Functional;

/// <summary>
/// <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> on datasets of several inputs and outputs, as Keras's
/// <c>model.fit(tf.data.Dataset.from_tensor_slices(({"a": xa, "b": xb}, y)).batch(8))</c>: dictionaries by input (and
/// output) name, lists and tuples of tensors train a two-input functional model exactly as <c>Fit</c> on the same
/// in-memory tensors (same batches, same order: the same weights and history, bit for bit).
/// </summary>
public class DatasetStructuresTests
{
    private const int Samples = 40, BatchSize = 8;

    // a (3 features) and b (2 features) concatenated, then a hidden layer; one regression output, or a second
    // classification head ("digit", 3 classes) beside it.
    private static Model TwoInputs(int seed, bool twoOutputs = false)
    {
        Tf.Random.SetSeed(seed);
        Tensor a = Keras.Input(shape: [3], name: "a");
        Tensor b = Keras.Input(shape: [2], name: "b");
        Tensor hidden = new Dense(5, activation: "tanh").Apply(new Concatenate().Apply([a, b]));
        Tensor value = new Dense(1, name: "value").Apply(hidden);
        var model = twoOutputs ? new Model([a, b], [value, new Dense(3, name: "digit").Apply(hidden)]) : new Model([a, b], [value]);
        if (twoOutputs)
        {
            model.Compile(new Adam(0.01), [new MeanSquaredError(), new SparseCategoricalCrossentropy(fromLogits: true)],
                [new object[] { "mae" }, new object[] { "accuracy" }], lossWeights: [1, 0.5]);
        }
        else
        {
            model.Compile(new Adam(0.01), new MeanSquaredError(), ["mae"]);
        }

        return model;
    }

    private static (Tensor A, Tensor B, Tensor Value, Tensor Digit) Data(int seed = 7)
    {
        var random = new Random(seed);
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        Tensor a = Tf.Constant(Values(Samples * 3), new Shape(Samples, 3)), b = Tf.Constant(Values(Samples * 2), new Shape(Samples, 2));
        Tensor value = Tf.ReduceSum(a, 1, keepdims: true) - (2 * b[.., ..1]);
        Tensor digit = Tf.Constant(Enumerable.Range(0, Samples).Select(i => i % 3).ToArray(), new Shape(Samples));
        return (a, b, value, digit);
    }

    private static Dictionary<string, Tensor> Named(Tensor a, Tensor b) => new() { ["b"] = b, ["a"] = a };   // not in the model's order

    private static float[][] Weights(Model model) => [.. model.Variables.Select(v => v.ToArray<float>())];

    private static void AssertSameTraining(Model expectedModel, History expected, Model actualModel, History actual)
    {
        Assert.Equal(Weights(expectedModel), Weights(actualModel));
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (string key in expected.Keys)
        {
            Assert.Equal(expected[key], actual[key]);
        }
    }

    [Fact]
    public void Fit_DatasetOfDictionaries_TrainsExactlyAsFitOnTheArrays()
    {
        (Tensor a, Tensor b, Tensor value, _) = Data();
        Model onArrays = TwoInputs(1), onDataset = TwoInputs(1);
        Assert.Equal(Weights(onArrays), Weights(onDataset));
        History expected = onArrays.Fit([a, b], value, epochs: 3, batchSize: BatchSize, verbose: 0, shuffle: false,
            validationData: ([a[..16], b[..16]], value[..16]));

        Dataset<(Dictionary<string, Tensor>, Tensor)> train = Dataset.FromTensorSlices((Named(a, b), value)).Batch(BatchSize);
        Dataset<(Dictionary<string, Tensor>, Tensor)> validation = Dataset.FromTensorSlices((Named(a[..16], b[..16]), value[..16])).Batch(BatchSize);
        History history = onDataset.Fit(train, epochs: 3, verbose: 0, validationData: validation);
        AssertSameTraining(onArrays, expected, onDataset, history);
        Assert.Contains("val_mae", history.Keys);
        Assert.True(history.Loss[^1] < history.Loss[0], $"loss {history.Loss[0]} -> {history.Loss[^1]}");
    }

    [Fact]
    public void Fit_DatasetsOfTuplesAndLists_TrainExactlyAsFitOnTheArrays()
    {
        (Tensor a, Tensor b, Tensor value, _) = Data(8);
        Model onArrays = TwoInputs(2), onTuples = TwoInputs(2), onLists = TwoInputs(2);
        History expected = onArrays.Fit([a, b], value, epochs: 2, batchSize: BatchSize, verbose: 0, shuffle: false);

        // tf.data's nested tuples ((xa, xb), y), and lists of tensors as Tensor[].
        History tuples = onTuples.Fit(Dataset.FromTensorSlices(((a, b), value)).Batch(BatchSize), epochs: 2, verbose: 0);
        Dataset<(Tensor[], Tensor)> lists = Dataset.FromTensorSlices((new[] { a, b }, value)).Batch(BatchSize);
        History listed = onLists.Fit(lists, epochs: 2, verbose: 0);
        AssertSameTraining(onArrays, expected, onTuples, tuples);
        AssertSameTraining(onArrays, expected, onLists, listed);
    }

    [Fact]
    public void Fit_TwoOutputsWithTargetsByName_TrainsAsTheListsAndNamesTheHistoryAsKeras()
    {
        (Tensor a, Tensor b, Tensor value, Tensor digit) = Data(9);
        Model onArrays = TwoInputs(3, twoOutputs: true), onDataset = TwoInputs(3, twoOutputs: true);
        History expected = onArrays.Fit([a, b], [value, digit], epochs: 2, batchSize: BatchSize, verbose: 0, shuffle: false);

        var targets = new Dictionary<string, Tensor> { ["digit"] = digit, ["value"] = value };
        History history = onDataset.Fit(Dataset.FromTensorSlices((Named(a, b), targets)).Batch(BatchSize), epochs: 2, verbose: 0);
        AssertSameTraining(onArrays, expected, onDataset, history);
        Assert.Equal(["loss", "value_loss", "digit_loss", "value_mae", "digit_accuracy"], history.Keys);
    }

    [Fact]
    public void EvaluateAndPredict_OnDatasets_EqualTheArrayVersions()
    {
        (Tensor a, Tensor b, Tensor value, Tensor digit) = Data(10);
        Model model = TwoInputs(4, twoOutputs: true);
        EvaluationResult expected = model.Evaluate([a, b], [value, digit], batchSize: BatchSize, verbose: 0);
        var targets = new Dictionary<string, Tensor> { ["value"] = value, ["digit"] = digit };
        Dataset<(Dictionary<string, Tensor>, Dictionary<string, Tensor>)> batches = Dataset.FromTensorSlices((Named(a, b), targets)).Batch(BatchSize);
        Dictionary<string, double> actual = model.EvaluateMetrics(batches);
        Assert.Equal(expected.Names, actual.Keys);
        foreach (string key in expected.Names)
        {
            Assert.Equal(expected[key], actual[key], 12);
        }

        Assert.Equal(actual["loss"], model.Evaluate(batches, verbose: 0).Loss, 12);

        Tensor[] predicted = model.Predict([a, b], batchSize: BatchSize);
        Tensor[] fromPairs = model.Predict(batches);
        Tensor[] fromInputs = model.Predict(Dataset.FromTensorSlices(Named(a, b)).Batch(BatchSize));
        Tensor[] fromLists = model.Predict(Dataset.FromTensorSlices(a, b).Batch(BatchSize).Map(p => new[] { p.Item1, p.Item2 }));
        foreach (Tensor[] other in new[] { fromPairs, fromInputs, fromLists })
        {
            Assert.Equal(2, other.Length);
            Assert.Equal([Samples, 1], other[0].Shape.ToArray());
            Assert.Equal(predicted[0].ToArray<float>(), other[0].ToArray<float>());
            Assert.Equal(predicted[1].ToArray<float>(), other[1].ToArray<float>());
        }
    }

    [Fact]
    public void Fit_CsvRecordsMappedToNamedInputs_ThroughABackgroundPipeline_TrainsAsTheArrays()
    {
        // A CSV of 40 records: a0..a2 and b0 in eighths (exact in float32), b1 an int8 column, the target.
        var random = new Random(11);
        float[,] a = new float[Samples, 3], b = new float[Samples, 2], value = new float[Samples, 1];
        var csv = new System.Text.StringBuilder("a0,a1,a2,b0,b1,value\n");
        for (int i = 0; i < Samples; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                a[i, j] = random.Next(-8, 9) / 8f;
            }

            b[i, 0] = random.Next(-8, 9) / 8f;
            b[i, 1] = random.Next(-5, 6);
            value[i, 0] = a[i, 0] + a[i, 1] - (2 * b[i, 0]) + (b[i, 1] / 4);
            csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"{a[i, 0]},{a[i, 1]},{a[i, 2]},{b[i, 0]},{(sbyte)b[i, 1]},{value[i, 0]:R}\n");
        }

        CsvColumn[] types = [CsvColumn.Float32, CsvColumn.Float32, CsvColumn.Float32, CsvColumn.Float32, CsvColumn.Int8, CsvColumn.Float32];
        Dataset<(Dictionary<string, Tensor>, Tensor)> records = Dataset.FromCsv(() => new StringReader(csv.ToString()), "table.csv", types)
            .Map(r => (new Dictionary<string, Tensor>
            {
                ["a"] = Tf.Stack([r["a0"], r["a1"], r["a2"]]),
                ["b"] = Tf.Stack([r["b0"], Tf.Cast(r["b1"], DType.Float32)]),
            }, Tf.Reshape(r["value"], [1])), numParallelCalls: 2);

        Model onArrays = TwoInputs(6), onCsv = TwoInputs(6);
        History expected = onArrays.Fit([Tf.Constant(a), Tf.Constant(b)], Tf.Constant(value), epochs: 2, batchSize: BatchSize, verbose: 0, shuffle: false);
        History history = onCsv.Fit(records.Batch(BatchSize).Prefetch(2), epochs: 2, verbose: 0);
        AssertSameTraining(onArrays, expected, onCsv, history);
    }

    [Fact]
    public void Fit_BadStructures_AreRefusedNamingWhatWasExpected()
    {
        (Tensor a, Tensor b, Tensor value, _) = Data();
        Model model = TwoInputs(5);
        var missing = Assert.Throws<ArgumentException>(() =>
            model.Fit(Dataset.FromTensorSlices((new Dictionary<string, Tensor> { ["a"] = a }, value)).Batch(BatchSize), verbose: 0));
        Assert.Contains("Missing data for input 'b'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("['a', 'b']", missing.Message, StringComparison.Ordinal);

        var unknown = Assert.Throws<ArgumentException>(() => model.Fit(
            Dataset.FromTensorSlices((new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = b }, value)).Batch(BatchSize), verbose: 0));
        Assert.Contains("no input named 'c'", unknown.Message, StringComparison.Ordinal);

        var type = Assert.Throws<NotSupportedException>(() => model.Fit(new Listed<(string, Tensor)>([("a", value)]), verbose: 0));
        Assert.Contains("String", type.Message, StringComparison.Ordinal);
        Assert.Contains("IReadOnlyDictionary<string, Tensor>", type.Message, StringComparison.Ordinal);

        var tuple = Assert.Throws<NotSupportedException>(() => model.Predict(new Listed<(Tensor, Tensor, Tensor, Tensor)>([(a, b, value, value)])));
        Assert.Contains("ambiguous", tuple.Message, StringComparison.Ordinal);

        // A triple is (inputs, targets, sample weights), as Keras reads it, never three inputs: here one input of two.
        var triple = Assert.Throws<ArgumentException>(() => model.Predict(new Listed<(Tensor, Tensor, Tensor)>([(a, b, value)])));
        Assert.Contains("expects 2 input(s) (a, b), but it received 1", triple.Message, StringComparison.Ordinal);

        var sequential = new Sequential(new Dense(1, inputShape: [3]));
        sequential.Compile(new SGD(0.1), new MeanSquaredError());
        var byName = Assert.Throws<ArgumentException>(() =>
            sequential.Fit(Dataset.FromTensorSlices((new Dictionary<string, Tensor> { ["x"] = a }, value)).Batch(BatchSize), verbose: 0));
        Assert.Contains("not a functional model", byName.Message, StringComparison.Ordinal);
    }

    /// <summary>A dataset of the given elements, of any type (to reach the structure checks).</summary>
    private sealed class Listed<T>(IReadOnlyList<T> items) : Dataset<T>
    {
        public override IEnumerator<T> GetEnumerator() => items.GetEnumerator();

        public override long Cardinality() => items.Count;
    }
}
