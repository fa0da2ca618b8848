using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Nabla.Distributed.Collectives;

namespace Nabla.Distributed;

/// <summary>Broadcasts and gathers of whole tensors, with the shape and dtype checks that make a setup error a clear message.</summary>
public sealed partial class MultiWorkerMirroredStrategy
{
    /// <summary>
    /// Worker <paramref name="root"/>'s tensors on every worker. First all-gathers each worker's list of shapes and
    /// dtypes, so a worker whose tensors differ stops every worker with a message naming the first difference.
    /// </summary>
    private Tensor[] BroadcastTensors(IReadOnlyList<Tensor> values, int root, Purpose purpose, string detail, IReadOnlyList<string>? names)
    {
        if (root < 0 || root >= NumReplicasInSync)
        {
            throw new ArgumentOutOfRangeException(nameof(root), root, $"Broadcast: the root must be a worker index in [0, {NumReplicasInSync}).");
        }

        Tensor[] result = [.. values];
        if (NumReplicasInSync == 1)
        {
            return result;
        }

        string[] signatures = new string[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            signatures[i] = $"{values[i].Shape} {values[i].DType}";
        }

        (byte[] all, int[] lengths) = _collectives.AllGather(Encoding.UTF8.GetBytes(string.Join('\n', signatures)), purpose, detail);
        string[][] everyone = SplitPerWorker(all, lengths);
        for (int r = 0; r < everyone.Length; r++)
        {
            if (!everyone[r].AsSpan().SequenceEqual(everyone[root]))
            {
                throw new CollectiveMismatchException(BroadcastMismatch(everyone, root, r, names, detail));
            }
        }

        int total = 0;
        foreach (Tensor t in values)
        {
            total = checked(total + TensorBytes.ByteCount(t));
        }

        byte[] packed = new byte[total];
        int offset = 0;
        foreach (Tensor t in values)
        {
            TensorBytes.CopyTo(t, packed.AsSpan(offset));
            offset += TensorBytes.ByteCount(t);
        }

        _collectives.Broadcast(packed, root, purpose, detail);
        if (WorkerIndex != root)
        {
            offset = 0;
            for (int i = 0; i < values.Count; i++)
            {
                int bytes = TensorBytes.ByteCount(values[i]);
                result[i] = TensorBytes.FromBytes(packed.AsSpan(offset, bytes), values[i].Shape, values[i].DType);
                offset += bytes;
            }
        }

        return result;
    }

    /// <summary>Gives <paramref name="variables"/> worker <paramref name="root"/>'s values.</summary>
    private void AssignBroadcast(IReadOnlyList<Variable> variables, int root)
    {
        string[] names = new string[variables.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = variables[i].Name;
        }

        string detail = variables.Count == 1 ? $"variable '{variables[0].Name}'" : $"{variables.Count} variables";
        Tensor[] values = BroadcastTensors([.. variables], root, Purpose.Variables, detail, names);
        if (WorkerIndex != root)
        {
            for (int i = 0; i < variables.Count; i++)
            {
                variables[i].Assign(values[i]);
            }
        }
    }

    /// <summary>
    /// Every worker's <paramref name="value"/> concatenated along <paramref name="axis"/>. With <paramref name="skipEmpty"/>,
    /// tensors with no elements are left out (a worker with an empty shard of predictions cannot know their shape).
    /// </summary>
    private Tensor GatherTensors(Tensor value, int axis, Purpose purpose, bool skipEmpty)
    {
        if (NumReplicasInSync == 1)
        {
            return value;
        }

        // [dtype, rank, dims...] then the elements.
        int headerInts = 2 + value.Rank;
        byte[] mine = new byte[(headerInts * sizeof(int)) + TensorBytes.ByteCount(value)];
        Span<int> header = MemoryMarshal.Cast<byte, int>(mine.AsSpan(0, headerInts * sizeof(int)));
        header[0] = TensorBytes.IndexOf(value.DType);
        header[1] = value.Rank;
        value.Shape.ToArray().CopyTo(header[2..]);
        TensorBytes.CopyTo(value, mine.AsSpan(headerInts * sizeof(int)));
        (byte[] all, int[] lengths) = _collectives.AllGather(mine, purpose, $"{value.Shape} {value.DType} along axis {axis}");

        // Every worker reads the same table, so a mismatch stops all of them alike.
        var parts = new List<Tensor>();
        var shapes = new string[NumReplicasInSync];
        var tensors = new Tensor?[NumReplicasInSync];
        int offset = 0;
        for (int r = 0; r < NumReplicasInSync; r++)
        {
            ReadOnlySpan<byte> bytes = all.AsSpan(offset, lengths[r]);
            offset += lengths[r];
            ReadOnlySpan<int> theirs = MemoryMarshal.Cast<byte, int>(bytes[..(2 * sizeof(int))]);
            var shape = new Shape(MemoryMarshal.Cast<byte, int>(bytes.Slice(2 * sizeof(int), theirs[1] * sizeof(int))).ToArray());
            DType dtype = DType.All[theirs[0]];
            shapes[r] = $"worker {r}: {shape} {dtype}";
            if (!skipEmpty || shape.Size > 0)
            {
                tensors[r] = TensorBytes.FromBytes(bytes[((2 + shape.Rank) * sizeof(int))..], shape, dtype);
            }
        }

        foreach (Tensor? part in tensors)
        {
            if (part is null)
            {
                continue;
            }

            if (parts.Count > 0 && !Compatible(parts[0], part, axis))
            {
                throw new CollectiveMismatchException(
                    $"AllGather along axis {axis}: the workers' tensors differ in dtype or in a dimension other than {axis}: {string.Join("; ", shapes)}.");
            }

            parts.Add(part);
        }

        return parts.Count switch
        {
            0 => value,
            1 => parts[0],
            _ => Tf.Concat([.. parts], axis),
        };
    }

    private static bool Compatible(Tensor a, Tensor b, int axis)
    {
        if (a.DType != b.DType || a.Rank != b.Rank)
        {
            return false;
        }

        for (int d = 0; d < a.Rank; d++)
        {
            if (d != axis && a.Shape[d] != b.Shape[d])
            {
                return false;
            }
        }

        return true;
    }

    private static string[][] SplitPerWorker(byte[] all, int[] lengths)
    {
        var result = new string[lengths.Length][];
        int offset = 0;
        for (int r = 0; r < lengths.Length; r++)
        {
            string text = Encoding.UTF8.GetString(all, offset, lengths[r]);
            result[r] = text.Length == 0 ? [] : text.Split('\n');
            offset += lengths[r];
        }

        return result;
    }

    private static string BroadcastMismatch(string[][] everyone, int root, int worker, IReadOnlyList<string>? names, string detail)
    {
        string[] theirs = everyone[worker];
        string[] reference = everyone[root];
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"Broadcast of {detail} from worker {root}: worker {worker} holds other tensors (a model of another shape on one worker?): ");
        if (theirs.Length != reference.Length)
        {
            text.Append(CultureInfo.InvariantCulture, $"worker {root} has {reference.Length}, worker {worker} has {theirs.Length}.");
        }

        for (int i = 0; i < Math.Min(theirs.Length, reference.Length); i++)
        {
            if (theirs[i] != reference[i])
            {
                string name = names is not null && i < names.Count ? $" ('{names[i]}')" : string.Empty;
                text.Append(CultureInfo.InvariantCulture,
                    $"tensor {i}{name} is {reference[i]} on worker {root} but {theirs[i]} on worker {worker}.");
                break;
            }
        }

        return text.ToString();
    }
}
