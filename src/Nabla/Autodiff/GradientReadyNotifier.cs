namespace Nabla;

/// <summary>
/// Calls a <see cref="GradientReadyCallback"/> for each source of a backward pass as soon as its gradient is final.
/// The walk visits the tape's entries in reverse recording order, and only an entry that reads a source adds to its
/// gradient, so the gradient is final once the walk has passed the earliest entry reading it (at once, for a source
/// no entry reads). Made only when a callback is given: a backward pass without one pays a null check per entry.
/// </summary>
internal sealed class GradientReadyNotifier
{
    private readonly GradientReadyCallback _callback;
    private readonly IReadOnlyList<Tensor> _sources;
    private readonly UnconnectedGradients _unconnected;
    private readonly Tensor?[] _results;

    // The source indices by the entry after which each is final (_finalAfter), latest entry first.
    private readonly int[] _order;
    private readonly int[] _finalAfter;
    private int _next;

    /// <summary>Finds, for each source, the earliest of <paramref name="entries"/> that reads it.</summary>
    public GradientReadyNotifier(GradientReadyCallback callback, IReadOnlyList<Tensor> sources, UnconnectedGradients unconnected,
        Tensor?[] results, ReadOnlySpan<TapeEntry> entries, BackpropIndex index)
    {
        _callback = callback;
        _sources = sources;
        _unconnected = unconnected;
        _results = results;

        // The sources are the first tensors of the index (added before anything they reach), so a slot below
        // `distinct` is a source's.
        int distinct = 0;
        for (int i = 0; i < sources.Count; i++)
        {
            distinct = Math.Max(distinct, index.IndexOf(sources[i]) + 1);
        }

        int[] firstReader = new int[distinct];
        Array.Fill(firstReader, entries.Length);
        for (int e = entries.Length - 1; e >= 0; e--)
        {
            foreach (Tensor input in entries[e].Inputs)
            {
                int k = index.IndexOf(input);
                if (k >= 0 && k < distinct)
                {
                    firstReader[k] = e;
                }
            }
        }

        // Latest first, and in the sources' order among equals: sorted on (count - entry, index) packed in a long.
        _finalAfter = new int[sources.Count];
        long[] keys = new long[sources.Count];
        for (int i = 0; i < sources.Count; i++)
        {
            _finalAfter[i] = firstReader[index.IndexOf(sources[i])];
            keys[i] = ((long)(entries.Length - _finalAfter[i]) << 32) | (uint)i;
        }

        Array.Sort(keys);
        _order = new int[sources.Count];
        for (int j = 0; j < keys.Length; j++)
        {
            _order[j] = (int)(keys[j] & uint.MaxValue);
        }
    }

    /// <summary>Tells the sources whose gradients are final before the walk visits entry <paramref name="entry"/> (-1: after the walk).</summary>
    public void BeforeEntry(int entry, BackpropIndex index)
    {
        while (_next < _order.Length && _finalAfter[_order[_next]] > entry)
        {
            int i = _order[_next++];
            Tensor? gradient = Backprop.ResultFor(index, _sources[i], _unconnected);
            _results[i] = gradient;
            _callback(i, gradient);
        }
    }
}
