namespace Nabla.Distributed.TestWorker;

/// <summary>Every collective of the custom-loop API, with values that depend on the rank, checked against formulas.</summary>
internal static class CollectiveScenario
{
    public static void Run(string[] args)
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        int n = strategy.NumReplicasInSync;
        int r = strategy.WorkerIndex;
        double triangle = n * (n - 1) / 2.0;

        Check.Close(strategy.AllReduce(Tf.Constant(new float[] { r + 1, 10, -r })), [triangle + n, 10 * n, -triangle], 0, "float32 sum");
        Check.Close(strategy.AllReduce(Tf.Constant(new double[] { r, 1 }), ReduceOp.Mean), [triangle / n, 1], 1e-15, "float64 mean");
        Check.Close(strategy.AllReduce(Tf.Constant(new[] { r, 2 })), [triangle, 2 * n], 0, "int32 sum");
        Check.Close(strategy.AllReduce(Tf.Constant(new[] { (long)r << 40 })), [triangle * (1L << 40)], 0, "int64 sum");
        Check.Close(strategy.AllReduce(Tf.Cast(Tf.Constant(new[] { r + 0.5f }), DType.Float16)), [triangle + (n / 2.0)], 0, "float16 sum");
        Check.Close(strategy.AllReduce(Tf.Cast(Tf.Constant(new[] { r + 0.5f }), DType.BFloat16)), [triangle + (n / 2.0)], 0, "bfloat16 sum");

        // Several dtypes and sizes through 64-byte buckets: many buckets, one tensor larger than a bucket.
        using var small = new MultiWorkerMirroredStrategy(new CommunicationOptions { BytesPerPack = 64 });
        Tensor[] mixed = [Tf.Fill([3], r, DType.Float32), Tf.Fill([40], 2.0 * r, DType.Float32), Tf.Fill([7], r, DType.Float64),
            Tf.Fill([5], r, DType.Int32), Tf.Fill([2, 3], 1.0, DType.Float32)];
        IReadOnlyList<Tensor> sums = small.AllReduce(mixed);
        for (int i = 0; i < mixed.Length; i++)
        {
            double expected = i switch { 1 => 2 * triangle, 4 => n, _ => triangle };
            Check.That(sums[i].Shape == mixed[i].Shape && sums[i].DType == mixed[i].DType, $"bucketed tensor {i}: {sums[i].Shape} {sums[i].DType}");
            Check.Close(sums[i], Enumerable.Repeat(expected, mixed[i].Size).ToArray(), 0, $"bucketed tensor {i}");
        }

        bool refused = false;
        try
        {
            strategy.AllReduce(Tf.Constant(new[] { 1 }), ReduceOp.Mean);
        }
        catch (ArgumentException e) when (e.Message.Contains("ReduceOp.Mean needs floating-point", StringComparison.Ordinal))
        {
            refused = true;
        }

        Check.That(refused, "Mean of int32 is refused before any collective");

        int last = n - 1;
        Check.Close(strategy.Broadcast(Tf.Constant(new[] { r, 2 * r }), root: last), [last, 2 * last], 0, "broadcast from the last worker");
        var v = new Variable(Tf.Fill([2, 2], r, DType.Float32));
        strategy.BroadcastVariables([v], root: 0);
        Check.Close(v, [0, 0, 0, 0], 0, "BroadcastVariables");

        // Worker r contributes r + 1 rows filled with r: every size differs.
        Tensor gathered = strategy.AllGather(Tf.Fill([r + 1, 2], r, DType.Float32));
        Check.That(gathered.Shape == new Shape(n * (n + 1) / 2, 2), $"AllGather shape {gathered.Shape}");
        double[] rows = Tf.Cast(gathered, DType.Float64).ToArray<double>();
        int at = 0;
        for (int w = 0; w < n; w++)
        {
            for (int k = 0; k < 2 * (w + 1); k++)
            {
                Check.That(rows[at++] == w, $"AllGather row of worker {w}");
            }
        }

        Tensor columns = strategy.AllGather(Tf.Fill([2, 1], r, DType.Float32), axis: 1);
        Check.That(columns.Shape == new Shape(2, n), $"AllGather along axis 1: {columns.Shape}");

        Tensor reduced = strategy.Reduce(ReduceOp.Mean, Tf.Fill([2, 3], r, DType.Float32), axis: 0);
        Check.Close(reduced, [triangle / n, triangle / n, triangle / n], 1e-6, "Reduce(Mean, axis 0)");
        Check.Close(strategy.Reduce(ReduceOp.Sum, Tf.Fill([2], 1.0, DType.Float32), axis: 0), [2 * n], 0, "Reduce(Sum, axis 0)");

        // A mismatch is caught by the agreement check on every worker, and the job can go on afterwards.
        bool mismatched = false;
        try
        {
            strategy.AllReduce(Tf.Fill([r == 1 ? 4 : 3], 1.0, DType.Float32));
        }
        catch (CollectiveMismatchException e) when (e.Message.Contains("Worker 1: AllReduce", StringComparison.Ordinal))
        {
            mismatched = true;
        }

        Check.That(mismatched, "an all-reduce of 4 elements on worker 1 and 3 elsewhere is a CollectiveMismatchException");
        strategy.Barrier();
        Check.Close(strategy.AllReduce(Tf.Constant(new[] { 1.0 })), [n], 0, "a collective after a mismatch");
        Scenarios.Pass("collectives", strategy);
    }
}
