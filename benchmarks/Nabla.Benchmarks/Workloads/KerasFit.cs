using Nabla.Keras;
using Nabla.Keras.Losses;

namespace Nabla.Benchmarks.Workloads;

/// <summary>
/// TensorFlow's beginner quickstart on MNIST-sized data: Dense(128, relu), Dropout(0.2), Dense(10) on 784 features,
/// Adam, sparse categorical cross-entropy from logits, accuracy, Keras's default batch of 32 (1,875 steps per
/// epoch of 60,000 samples). The data are seeded uniform pixels and labels (training speed does not depend on them).
/// </summary>
public static class KerasFit
{
    /// <summary>Samples per epoch (MNIST's training set).</summary>
    public const int Samples = 60_000;

    /// <summary>Features per sample (28 × 28 pixels).</summary>
    public const int Features = 784;

    /// <summary>Keras's default batch size.</summary>
    public const int BatchSize = 32;

    /// <summary>The data set, made once per process (188 MB of float32).</summary>
    public static (Tensor X, Tensor Y) Data(int samples = Samples) =>
        (Tf.Constant(InputData.Uniform(samples * Features, seed: 5, low: 0f, high: 1f), [samples, Features]),
         Tf.Constant(InputData.Labels(samples, 10, seed: 6), [samples]));

    /// <summary>The quickstart's model, compiled (eagerly run steps when <paramref name="runEagerly"/>, else traced).</summary>
    public static Sequential Model(bool runEagerly)
    {
        Tf.Random.SetSeed(42);
        var model = new Sequential(
            new Dense(128, "relu", inputShape: [Features]),
            new Dropout(0.2),
            new Dense(10));
        model.Compile(optimizer: "adam", loss: new SparseCategoricalCrossentropy(fromLogits: true), metrics: ["accuracy"], runEagerly: runEagerly);
        return model;
    }

    /// <summary>One epoch; returns its loss.</summary>
    public static double Epoch(Sequential model, Tensor x, Tensor y) =>
        model.Fit(x, y, epochs: 1, batchSize: BatchSize, verbose: 0).History["loss"][0];
}
