using Nabla.Keras;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Distributed.TestWorker;

/// <summary>A seeded classification problem and a small model, the same on every worker.</summary>
internal static class Data
{
    public const int Features = 8;
    public const int Classes = 3;

    /// <summary><paramref name="samples"/> points whose class is the argmax of a fixed linear map, plus noise.</summary>
    public static (Tensor X, Tensor Y) Make(int samples, int seed = 1)
    {
        var random = new Random(seed);
        float[] x = new float[samples * Features];
        int[] y = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            double best = double.NegativeInfinity;
            for (int c = 0; c < Classes; c++)
            {
                double score = 0;
                for (int f = 0; f < Features; f++)
                {
                    if (c == 0)
                    {
                        x[(i * Features) + f] = (float)((random.NextDouble() * 2) - 1);
                    }

                    score += x[(i * Features) + f] * Math.Sin((c + 1) * (f + 1));
                }

                score += random.NextDouble() * 0.3;
                if (score > best)
                {
                    best = score;
                    y[i] = c;
                }
            }
        }

        return (Tf.Constant(x, new Shape(samples, Features)), Tf.Constant(y, new Shape(samples)));
    }

    public static Sequential Model(int hidden = 16) => new(new Dense(hidden, "relu", inputShape: [Features]), new Dense(Classes));

    public static void Compile(Model model) =>
        model.Compile(new Adam(0.01), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
}
