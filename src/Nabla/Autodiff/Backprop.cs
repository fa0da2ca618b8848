namespace Nabla;

/// <summary>
/// Reverse-mode accumulation over a tape's entries (ARCHITECTURE.md P6): finds which entries lie between the
/// sources and the targets, walks them in reverse recording order (a reverse topological order, since an op
/// is recorded after its inputs are produced), calls each op's gradient rule, sums the result back to each
/// input's shape where broadcasting widened it, and accumulates with <see cref="Tf.Add(Tensor, Tensor)"/>.
/// Everything is computed with public ops, so an outer recording tape records it all.
/// </summary>
internal static class Backprop
{
    public static Tensor?[] Run(
        List<TapeEntry> tape,
        IReadOnlyList<Tensor> targets,
        IReadOnlyList<Tensor> sources,
        IReadOnlyList<Tensor?>? outputGradients,
        UnconnectedGradients unconnected)
    {
        // Entries appended while we run (a persistent tape recording its own gradient) are not part of this pass.
        int count = tape.Count;
        HashSet<Tensor> reachable = ReachableFromSources(tape, count, sources);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < targets.Count; i++)
        {
            Tensor target = targets[i] ?? throw new ArgumentNullException(nameof(targets), "A gradient target is null.");
            if (!target.DType.IsFloating)
            {
                continue;
            }

            Tensor seed = outputGradients?[i] ?? Tf.OnesLike(target);
            if (seed.Shape != target.Shape)
            {
                throw new ArgumentException(
                    $"Output gradient of shape {seed.Shape} does not match its target of shape {target.Shape}.", nameof(outputGradients));
            }

            Accumulate(grads, target, seed);
        }

        var needs = new List<bool>(4);
        for (int e = count - 1; e >= 0; e--)
        {
            TapeEntry entry = tape[e];
            if (!grads.TryGetValue(entry.Output, out Tensor? upstream))
            {
                continue;
            }

            Tensor[] inputs = entry.Inputs;
            needs.Clear();
            bool any = false;
            foreach (Tensor input in inputs)
            {
                bool need = input.DType.IsFloating && reachable.Contains(input);
                needs.Add(need);
                any |= need;
            }

            if (!any)
            {
                continue;
            }

            Tensor?[] inputGrads = entry.Op.Gradient(inputs, entry.Output, upstream, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(needs));
            for (int i = 0; i < inputs.Length; i++)
            {
                Tensor? g = inputGrads[i];
                if (g is not null && needs[i])
                {
                    Accumulate(grads, inputs[i], SumToShape(g, inputs[i].Shape, inputs[i].DType));
                }
            }
        }

        var result = new Tensor?[sources.Count];
        for (int i = 0; i < sources.Count; i++)
        {
            Tensor source = sources[i];
            Tensor? g = source.DType.IsFloating && grads.TryGetValue(source, out Tensor? found) ? found : null;
            if (g is null && unconnected == UnconnectedGradients.Zero)
            {
                g = Tf.ZerosLike(source);
            }

            result[i] = g;
        }

        return result;
    }

    /// <summary>The tensors a gradient can flow back from: the sources and every recorded output that depends on one.</summary>
    private static HashSet<Tensor> ReachableFromSources(List<TapeEntry> tape, int count, IReadOnlyList<Tensor> sources)
    {
        var reachable = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (Tensor s in sources)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(sources));
            reachable.Add(s);
        }

        for (int e = 0; e < count; e++)
        {
            TapeEntry entry = tape[e];
            foreach (Tensor input in entry.Inputs)
            {
                if (reachable.Contains(input))
                {
                    reachable.Add(entry.Output);
                    break;
                }
            }
        }

        return reachable;
    }

    private static void Accumulate(Dictionary<Tensor, Tensor> grads, Tensor key, Tensor gradient)
        => grads[key] = grads.TryGetValue(key, out Tensor? existing) ? Tf.Add(existing, gradient) : gradient;

    /// <summary>
    /// Sums a gradient of a broadcast result back to the shape of the input that was broadcast, and casts it
    /// to the input's dtype (a reduced-precision input gets a gradient of its own dtype).
    /// </summary>
    internal static Tensor SumToShape(Tensor gradient, Shape shape, DType dtype)
    {
        if (gradient.Shape != shape)
        {
            ReadOnlySpan<int> g = gradient.Shape.Dims;
            ReadOnlySpan<int> s = shape.Dims;
            int lead = g.Length - s.Length;
            var axes = new List<int>();
            for (int i = 0; i < g.Length; i++)
            {
                if (i < lead || (s[i - lead] == 1 && g[i] != 1))
                {
                    axes.Add(i);
                }
            }

            if (axes.Count > 0)
            {
                gradient = Tf.ReduceSum(gradient, axes.ToArray());
            }

            if (gradient.Shape != shape)
            {
                gradient = Tf.Reshape(gradient, shape);
            }
        }

        return gradient.DType == dtype ? gradient : Tf.Cast(gradient, dtype);
    }
}
