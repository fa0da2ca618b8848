using Nabla.Distributed.Collectives;

namespace Nabla.Distributed.TestWorker;

/// <summary>
/// The agreement check of all-reduces whose layout every worker agreed on before (it runs beside the data instead of
/// before it): a layout that changes later on one worker is still caught, on every worker, and the job goes on.
/// </summary>
internal static class AgreementScenarios
{
    /// <summary>
    /// Worker 1 changes the size of an all-reduce the workers repeated: through the strategy's fused all-reduce, small
    /// (polled) and from 1 MiB (blocking), and through the collective layer's plain all-reduce.
    /// </summary>
    public static void ChangedLayout(string[] args)
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        int n = strategy.NumReplicasInSync;
        int r = strategy.WorkerIndex;
        foreach (int size in new[] { 3, 1 << 18 })
        {
            // Agreed at the first call, checked beside the data after it.
            for (int repeat = 0; repeat < 3; repeat++)
            {
                Tensor sum = strategy.AllReduce(Tf.Fill([size], r + repeat, DType.Float32));
                Check.That(sum.Shape == new Shape(size), $"sum of {size}: shape {sum.Shape}");
                Check.Close(Tf.Slice(sum, [0], [1]), [(n * (n - 1) / 2.0) + (n * repeat)], 0, $"sum of {size}, repeat {repeat}");
            }

            ExpectMismatch(() => strategy.AllReduce(Tf.Fill([r == 1 ? size + 1 : size], 1.0, DType.Float32)), $"tensor of {size} elements");
            strategy.Barrier();
            Check.Close(strategy.AllReduce(Tf.Fill([3], 1.0, DType.Float32)), [n, n, n], 0, $"an agreed all-reduce after the {size}-element mismatch");
        }

        // The collective layer's own all-reduce (the benchmark's "managed buffer"), repeated, then changed on worker 1.
        Collectives.Collectives collectives = strategy.CollectivesForBenchmarks;
        float[] buffer = new float[8];
        for (int repeat = 0; repeat < 3; repeat++)
        {
            Array.Fill(buffer, 1f);
            collectives.AllReduceSum(buffer.AsSpan(0, 5), Purpose.User, "changed-layout");
            Check.That(buffer[0] == n && buffer[4] == n && buffer[5] == 1, $"plain all-reduce, repeat {repeat}: {buffer[0]}, {buffer[5]}");
        }

        ExpectMismatch(() => collectives.AllReduceSum(buffer.AsSpan(0, r == 1 ? 6 : 5), Purpose.User, "changed-layout"), "plain buffer");
        Check.Close(strategy.AllReduce(Tf.Constant(new[] { 1.0 })), [n], 0, "a collective after the plain mismatch");
        Scenarios.Pass("changed-layout", strategy);
    }

    /// <summary>
    /// Both workers call all-reduces whose layouts were agreed before, but different ones: neither can be released, and
    /// both still stop with the disagreement instead of waiting forever.
    /// </summary>
    public static void TwoAgreedLayoutsAtOnce(string[] args)
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        int r = strategy.WorkerIndex;
        strategy.AllReduce(Tf.Fill([3], 1.0, DType.Float32));
        strategy.AllReduce(Tf.Fill([4], 1.0, DType.Float32));
        ExpectMismatch(() => strategy.AllReduce(Tf.Fill([r == 1 ? 4 : 3], 1.0, DType.Float32)), "two agreed layouts at once");
        Scenarios.Pass("two-agreed-layouts", strategy);
    }

    private static void ExpectMismatch(Action collective, string what)
    {
        string? message = null;
        try
        {
            collective();
        }
        catch (CollectiveMismatchException e)
        {
            message = e.Message;
        }

        Console.WriteLine($"{what}: {message}");
        Check.That(message is not null && message.Contains("Worker 1: AllReduce", StringComparison.Ordinal),
            $"{what}: a layout changed on worker 1 is a CollectiveMismatchException naming worker 1's call on every worker, got: {message}");
    }
}
