using System.Runtime.InteropServices;
using Nabla.Distributed.Collectives;
using Nabla.Keras.Distribute;

namespace Nabla.Distributed;

/// <summary>What Keras's <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c>, optimizers and layers ask of the strategy.</summary>
public sealed partial class MultiWorkerMirroredStrategy
{
    /// <inheritdoc/>
    void IDistributionStrategy.SynchronizeVariables(IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ThrowIfDisposed();
        AssignBroadcast(variables, 0);
    }

    /// <inheritdoc/>
    int IDistributionStrategy.SynchronizeFit(int samples, int batchSize, int seed)
    {
        ThrowIfDisposed();
        if (NumReplicasInSync == 1)
        {
            return seed;
        }

        int[] mine = [samples, batchSize, seed];
        (byte[] all, _) = _collectives.AllGather(MemoryMarshal.AsBytes(mine.AsSpan()), Purpose.FitSetup, "Fit's data size, batch size and seed");
        int[] table = MemoryMarshal.Cast<byte, int>(all).ToArray();
        for (int r = 0; r < NumReplicasInSync; r++)
        {
            if (table[3 * r] != samples || table[(3 * r) + 1] != batchSize)
            {
                string each = string.Join("; ", Enumerable.Range(0, NumReplicasInSync)
                    .Select(w => $"worker {w}: {table[3 * w]:N0} samples, batch size {table[(3 * w) + 1]}"));
                throw new CollectiveMismatchException(
                    $"Fit: the workers were given different training data or batch sizes ({each}). Every worker passes the whole " +
                    "data set and the global batch size; each trains on its shard of every global batch.");
            }
        }

        return table[2];
    }

    /// <inheritdoc/>
    Tensor IDistributionStrategy.ShardBatch(Tensor batch, bool training)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int workers = NumReplicasInSync;
        if (workers == 1 || batch.Rank == 0)
        {
            return batch;
        }

        int n = batch.Shape[0];
        (int start, int count) = ShardRange(n, workers, WorkerIndex, training);
        return start == 0 && count == n ? batch : batch[start..(start + count)];
    }

    /// <summary>
    /// Worker <paramref name="worker"/>'s rows of <paramref name="rows"/>. For training the shards are equal, so the
    /// mean of the workers' mean gradients is the global batch's mean gradient: the last <c>rows % workers</c> rows (only
    /// in a batch whose size is not a multiple of the worker count) are left out. Otherwise the first
    /// <c>rows % workers</c> workers take one row more and every row is someone's.
    /// </summary>
    internal static (int Start, int Count) ShardRange(int rows, int workers, int worker, bool training)
    {
        int each = rows / workers;
        if (training)
        {
            return (worker * each, each);
        }

        int extra = rows % workers;
        return ((worker * each) + Math.Min(worker, extra), each + (worker < extra ? 1 : 0));
    }

    /// <inheritdoc/>
    Tensor IDistributionStrategy.GatherBatches(Tensor shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ThrowIfDisposed();
        return GatherTensors(shard, 0, Purpose.Predictions, skipEmpty: true);
    }

    /// <inheritdoc/>
    GradientReadyCallback? IDistributionStrategy.GradientReadyHook(IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return BeginOverlappedGradients(variables.Count, $"gradients of {variables.Count} variables");
    }

    /// <inheritdoc/>
    IReadOnlyList<Tensor?> IDistributionStrategy.AggregateGradients(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(variables);
        var result = new Tensor?[gradients.Count];
        var pending = new List<Tensor>(gradients.Count);
        var where = new List<int>(gradients.Count);
        (Tensor?[] Averaged, IReadOnlyList<Tensor?> Local)? overlapped = OverlappedGradientsPending ? FinishOverlappedGradients() : null;
        for (int i = 0; i < gradients.Count; i++)
        {
            result[i] = gradients[i];
            if (gradients[i] is not { } g || s_averaged.TryGetValue(g, out _))
            {
                continue;
            }

            // A gradient the backward pass already sent (the optimizer may have dropped nulls or cast some: look it up).
            int sent = overlapped is { } o ? IndexOf(o.Local, g, i) : -1;
            if (sent >= 0)
            {
                result[i] = overlapped!.Value.Averaged[sent];
                continue;
            }

            pending.Add(g);
            where.Add(i);
        }

        if (NumReplicasInSync == 1 || pending.Count == 0)
        {
            return result;
        }

        IReadOnlyList<Tensor> averaged = AverageGradients(pending, $"gradients of {pending.Count} variables");
        for (int j = 0; j < where.Count; j++)
        {
            result[where[j]] = averaged[j];
        }

        return result;
    }

    /// <inheritdoc/>
    Dictionary<string, double> IDistributionStrategy.AggregateLogs(IReadOnlyDictionary<string, double> logs, double samples)
    {
        ArgumentNullException.ThrowIfNull(logs);
        ThrowIfDisposed();
        var result = new Dictionary<string, double>(logs, StringComparer.Ordinal);
        if (NumReplicasInSync == 1)
        {
            return result;
        }

        // [samples, value·samples...] summed over workers; a worker with no samples adds nothing (not 0·NaN).
        string[] keys = [.. logs.Keys.Order(StringComparer.Ordinal)];
        double[] sums = new double[keys.Length + 1];
        sums[0] = samples;
        for (int i = 0; i < keys.Length; i++)
        {
            sums[i + 1] = samples > 0 ? logs[keys[i]] * samples : 0;
        }

        _collectives.AllReduceSum(sums.AsSpan(), Purpose.Logs, $"logs {string.Join(", ", keys)}");
        for (int i = 0; i < keys.Length; i++)
        {
            result[keys[i]] = sums[0] > 0 ? sums[i + 1] / sums[0] : logs[keys[i]];
        }

        return result;
    }

    /// <summary>The index of <paramref name="gradient"/> (by reference) in <paramref name="local"/>, trying <paramref name="hint"/> first; -1 if absent.</summary>
    private static int IndexOf(IReadOnlyList<Tensor?> local, Tensor gradient, int hint)
    {
        if (hint < local.Count && ReferenceEquals(local[hint], gradient))
        {
            return hint;
        }

        for (int j = 0; j < local.Count; j++)
        {
            if (ReferenceEquals(local[j], gradient))
            {
                return j;
            }
        }

        return -1;
    }
}
