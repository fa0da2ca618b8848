using Nabla.Data;
using Nabla.Keras.Initializers;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests;

/// <summary>
/// Fit, Evaluate and Predict run their steps as traced functions unless the model runs eagerly: both ways must train
/// the same weights, the layers' C# code runs once per batch shape when traced, and errors found in the values
/// (labels out of range) still surface when the graph runs.
/// </summary>
public class TracedStepsTests
{
    // 100 samples of 6 features in 3 classes (the class is the largest of three feature sums): 3 full batches of
    // 32 and a last one of 4, so the traced step sees two batch shapes.
    private static (Tensor X, Tensor Y) ThreeClasses()
    {
        var random = new Random(11);
        var x = new float[100, 6];
        var y = new int[100];
        for (int i = 0; i < 100; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                x[i, j] = (float)((random.NextDouble() * 2) - 1);
            }

            float a = x[i, 0] + x[i, 1], b = x[i, 2] + x[i, 3], c = x[i, 4] + x[i, 5];
            y[i] = a > b && a > c ? 0 : b > c ? 1 : 2;
        }

        return (Tf.Constant(x), Tf.Constant(y));
    }

    private sealed class CountingLayer : Layer
    {
        public int Calls { get; private set; }

        public override Tensor Call(Tensor inputs, bool training = false)
        {
            Calls++;
            return inputs;
        }
    }

    private static (Sequential Model, CountingLayer Counter) Build()
    {
        var counter = new CountingLayer();
        var model = new Sequential(
            new Dense(16, activation: "relu", inputShape: [6], kernelInitializer: new GlorotUniform(seed: 1)),
            counter,
            new Dense(3, kernelInitializer: new GlorotUniform(seed: 2)));
        return (model, counter);
    }

    [Fact]
    public void Fit_TracedAndEager_TrainTheSameWeightsAndHistory()
    {
        (Tensor x, Tensor y) = ThreeClasses();
        // Initializers draw differently per model: both models start from these weights.
        (Sequential first, _) = Build();
        Tensor[] initial = [.. first.Weights.Select(w => Tf.Constant(w.ToArray<float>(), w.Shape))];
        (History History, IReadOnlyList<Variable> Weights, double Evaluated, float[] Predicted) Train(bool runEagerly)
        {
            (Sequential model, _) = Build();
            model.SetWeights(initial);
            model.Compile(new Adam(0.01), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"], runEagerly: runEagerly);
            History history = model.Fit(x, y, epochs: 4, batchSize: 32, verbose: 0, seed: 5);
            double loss = model.EvaluateMetrics(x, y)["loss"];
            return (history, model.Weights, loss, model.Predict(x).ToArray<float>());
        }

        var eager = Train(runEagerly: true);
        var traced = Train(runEagerly: false);
        for (int i = 0; i < eager.Weights.Count; i++)
        {
            float[] e = eager.Weights[i].ToArray<float>(), t = traced.Weights[i].ToArray<float>();
            for (int j = 0; j < e.Length; j++)
            {
                Assert.Equal(e[j], t[j], 1e-5f);
            }
        }

        for (int epoch = 0; epoch < 4; epoch++)
        {
            Assert.Equal(eager.History.Loss[epoch], traced.History.Loss[epoch], 1e-5);
            Assert.Equal(eager.History["accuracy"][epoch], traced.History["accuracy"][epoch], 1e-9);
        }

        Assert.True(traced.History.Loss[^1] < traced.History.Loss[0], "the traced steps train");
        Assert.Equal(eager.Evaluated, traced.Evaluated, 1e-5);
        for (int j = 0; j < eager.Predicted.Length; j++)
        {
            Assert.Equal(eager.Predicted[j], traced.Predicted[j], 1e-5f);
        }
    }

    [Fact]
    public void Fit_Traced_RunsTheLayersCodeOncePerBatchShape()
    {
        (Tensor x, Tensor y) = ThreeClasses();
        (Sequential model, CountingLayer counter) = Build();
        model.Compile(new SGD(0.1), new SparseCategoricalCrossentropy(fromLogits: true));
        int afterBuild = counter.Calls;
        model.Fit(x, y, epochs: 3, batchSize: 32, verbose: 0, shuffle: false);

        // Batches of 32 and of 4: two traces for 12 steps.
        Assert.Equal(afterBuild + 2, counter.Calls);

        (Sequential eagerModel, CountingLayer eagerCounter) = Build();
        eagerModel.Compile(new SGD(0.1), new SparseCategoricalCrossentropy(fromLogits: true), runEagerly: true);
        int eagerAfterBuild = eagerCounter.Calls;
        eagerModel.Fit(x, y, epochs: 3, batchSize: 32, verbose: 0, shuffle: false);
        Assert.Equal(eagerAfterBuild + 12, eagerCounter.Calls);
    }

    [Fact]
    public void Fit_Traced_LabelOutOfRange_ThrowsWhenTheGraphRuns()
    {
        (Tensor x, Tensor y) = ThreeClasses();
        (Sequential model, _) = Build();
        model.Compile(new SGD(0.1), new SparseCategoricalCrossentropy(fromLogits: true));
        model.Fit(x, y, epochs: 1, batchSize: 32, verbose: 0, shuffle: false);

        // Same batch shape as the traced step: the check runs on this call's values, not the trace's.
        int[] labels = y.ToArray<int>();
        labels[40] = 7;
        var ex = Assert.Throws<ArgumentException>(() => model.Fit(x, Tf.Constant(labels), epochs: 1, batchSize: 32, verbose: 0, shuffle: false));
        Assert.Contains("label value of 7 which is outside the valid range of [0, 3)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_RunEagerly_SetsTheProperty_AndRecompilingTracesAgain()
    {
        (Tensor x, Tensor y) = ThreeClasses();
        (Sequential model, CountingLayer counter) = Build();
        model.Compile(new SGD(0.1), new SparseCategoricalCrossentropy(fromLogits: true), runEagerly: true);
        Assert.True(model.RunEagerly);
        model.Compile(new SGD(0.1), new SparseCategoricalCrossentropy(fromLogits: true));
        Assert.False(model.RunEagerly);
        model.Fit(x[..64], y[..64], epochs: 1, batchSize: 32, verbose: 0);
        int afterFirst = counter.Calls;

        // A new optimizer makes a new graph: one more trace, then none.
        model.Compile(new Adam(0.01), new SparseCategoricalCrossentropy(fromLogits: true));
        model.Fit(x[..64], y[..64], epochs: 2, batchSize: 32, verbose: 0);
        Assert.Equal(afterFirst + 1, counter.Calls);
    }

    [Fact]
    public void FitOnADataset_Traced_RunsTheLayersCodeOncePerBatchShape_AndMatchesTheTensorOverload()
    {
        (Tensor x, Tensor y) = ThreeClasses();
        (Sequential model, CountingLayer counter) = Build();
        (Sequential tensors, _) = Build();
        tensors.SetWeights([.. model.Weights.Select(w => Tf.Constant(w.ToArray<float>(), w.Shape))]);
        model.Compile(new SGD(0.1), new SparseCategoricalCrossentropy(fromLogits: true));
        tensors.Compile(new SGD(0.1), new SparseCategoricalCrossentropy(fromLogits: true));
        int afterBuild = counter.Calls;
        Dataset<(Tensor, Tensor)> batches = Dataset.FromTensorSlices(x, y).Batch(32);
        History history = model.Fit(batches, epochs: 3, verbose: 0);

        // The dataset's batches of 32 and 4 take the same traced train step as Fit on tensors: two traces for 12 steps.
        Assert.Equal(afterBuild + 2, counter.Calls);
        History expected = tensors.Fit(x, y, epochs: 3, batchSize: 32, verbose: 0, shuffle: false);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            Assert.Equal(expected.Loss[epoch], history.Loss[epoch], 1e-5);
        }

        // Evaluate and Predict on the dataset trace once per batch shape too (two shapes each), then reuse the graphs.
        int afterFit = counter.Calls;
        double loss = model.EvaluateMetrics(batches)["loss"];
        model.Predict(batches);
        Assert.Equal(afterFit + 4, counter.Calls);
        model.EvaluateMetrics(batches);
        model.Predict(batches);
        Assert.Equal(afterFit + 4, counter.Calls);
        Assert.Equal(tensors.EvaluateMetrics(x, y)["loss"], loss, 1e-5);
    }
}
