using Nabla.Keras;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Distributed.TestWorker;

/// <summary>Custom training loops: a DistributedGradientTape, and a plain tape inside strategy.Run.</summary>
internal static class CustomLoopScenario
{
    public static void Run(string[] args)
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        int n = strategy.NumReplicasInSync;
        int r = strategy.WorkerIndex;
        (Tensor x, Tensor y) = Data.Make(32 * n);
        var loss = new SparseCategoricalCrossentropy(fromLogits: true);

        Tf.Random.SetSeed(200 + r);
        Sequential viaTape, viaRun;
        using (strategy.Scope())
        {
            viaTape = Data.Model();
            viaRun = Data.Model();
        }

        Sequential reference = Data.Model();
        reference.SetWeights(viaTape.GetWeights());
        Sequential referenceRun = Data.Model();
        referenceRun.SetWeights(viaRun.GetWeights());
        var sgd = new SGD(0.5);
        var sgdRun = new SGD(0.5);
        var sgdReference = new SGD(0.5);
        var sgdReferenceRun = new SGD(0.5);
        for (int step = 0; step < 4; step++)
        {
            // The global batch is 16·n rows; this worker trains on rows [16r, 16r + 16).
            int start = step % 2 * 16 * n;
            Tensor bx = x[(start + (16 * r))..(start + (16 * r) + 16)];
            Tensor by = y[(start + (16 * r))..(start + (16 * r) + 16)];
            using (var tape = new DistributedGradientTape(strategy))
            {
                Tensor value = loss.Call(by, viaTape.Apply(bx, training: true));
                Tensor?[] gradients = tape.Gradient(value, [.. viaTape.TrainableVariables]);
                sgd.ApplyGradients(gradients, viaTape.TrainableVariables);
            }

            strategy.Run(() =>
            {
                using var tape = new GradientTape();
                Tensor value = loss.Call(by, viaRun.Apply(bx, training: true));
                sgdRun.ApplyGradients(tape.Gradient(value, [.. viaRun.TrainableVariables]), viaRun.TrainableVariables);
            });

            Tensor gx = x[start..(start + (16 * n))];
            Tensor gy = y[start..(start + (16 * n))];
            foreach ((Sequential m, SGD opt) in new[] { (reference, sgdReference), (referenceRun, sgdReferenceRun) })
            {
                using var tape = new GradientTape();
                Tensor value = loss.Call(gy, m.Apply(gx, training: true));
                opt.ApplyGradients(tape.Gradient(value, [.. m.TrainableVariables]), m.TrainableVariables);
            }

            Check.SameOnAllWorkers(strategy, Check.Fingerprint(viaTape.Variables), $"DistributedGradientTape weights at step {step}");
            Check.SameOnAllWorkers(strategy, Check.Fingerprint(viaRun.Variables), $"strategy.Run weights at step {step}");
        }

        for (int i = 0; i < reference.Variables.Count; i++)
        {
            double tape = Check.MaxDifference(viaTape.Variables[i], reference.Variables[i]);
            double run = Check.MaxDifference(viaRun.Variables[i], referenceRun.Variables[i]);
            Check.That(tape < 1e-5 && run < 1e-5, $"variable {i}: {tape} (tape) and {run} (Run) from one worker on the global batch");
        }

        // float16 on the wire: identical weights on every worker, close to the uncompressed gradient.
        using var compressed = new MultiWorkerMirroredStrategy(new CommunicationOptions { Compression = GradientCompression.Float16 });
        using var bfloat = new MultiWorkerMirroredStrategy(new CommunicationOptions { Compression = GradientCompression.BFloat16 });
        var w = new Variable(Tf.Constant(new float[] { 0.5f, -1.25f, 3 }));
        foreach ((MultiWorkerMirroredStrategy s, double tolerance) in new[] { (compressed, 2e-3), (bfloat, 1e-2), (strategy, 1e-6) })
        {
            using var tape = new DistributedGradientTape(s);
            Tensor value = Tf.ReduceSum(w * w * (r + 1.0f) / 3.0f);
            Tensor g = tape.Gradient(value, w)!;
            double scale = (n + 1) / 2.0 * 2 / 3.0;
            Check.Close(g, [0.5 * scale, -1.25 * scale, 3 * scale], tolerance, $"gradient with {s.Options.Compression}");
            Check.SameOnAllWorkers(s, Check.Fingerprint([new Variable(g)]), $"gradient with {s.Options.Compression}");
        }

        Scenarios.Pass("custom-loop", strategy);
    }
}
