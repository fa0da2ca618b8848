using Nabla.Keras;
using Nabla.Keras.Losses;

namespace Nabla.Distributed.TestWorker;

/// <summary>
/// The all-reduce overlapped with the backward pass changes nothing: DistributedGradientTape's gradients and Fit's
/// weights are those of the exchange after the pass, bitwise on two workers (within float rounding on more, where the
/// buckets' other order of gradients may round differently), with buckets small enough that several go per pass.
/// </summary>
internal static class OverlapScenario
{
    public static void Run(string[] args)
    {
        using var overlapped = new MultiWorkerMirroredStrategy(new CommunicationOptions { BytesPerPack = 256 });
        using var after = new MultiWorkerMirroredStrategy(new CommunicationOptions { BytesPerPack = 256, OverlapBackward = false });
        int n = overlapped.NumReplicasInSync;
        int r = overlapped.WorkerIndex;
        double tolerance = n == 2 ? 0 : 1e-6;
        (Tensor x, Tensor y) = Data.Make(64 * n);
        var loss = new SparseCategoricalCrossentropy(fromLogits: true);

        // Custom loop: one batch shard per worker, the gradients through each strategy's tape.
        Tf.Random.SetSeed(300 + r);
        Sequential model;
        using (overlapped.Scope())
        {
            model = Data.Model(hidden: 24);
        }

        Tensor bx = x[(16 * r)..((16 * r) + 16)];
        Tensor by = y[(16 * r)..((16 * r) + 16)];
        Tensor?[] Gradients(MultiWorkerMirroredStrategy strategy)
        {
            using var tape = new DistributedGradientTape(strategy);
            Tensor value = loss.Call(by, model.Apply(bx, training: true));
            return tape.Gradient(value, [.. model.TrainableVariables]);
        }

        Tensor?[] during = Gradients(overlapped);
        Tensor?[] afterwards = Gradients(after);
        for (int i = 0; i < during.Length; i++)
        {
            double difference = Check.MaxDifference(during[i]!, afterwards[i]!);
            Check.That(difference <= tolerance, $"gradient {i}: overlapped and after the pass differ by {difference}");
        }

        Check.SameOnAllWorkers(overlapped, Check.Fingerprint(during!), "overlapped gradients");
        long sent = overlapped.BucketsSentDuringBackward;
        Check.That(sent >= 2 && after.BucketsSentDuringBackward == 0, $"{sent} buckets sent during the backward pass (MPI_THREAD_MULTIPLE?)");

        // A 1 MiB gradient alone in its bucket (larger than a pack): summed in its result's own storage by the
        // background thread's blocking all-reduce, the same bits as after the pass; next to it a small one, packed.
        var random = new Random(400 + r);
        Tensor local = Tf.Constant(Enumerable.Range(0, 1 << 18).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(), new Shape(512, 512));
        Variable[] large = [new(Tf.Fill([512, 512], 0.75, DType.Float32)), new(Tf.Constant(new[] { 1.5f, -2f }))];
        Tensor?[] LargeGradients(MultiWorkerMirroredStrategy strategy)
        {
            using var tape = new DistributedGradientTape(strategy);
            Tensor value = Tf.ReduceSum(Tf.Square(large[0]) * local) + Tf.ReduceSum(large[1] * Tf.ReduceSum(local));
            return tape.Gradient(value, large);
        }

        Tensor?[] largeDuring = LargeGradients(overlapped);
        Tensor?[] largeAfter = LargeGradients(after);
        for (int i = 0; i < large.Length; i++)
        {
            double difference = Check.MaxDifference(largeDuring[i]!, largeAfter[i]!);
            Check.That(difference <= tolerance, $"large gradient {i}: overlapped and after the pass differ by {difference}");
        }

        Check.SameOnAllWorkers(overlapped, Check.Fingerprint(largeDuring!), "a 1 MiB gradient averaged during the backward pass");

        // Fit: the same weights trained under each strategy.
        Sequential fitDuring;
        Sequential fitAfter;
        using (overlapped.Scope())
        {
            fitDuring = Data.Model(hidden: 24);
            Data.Compile(fitDuring);
        }

        using (after.Scope())
        {
            fitAfter = Data.Model(hidden: 24);
            Data.Compile(fitAfter);
        }

        fitAfter.SetWeights(fitDuring.GetWeights());
        fitDuring.Fit(x, y, epochs: 2, batchSize: 16 * n, seed: 3, verbose: 0);
        fitAfter.Fit(x, y, epochs: 2, batchSize: 16 * n, seed: 3, verbose: 0);
        for (int i = 0; i < fitDuring.Variables.Count; i++)
        {
            double difference = Check.MaxDifference(fitDuring.Variables[i], fitAfter.Variables[i]);
            Check.That(difference <= tolerance, $"Fit: variable {i} overlapped and after the pass differ by {difference}");
        }

        Check.SameOnAllWorkers(overlapped, Check.Fingerprint(fitDuring.Variables), "weights after Fit with overlap");
        Check.That(overlapped.BucketsSentDuringBackward > sent, "Fit sent no bucket during its backward passes");
        Scenarios.Pass("overlap", overlapped);
    }
}
