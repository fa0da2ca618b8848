using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests.Functional;

/// <summary>
/// Several inputs and outputs on real data: each UCI digit is cut into its top and bottom halves (two inputs), and
/// the model answers two questions (two outputs): which digit, and whether it is at least 5.
/// </summary>
public class MultiInputOutputTests
{
    private static (Tensor[] X, Tensor[] Y) Digits(int from, int count)
    {
        (Tensor x, Tensor y) = DigitsForTests.Take(from + count);
        x = x[from..];
        y = y[from..];
        Tensor top = x[.., ..32];
        Tensor bottom = x[.., 32..];
        Tensor high = Tf.Cast(Tf.Reshape(Tf.GreaterEqual(y, 5), [count, 1]), DType.Float32);
        return ([top, bottom], [y, high]);
    }

    private static Model TwoHeads(out Layer digitHead)
    {
        Tensor top = Keras.Input(shape: [32], name: "top");
        Tensor bottom = Keras.Input(shape: [32], name: "bottom");
        var rows = new Dense(24, activation: "relu", name: "rows");
        Tensor merged = new Concatenate().Apply([rows.Apply(top), rows.Apply(bottom)]);
        Tensor hidden = new Dense(32, activation: "relu").Apply(merged);
        digitHead = new Dense(10, name: "digit");
        Tensor digit = digitHead.Apply(hidden);
        Tensor high = new Dense(1, activation: "sigmoid", name: "high").Apply(hidden);
        return new Model([top, bottom], [digit, high]);
    }

    [Fact]
    public void Fit_TwoInputsTwoOutputs_LearnsDigits_AndLogsAsKeras()
    {
        Tf.Random.SetSeed(12);
        (Tensor[] x, Tensor[] y) = Digits(0, 600);
        (Tensor[] xVal, Tensor[] yVal) = Digits(1400, 300);
        Model model = TwoHeads(out _);
        model.Compile(new Adam(0.01), [new SparseCategoricalCrossentropy(fromLogits: true), new BinaryCrossentropy()], metrics: ["accuracy"],
            lossWeights: [1.0, 0.5]);

        History history = model.Fit(x, y, epochs: 8, batchSize: 32, verbose: 0, validationData: (xVal, yVal), seed: 1);

        Assert.Equal(
            ["loss", "digit_loss", "high_loss", "digit_accuracy", "high_accuracy",
             "val_loss", "val_digit_loss", "val_high_loss", "val_digit_accuracy", "val_high_accuracy"],
            history.History.Keys);
        Assert.True(history.History["val_digit_accuracy"][^1] > 0.85, $"val digit accuracy {history.History["val_digit_accuracy"][^1]}");
        Assert.True(history.History["val_high_accuracy"][^1] > 0.85, $"val high accuracy {history.History["val_high_accuracy"][^1]}");
        Assert.True(history.History["loss"][^1] < history.History["loss"][0] / 3);

        // The total is the weighted sum of the outputs' losses (no penalties here).
        EvaluationResult result = model.Evaluate(xVal, yVal, verbose: 0);
        Assert.Equal(result["digit_loss"] + (0.5 * result["high_loss"]), result["loss"], 4);
        Assert.Equal(history.History["val_loss"][^1], result["loss"], 4);

        Tensor[] predictions = model.Predict(xVal, batchSize: 64);
        Assert.Equal([new Shape(300, 10), new Shape(300, 1)], predictions.Select(p => p.Shape));
        Tensor[] direct = model.ApplyOutputs(xVal);
        Assert.Equal(direct[1].ToArray<float>(), predictions[1].ToArray<float>());
    }

    // Graph mode on the Digits data: the traced steps (the default) and runEagerly: true train the two-input,
    // two-head model to the same weights, history and predictions, to float rounding.
    [Fact]
    public void Fit_OnDigits_TracedAndEagerStepsAgree()
    {
        (Tensor[] x, Tensor[] y) = Digits(0, 500);
        (Tensor[] xVal, Tensor[] yVal) = Digits(1400, 200);
        (History History, Model Model) Train(bool runEagerly)
        {
            Tf.Random.SetSeed(15);
            Model model = TwoHeads(out _);
            model.Compile(new Adam(0.01), [new SparseCategoricalCrossentropy(fromLogits: true), new BinaryCrossentropy()], metrics: ["accuracy"],
                lossWeights: [1.0, 0.5], runEagerly: runEagerly);
            return (model.Fit(x, y, epochs: 3, batchSize: 64, verbose: 0, validationData: (xVal, yVal), seed: 3), model);
        }

        (History expected, Model eager) = Train(runEagerly: true);
        (History actual, Model traced) = Train(runEagerly: false);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (string key in expected.Keys)
        {
            for (int epoch = 0; epoch < 3; epoch++)
            {
                Assert.True(Math.Abs(expected[key][epoch] - actual[key][epoch]) <= 1e-4 * Math.Max(1, Math.Abs(expected[key][epoch])),
                    $"{key} in epoch {epoch}: eager {expected[key][epoch]}, traced {actual[key][epoch]}");
            }
        }

        double largest = 0;
        for (int i = 0; i < eager.Variables.Count; i++)
        {
            float[] e = eager.Variables[i].ToArray<float>(), t = traced.Variables[i].ToArray<float>();
            for (int j = 0; j < e.Length; j++)
            {
                largest = Math.Max(largest, Math.Abs(e[j] - t[j]) / Math.Max(1, Math.Abs(e[j])));
            }
        }

        Assert.True(largest <= 1e-4, $"largest weight difference {largest}");
        Assert.True(actual["val_digit_accuracy"][^1] > 0.6, $"val digit accuracy {actual["val_digit_accuracy"][^1]}");
        Tensor[] predictedEagerly = eager.Predict(xVal), predicted = traced.Predict(xVal);
        float[] pe = predictedEagerly[0].ToArray<float>(), pt = predicted[0].ToArray<float>();
        for (int j = 0; j < pe.Length; j++)
        {
            Assert.True(Math.Abs(pe[j] - pt[j]) <= 1e-3 * Math.Max(1, Math.Abs(pe[j])), $"logit {j}: eager {pe[j]}, traced {pt[j]}");
        }
    }

    [Fact]
    public void Fit_TwoInputsOneOutput_WithOneLoss_AndValidationSplit()
    {
        Tf.Random.SetSeed(13);
        (Tensor[] x, Tensor[] y) = Digits(0, 500);
        Tensor top = Keras.Input(shape: [32]);
        Tensor bottom = Keras.Input(shape: [32]);
        Tensor merged = new Concatenate().Apply([top, bottom]);
        var model = new Model([top, bottom], [new Dense(10).Apply(new Dense(32, activation: "relu").Apply(merged))]);
        model.Compile(new Adam(0.01), new SparseCategoricalCrossentropy(fromLogits: true), metrics: ["accuracy"]);

        History history = model.Fit(x, y[0], epochs: 6, verbose: 0, validationSplit: 0.2, seed: 2);

        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], history.History.Keys);
        Assert.True(history.History["val_accuracy"][^1] > 0.8, $"val accuracy {history.History["val_accuracy"][^1]}");
        Assert.Equal(new Shape(500, 10), model.Predict(x)[0].Shape);
    }

    [Fact]
    public void Compile_LossDictionary_OutputWithoutLossIsNotTrained()
    {
        Tf.Random.SetSeed(14);
        (Tensor[] x, Tensor[] y) = Digits(0, 128);
        Model model = TwoHeads(out Layer digitHead);
        model.Compile(new SGD(0.1), new Dictionary<string, Loss> { ["high"] = new BinaryCrossentropy() },
            lossWeights: new Dictionary<string, double> { ["high"] = 2 });
        float[] before = digitHead.Variables[0].ToArray<float>();

        History history = model.Fit(x, y, epochs: 1, verbose: 0);

        Assert.Equal(before, digitHead.Variables[0].ToArray<float>());
        Assert.Equal(["loss", "high_loss"], history.History.Keys);
        Assert.Equal(2 * history.History["high_loss"][0], history.History["loss"][0], 4);
    }

    [Fact]
    public void Compile_MetricsPerOutput_AreNamedAfterTheirOutputs()
    {
        (Tensor[] x, Tensor[] y) = Digits(0, 64);
        Model model = TwoHeads(out _);
        model.Compile(new Adam(0.01), [new SparseCategoricalCrossentropy(fromLogits: true), new MeanSquaredError()],
            metrics: [new object[] { "accuracy" }, new object[] { "mae", "mse" }]);
        Dictionary<string, double> metrics = model.Evaluate(x, y, verbose: 0).ToDictionary();
        Assert.Equal(["loss", "digit_loss", "high_loss", "digit_accuracy", "high_mae", "high_mse"], metrics.Keys);
        Assert.Equal(metrics["high_loss"], metrics["high_mse"], 5);
    }

    [Fact]
    public void MultiOutput_Errors_NameTheOutputs()
    {
        (Tensor[] x, Tensor[] y) = Digits(0, 16);
        Model model = TwoHeads(out _);
        var counts = Assert.Throws<ArgumentException>(() => model.Compile(new Adam(), [new MeanSquaredError()]));
        Assert.Contains("2 output(s) (digit, high)", counts.Message, StringComparison.Ordinal);
        var key = Assert.Throws<ArgumentException>(() => model.Compile(new Adam(), new Dictionary<string, Loss> { ["dense"] = new MeanSquaredError() }));
        Assert.Contains("'dense'", key.Message, StringComparison.Ordinal);
        Assert.Contains("'digit', 'high'", key.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.Compile(new Adam(), new MeanSquaredError(), metrics: [new Metrics.MeanAbsoluteError()]));

        model.Compile(new Adam(), new MeanSquaredError());
        var targets = Assert.Throws<ArgumentException>(() => model.Fit(x, [y[0]], verbose: 0));
        Assert.Contains("1 target tensors", targets.Message, StringComparison.Ordinal);
        var inputs = Assert.Throws<ArgumentException>(() => model.Fit([x[0]], y, verbose: 0));
        Assert.Contains("expects 2 input(s) (top, bottom)", inputs.Message, StringComparison.Ordinal);
        var samples = Assert.Throws<ArgumentException>(() => model.Fit([x[0], x[1][..8]], y, verbose: 0));
        Assert.Contains("same number of samples", samples.Message, StringComparison.Ordinal);
    }
}
