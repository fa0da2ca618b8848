using Nabla;
using Nabla.Keras;

namespace Digits;

/// <summary>Trains a compiled model with <see cref="Model.Fit(Tensor, Tensor, int, int, int, IEnumerable{Nabla.Keras.Callbacks.Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, int?, int, TextWriter?, bool?, CancellationToken)"/> and returns its per-epoch loss and accuracy on both sets.</summary>
internal static class Trainer
{
    /// <summary>
    /// Keras's <c>model.fit(x, y, epochs, batch_size, validation_data=..., shuffle=True)</c> with the progress bar on; the
    /// model must be compiled with the <c>"accuracy"</c> metric.
    /// </summary>
    public static Curves Train(string label, Model model, (Tensor X, Tensor Y) train, (Tensor X, Tensor Y) validation,
        int epochs, int batchSize, int seed)
    {
        History history = model.Fit(train.X, train.Y, epochs: epochs, batchSize: batchSize, verbose: 1,
            validationData: validation, shuffle: true, seed: seed);
        return new Curves(label, [.. history["loss"]], [.. history["accuracy"]], [.. history["val_loss"]], [.. history["val_accuracy"]]);
    }

    /// <summary>The fraction of samples whose most probable class is the label.</summary>
    public static double Accuracy(Model model, Tensor x, Tensor labels)
    {
        int[] predicted = Tf.ArgMax(model.Predict(x), axis: 1, outputType: DType.Int32).ToArray<int>();
        int[] expected = labels.ToArray<int>();
        int correct = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            correct += predicted[i] == expected[i] ? 1 : 0;
        }

        return (double)correct / expected.Length;
    }
}
