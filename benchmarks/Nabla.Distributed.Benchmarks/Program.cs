// Nabla.Distributed's measurements, run under mpirun (benchmarks/distributed/run.sh runs them with the C baseline):
//   allreduce [maxBytes [minBytes [bytesPerSize [variants]]]]   float32 all-reduce in place, 1 KiB to 64 MiB by default:
//                          the managed collective layer on a buffer (with and without its agreement check) and
//                          strategy.AllReduce on a tensor (a new tensor each call); variants: a comma-separated subset
//                          of managed-buffer, managed-buffer-unchecked, strategy-tensor, new-tensor (a new tensor
//                          copied from the input, no collective: what the tensor path adds around its all-reduce)
//   interleaved <liballreduce.so> [minBytes [maxBytes [rounds]]]   C's MPI_Allreduce loop (allreduce.c as a library)
//                          and the managed layer (with and without its check) alternating in blocks in the same processes
//   paired-stats <file>    (no mpirun) the paired ratios of run.sh's cross-process rounds, "round variant bytes µs"
//   train-mlp [epochs] [--no-overlap]   the benchmark suite's MLP 784-256-10 (batch 128 per worker), time per epoch
//                          under the strategy, with the gradient all-reduce overlapped with the backward pass or not
// Times are printed by rank 0 as "<variant> <bytes> <microseconds>", markdown tables, or "<variant> <ms per epoch>".
using System.Diagnostics;
using System.Globalization;
using Nabla;
using Nabla.Distributed;
using Nabla.Distributed.Benchmarks;
using Nabla.Keras;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

string mode = args.Length > 0 ? args[0] : "allreduce";
if (mode == "paired-stats")
{
    PairedRounds.Report(args[1]);
    return 0;
}

bool overlap = !args.Contains("--no-overlap");
args = [.. args.Where(a => a != "--no-overlap")];
using var strategy = new MultiWorkerMirroredStrategy(new CommunicationOptions { OverlapBackward = overlap });
if (mode == "allreduce")
{
    long maxBytes = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 64L << 20;
    long minBytes = args.Length > 2 ? long.Parse(args[2], CultureInfo.InvariantCulture) : 1024;
    long bytesPerSize = args.Length > 3 ? long.Parse(args[3], CultureInfo.InvariantCulture) : 1L << 30;
    string[] variants = args.Length > 4 ? args[4].Split(',') : AllReduceBenchmark.Variants;
    AllReduceBenchmark.Run(strategy, minBytes, maxBytes, bytesPerSize, variants);
}
else if (mode == "interleaved")
{
    long minBytes = args.Length > 2 ? long.Parse(args[2], CultureInfo.InvariantCulture) : 1L << 20;
    long maxBytes = args.Length > 3 ? long.Parse(args[3], CultureInfo.InvariantCulture) : 64L << 20;
    int rounds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 40;
    InterleavedBenchmark.Run(strategy, args[1], minBytes, maxBytes, rounds);
}
else if (mode == "train-mlp")
{
    int epochs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
    int workers = strategy.NumReplicasInSync;
    int samples = 4096;
    var random = new Random(1);
    float[] xs = new float[samples * 784];
    for (int i = 0; i < xs.Length; i++)
    {
        xs[i] = (float)random.NextDouble();
    }

    int[] ys = Enumerable.Range(0, samples).Select(i => i % 10).ToArray();
    Tensor x = Tf.Constant(xs, new Shape(samples, 784));
    Tensor y = Tf.Constant(ys, new Shape(samples));
    Model model;
    using (strategy.Scope())
    {
        model = new Sequential(new Dense(256, "relu", inputShape: [784]), new Dense(10));
        model.Compile(new SGD(0.01), new SparseCategoricalCrossentropy(fromLogits: true));
    }

    // Weak scaling: 128 rows per worker per step, so each worker's step costs the same at any worker count.
    model.Fit(x, y, epochs: 1, batchSize: 128 * workers, verbose: 0, seed: 1);
    long start = Stopwatch.GetTimestamp();
    model.Fit(x, y, epochs: epochs, batchSize: 128 * workers, verbose: 0, seed: 1);
    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds / epochs;
    if (strategy.IsChief)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train-mlp {workers} workers{(workers > 1 ? overlap ? ", overlapped" : ", not overlapped" : string.Empty)}: {ms:0} ms per epoch of {samples} samples ({samples / (128 * workers)} steps of 128 rows per worker)"));
    }
}
else
{
    Console.Error.WriteLine($"unknown mode '{mode}': allreduce, interleaved, paired-stats or train-mlp");
    return 2;
}

return 0;
