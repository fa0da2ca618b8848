using Nabla.Data;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;
using Nabla.Keras.Regularizers;

namespace Nabla.Keras.Tests.Functional;

/// <summary>
/// Models of several inputs and outputs train, evaluate and predict through traced steps unless compiled with
/// <c>runEagerly: true</c>: both ways give the same weights, history (total loss, each output's loss and metrics),
/// evaluation and predictions to float rounding, and the layers' C# code runs once per batch signature when traced
/// (the last, smaller batch traces once more), whatever form the batches come in (lists, dataset dictionaries).
/// </summary>
public class TracedOutputsStepsTests
{
    // 100 samples: three batches of 32 and a last one of 4, so the steps see two batch shapes.
    private const int Samples = 100, BatchSize = 32;

    private sealed class CountingLayer : Layer
    {
        public int Calls { get; private set; }

        public override Tensor Call(Tensor inputs, bool training = false)
        {
            Calls++;
            return inputs;
        }
    }

    public enum LossSetup
    {
        // Both outputs trained, the classifier's loss weighted by 0.5, metrics per output.
        Weighted,

        // Only the classifier has a loss (by name, weight 2): the value output is predicted but not trained.
        OneByName,
    }

    // a (3 features) and b (2 features) concatenated, a hidden layer with an L2 penalty, an identity layer that counts
    // its calls, then a regression output ("value") and a 3-class classifier ("digit").
    private static (Model Model, CountingLayer Counter) TwoInputsTwoOutputs(LossSetup losses, bool runEagerly)
    {
        Tf.Random.SetSeed(21);
        Tensor a = Keras.Input(shape: [3], name: "a");
        Tensor b = Keras.Input(shape: [2], name: "b");
        Tensor hidden = new Dense(8, activation: "tanh", kernelRegularizer: new L2(0.01)).Apply(new Concatenate().Apply([a, b]));
        var counter = new CountingLayer();
        hidden = counter.Apply(hidden);
        var model = new Model([a, b], [new Dense(1, name: "value").Apply(hidden), new Dense(3, name: "digit").Apply(hidden)]);
        if (losses == LossSetup.Weighted)
        {
            model.Compile(new Adam(0.01), [new MeanSquaredError(), new SparseCategoricalCrossentropy(fromLogits: true)],
                [new object[] { "mae", "mse" }, new object[] { "accuracy" }], lossWeights: [1, 0.5], runEagerly: runEagerly);
        }
        else
        {
            model.Compile(new SGD(0.1, momentum: 0.9), new Dictionary<string, Loss> { ["digit"] = new SparseCategoricalCrossentropy(fromLogits: true) },
                ["accuracy"], lossWeights: new Dictionary<string, double> { ["digit"] = 2 }, runEagerly: runEagerly);
        }

        return (model, counter);
    }

    private static (Tensor[] X, Tensor[] Y) Data(int seed = 5)
    {
        var random = new Random(seed);
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        Tensor a = Tf.Constant(Values(Samples * 3), new Shape(Samples, 3)), b = Tf.Constant(Values(Samples * 2), new Shape(Samples, 2));
        Tensor value = Tf.ReduceSum(a, 1, keepdims: true) - (2 * b[.., ..1]);
        Tensor digit = Tf.Cast(Tf.ArgMax(Tf.Concat([a[.., ..2], b[.., ..1]], 1), 1), DType.Int32);
        return ([a, b], [value, digit]);
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: eager {expected[i]}, traced {actual[i]}");
        }
    }

    [Theory]
    [InlineData(LossSetup.Weighted)]
    [InlineData(LossSetup.OneByName)]
    public void FitEvaluatePredict_TracedAndEager_AgreeToFloatRounding(LossSetup losses)
    {
        (Tensor[] x, Tensor[] y) = Data();
        (Tensor[] xVal, Tensor[] yVal) = Data(6);
        (Model eager, _) = TwoInputsTwoOutputs(losses, runEagerly: true);
        (Model traced, _) = TwoInputsTwoOutputs(losses, runEagerly: false);
        Assert.True(eager.RunEagerly);
        Assert.False(traced.RunEagerly);
        for (int i = 0; i < eager.Variables.Count; i++)
        {
            Assert.Equal(eager.Variables[i].ToArray<float>(), traced.Variables[i].ToArray<float>());
        }

        History expected = eager.Fit(x, y, epochs: 4, batchSize: BatchSize, verbose: 0, seed: 3, validationData: (xVal, yVal));
        History actual = traced.Fit(x, y, epochs: 4, batchSize: BatchSize, verbose: 0, seed: 3, validationData: (xVal, yVal));

        Assert.Equal(expected.Keys, actual.Keys);
        Assert.Contains(losses == LossSetup.Weighted ? "val_value_mae" : "val_digit_accuracy", actual.Keys);
        foreach (string key in expected.Keys)
        {
            for (int epoch = 0; epoch < 4; epoch++)
            {
                Assert.True(Math.Abs(expected[key][epoch] - actual[key][epoch]) <= 1e-5 * Math.Max(1, Math.Abs(expected[key][epoch])),
                    $"{key} in epoch {epoch}: eager {expected[key][epoch]}, traced {actual[key][epoch]}");
            }
        }

        Assert.True(actual.Loss[^1] < actual.Loss[0], $"the traced steps train: loss {actual.Loss[0]} -> {actual.Loss[^1]}");
        for (int i = 0; i < eager.Variables.Count; i++)
        {
            AssertClose(eager.Variables[i].ToArray<float>(), traced.Variables[i].ToArray<float>(), eager.Variables[i].Name);
        }

        Dictionary<string, double> evaluatedEagerly = eager.Evaluate(xVal, yVal, batchSize: BatchSize, verbose: 0).ToDictionary();
        Dictionary<string, double> evaluated = traced.Evaluate(xVal, yVal, batchSize: BatchSize, verbose: 0).ToDictionary();
        Assert.Equal(evaluatedEagerly.Keys, evaluated.Keys);
        foreach (string key in evaluated.Keys)
        {
            Assert.Equal(evaluatedEagerly[key], evaluated[key], 1e-5);
        }

        Tensor[] predictedEagerly = eager.Predict(xVal, batchSize: BatchSize);
        Tensor[] predicted = traced.Predict(xVal, batchSize: BatchSize);
        Assert.Equal(2, predicted.Length);
        for (int output = 0; output < 2; output++)
        {
            Assert.Equal(predictedEagerly[output].Shape, predicted[output].Shape);
            AssertClose(predictedEagerly[output].ToArray<float>(), predicted[output].ToArray<float>(), $"output {output}");
        }
    }

    [Fact]
    public void Steps_Traced_RunTheLayersCodeOncePerBatchSignature()
    {
        (Tensor[] x, Tensor[] y) = Data();
        (Model model, CountingLayer counter) = TwoInputsTwoOutputs(LossSetup.Weighted, runEagerly: false);
        int calls = counter.Calls;

        // 12 training steps in batches of 32 and 4: two traces.
        model.Fit(x, y, epochs: 3, batchSize: BatchSize, verbose: 0, shuffle: false);
        Assert.Equal(calls + 2, counter.Calls);

        // The same batches from a dataset of dictionaries by name are the same signatures: no new trace.
        var inputs = new Dictionary<string, Tensor> { ["b"] = x[1], ["a"] = x[0] };
        var targets = new Dictionary<string, Tensor> { ["digit"] = y[1], ["value"] = y[0] };
        Dataset<(Dictionary<string, Tensor>, Dictionary<string, Tensor>)> batches = Dataset.FromTensorSlices((inputs, targets)).Batch(BatchSize);
        model.Fit(batches, epochs: 2, verbose: 0);
        Assert.Equal(calls + 2, counter.Calls);

        // Evaluate and Predict trace their own steps once per batch shape, then reuse them, on arrays and datasets.
        model.Evaluate(x, y, batchSize: BatchSize, verbose: 0);
        model.Predict(x, batchSize: BatchSize);
        Assert.Equal(calls + 6, counter.Calls);
        model.EvaluateMetrics(batches);
        model.Predict(batches);
        model.Evaluate(x, y, batchSize: BatchSize, verbose: 0);
        Assert.Equal(calls + 6, counter.Calls);

        // A new batch size is a new signature: one more trace for Fit's batches of 50.
        model.Fit(x, y, epochs: 1, batchSize: 50, verbose: 0);
        Assert.Equal(calls + 7, counter.Calls);

        // Compiling again makes new graphs: traced once more for the batches of 50.
        model.Compile(new SGD(0.01), [new MeanSquaredError(), new SparseCategoricalCrossentropy(fromLogits: true)]);
        model.Fit(x, y, epochs: 2, batchSize: 50, verbose: 0);
        Assert.Equal(calls + 8, counter.Calls);
    }

    [Fact]
    public void TrainOnBatch_OnLists_TracedOncePerShape_AndAgreesWithEager()
    {
        (Tensor[] x, Tensor[] y) = Data();
        (Model eager, _) = TwoInputsTwoOutputs(LossSetup.Weighted, runEagerly: true);
        (Model traced, CountingLayer counter) = TwoInputsTwoOutputs(LossSetup.Weighted, runEagerly: false);
        int calls = counter.Calls;
        static Tensor[] Rows(Tensor[] tensors, Range rows) => [.. tensors.Select(t => t[rows])];
        for (int step = 0; step < 3; step++)
        {
            Range rows = (step * BatchSize)..((step + 1) * BatchSize);
            double expected = eager.TrainOnBatch(Rows(x, rows), Rows(y, rows), resetMetrics: false);
            double actual = traced.TrainOnBatch(Rows(x, rows), Rows(y, rows), resetMetrics: false);
            Assert.Equal(expected, actual, 1e-5 * Math.Max(1, Math.Abs(expected)));
        }

        // Three batches of 32, one trace; the metrics accumulated over all three, alike.
        Assert.Equal(calls + 1, counter.Calls);
        Dictionary<string, double> eagerMetrics = eager.GetMetricsResult(), tracedMetrics = traced.GetMetricsResult();
        Assert.Equal(["loss", "value_loss", "digit_loss", "value_mae", "value_mse", "digit_accuracy"], tracedMetrics.Keys);
        foreach (string key in eagerMetrics.Keys)
        {
            Assert.Equal(eagerMetrics[key], tracedMetrics[key], 1e-5 * Math.Max(1, Math.Abs(eagerMetrics[key])));
        }

        // The last 4 samples: one more trace; reset metrics cover this batch only.
        double last = traced.TrainOnBatch(Rows(x, 96..), Rows(y, 96..));
        Assert.Equal(calls + 2, counter.Calls);
        Assert.Equal(last, traced.GetMetricsResult()["loss"], 12);
    }

    [Fact]
    public void Steps_RunEagerly_RunTheLayersCodeEveryBatch()
    {
        (Tensor[] x, Tensor[] y) = Data();
        (Model model, CountingLayer counter) = TwoInputsTwoOutputs(LossSetup.Weighted, runEagerly: true);
        int calls = counter.Calls;
        model.Fit(x, y, epochs: 3, batchSize: BatchSize, verbose: 0, shuffle: false);
        model.Predict(x, batchSize: BatchSize);
        Assert.Equal(calls + 12 + 4, counter.Calls);

        // One loss for every output (Keras's compile(loss="mse") on a model of two outputs) keeps runEagerly too.
        Model single = TwoInputsTwoOutputs(LossSetup.Weighted, runEagerly: false).Model;
        single.Compile(new SGD(0.01), new MeanSquaredError(), runEagerly: true);
        Assert.True(single.RunEagerly);
        single.Compile(new SGD(0.01), new MeanSquaredError());
        Assert.False(single.RunEagerly);
    }
}
