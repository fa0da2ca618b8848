using System.Globalization;
using Nabla;
using Nabla.Keras;

namespace Digits;

/// <summary>Trains a compiled model with <see cref="Model.Fit"/> and records per-epoch loss and accuracy on both sets.</summary>
internal static class Trainer
{
    public static Curves Train(string label, Model model, (Tensor X, Tensor Y) train, (Tensor X, Tensor Y) validation,
        int epochs, int batchSize, int seed)
    {
        var loss = new double[epochs];
        var accuracy = new double[epochs];
        var validationLoss = new double[epochs];
        var validationAccuracy = new double[epochs];
        var random = new Random(seed);
        int samples = train.X.Shape[0];
        int[] order = [.. Enumerable.Range(0, samples)];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            // A seeded shuffle each epoch, as Keras's fit(shuffle=True).
            random.Shuffle(order);
            Tensor indices = Tf.Constant(order, new Shape(samples));
            History history = model.Fit(Tf.Gather(train.X, indices), Tf.Gather(train.Y, indices), epochs: 1, batchSize: batchSize);
            loss[epoch] = history.Loss[0];
            accuracy[epoch] = Accuracy(model, train.X, train.Y);
            validationLoss[epoch] = model.Evaluate(validation.X, validation.Y);
            validationAccuracy[epoch] = Accuracy(model, validation.X, validation.Y);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Epoch {epoch + 1}/{epochs} - loss: {loss[epoch]:0.0000} - accuracy: {accuracy[epoch]:0.0000} - val_loss: {validationLoss[epoch]:0.0000} - val_accuracy: {validationAccuracy[epoch]:0.0000}"));
        }

        return new Curves(label, loss, accuracy, validationLoss, validationAccuracy);
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
