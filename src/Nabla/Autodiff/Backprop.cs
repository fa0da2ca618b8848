namespace Nabla;

/// <summary>
/// Reverse-mode accumulation over a tape's entries (ARCHITECTURE.md P6): finds which entries lie downstream of
/// the sources, walks them in reverse recording order (a reverse topological order, since an op is recorded
/// after its inputs are produced), calls each op's gradient rule, sums the result back to each input's shape
/// where broadcasting widened it, and accumulates with <see cref="Tf.Add(Tensor, Tensor)"/>. Everything is
/// computed with public ops, so an outer recording tape (or this tape itself, when persistent and still
/// recording) records it all. One instance serves several passes over the same entries (a Jacobian's rows).
/// </summary>
internal partial struct Backprop : IDisposable
{
    // The index of one backprop is kept per thread for the next one (most gradients are small and frequent); a
    // backprop rents it (so a gradient taken inside a gradient rule gets its own) and gives it back emptied.
    [ThreadStatic]
    private static BackpropIndex? t_pool;

    // The seeds of scalar targets (the usual loss), shared: a tensor is immutable and the seed is never an op's
    // output, so no tape ever marks it. It must not reach user code, which could watch it: a source whose
    // gradient is the seed itself gets a fresh alias, and so does a custom gradient function's upstream.
    private static readonly Tensor s_onesFloat32 = new(new float[] { 1f }, Shape.Scalar, DType.Float32) { IsShared = true };
    private static readonly Tensor s_onesFloat64 = new(new double[] { 1d }, Shape.Scalar, DType.Float64) { IsShared = true };

    // Ones of short vectors (a loss per example), shared the same way; filled lazily, a race keeps either.
    private const int MaxSharedSeedLength = 64;
    private static readonly Tensor?[] s_onesVector32 = new Tensor?[MaxSharedSeedLength + 1];
    private static readonly Tensor?[] s_onesVector64 = new Tensor?[MaxSharedSeedLength + 1];

    private readonly TapeEntry[] _tape;
    private readonly int _count;
    private readonly IReadOnlyList<Tensor>? _sources;
    private readonly Tensor? _source;   // the one source of GradientTape.Gradient(Tensor, Tensor), without a list
    private BackpropIndex? _reachable;

    /// <summary>Prepares passes over the entries recorded so far; entries appended later (a persistent tape recording its own gradient) are not walked.</summary>
    public Backprop(GradientTape tape, IReadOnlyList<Tensor> sources)
    {
        _tape = tape.Entries(out _count);
        _sources = sources;
        _reachable = ReachableFromSources();
    }

    /// <summary>Prepares passes for a single source.</summary>
    public Backprop(GradientTape tape, Tensor source)
    {
        _tape = tape.Entries(out _count);
        _source = source;
        _reachable = ReachableFromSources();
    }

    private int SourceCount => _sources?.Count ?? 1;

    private Tensor SourceAt(int i) => _sources is null ? _source! : _sources[i];

    /// <summary>One backward pass of a single target with a ones seed, for the single source.</summary>
    public Tensor? RunSingle(Tensor target)
    {
        ObjectDisposedException.ThrowIf(_reachable is null, typeof(Backprop));
        BackpropIndex index = _reachable;
        index.ClearGrads();
        if (SeedTarget(index, target, null))
        {
            Walk(index);
        }

        Tensor? result = ResultFor(index, SourceAt(0), UnconnectedGradients.None);
        index.ClearGrads();
        return result;
    }

    /// <summary>
    /// One backward pass: the gradient of sum_i(seeds[i] * targets[i]) with respect to each source, null where
    /// unconnected (or zeros of the source's shape with <see cref="UnconnectedGradients.Zero"/>).
    /// </summary>
    /// <param name="targets">The targets.</param>
    /// <param name="seeds">Their output gradients (null: ones).</param>
    /// <param name="unconnected">What an unconnected source gets.</param>
    /// <param name="ready">Told each source's gradient as soon as it is final (<see cref="GradientReadyNotifier"/>).</param>
    public Tensor?[] Run(IReadOnlyList<Tensor> targets, IReadOnlyList<Tensor?>? seeds, UnconnectedGradients unconnected,
        GradientReadyCallback? ready = null)
    {
        ObjectDisposedException.ThrowIf(_reachable is null, typeof(Backprop));
        BackpropIndex index = _reachable;
        index.ClearGrads();
        bool any = false;
        for (int i = 0; i < targets.Count; i++)
        {
            any |= SeedTarget(index, targets[i], seeds?[i]);
        }

        var result = new Tensor?[SourceCount];
        GradientReadyNotifier? notifier = ready is null
            ? null
            : new GradientReadyNotifier(ready, _sources!, unconnected, result, _tape.AsSpan(0, _count), index);
        if (any)
        {
            Walk(index, notifier);
        }

        if (notifier is not null)
        {
            notifier.BeforeEntry(-1, index);
        }
        else
        {
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = ResultFor(index, SourceAt(i), unconnected);
            }
        }

        index.ClearGrads();
        return result;
    }

    /// <summary>Seeds a target's gradient; false when it has none to give (not floating, or not depending on any source).</summary>
    private static bool SeedTarget(BackpropIndex index, Tensor target, Tensor? given)
    {
        if (!target.DType.IsFloating)
        {
            return false;
        }

        // A target outside the reachable set does not depend on any source: its gradient flows nowhere (the
        // given seed is still checked).
        Tensor seed = Seed(target, given);
        int k = index.IndexOf(target);
        if (k < 0)
        {
            return false;
        }

        Accumulate(index.Grads, k, seed);
        return true;
    }

    /// <summary>What <c>Gradient</c> returns for <paramref name="source"/>, from the gradients accumulated so far.</summary>
    internal static Tensor? ResultFor(BackpropIndex index, Tensor source, UnconnectedGradients unconnected)
    {
        int k = source.DType.IsFloating ? index.IndexOf(source) : -1;
        Tensor? g = k >= 0 ? index.Grads[k] : null;
        if (g is null && unconnected == UnconnectedGradients.Zero)
        {
            g = Tf.ZerosLike(source);
        }

        return Unshared(g);
    }

    /// <summary>Gives the index back to this thread's pool; the instance cannot run again.</summary>
    public void Dispose()
    {
        BackpropIndex? index = _reachable;
        _reachable = null;
        if (index is not null && index.Reset())
        {
            t_pool = index;
        }
    }

    private void Walk(BackpropIndex index, GradientReadyNotifier? notifier = null)
    {
        Span<bool> needs = stackalloc bool[GradSlots.Length];
        Span<int> slots = stackalloc int[GradSlots.Length];
        GradSlots inline = default;
        Span<Tensor?> grads = inline;
        for (int e = _count - 1; e >= 0; e--)
        {
            notifier?.BeforeEntry(e, index);

            // The array slots below _count are never rewritten (appends go above, growth copies), so the
            // inputs can be read in place.
            ref readonly TapeEntry entry = ref _tape[e];
            int o = index.IndexOf(entry.Output);
            Tensor? upstream = o >= 0 ? index.Grads[o] : null;
            if (upstream is null)
            {
                continue;
            }

            ReadOnlySpan<Tensor> inputs = entry.Inputs;
            if (needs.Length < inputs.Length)
            {
                needs = new bool[inputs.Length];
                slots = new int[inputs.Length];
                grads = new Tensor?[inputs.Length];
            }

            bool any = false;
            for (int i = 0; i < inputs.Length; i++)
            {
                int k = inputs[i].DType.IsFloating ? index.IndexOf(inputs[i]) : -1;
                slots[i] = k;
                needs[i] = k >= 0;
                any |= k >= 0;
            }

            if (!any)
            {
                continue;
            }

            Span<Tensor?> inputGrads = grads[..inputs.Length];
            inputGrads.Clear();
            entry.Op.Gradient(inputs, entry.Output, upstream, needs[..inputs.Length], inputGrads);
            for (int i = 0; i < inputs.Length; i++)
            {
                Tensor? g = inputGrads[i];
                if (g is LentRead lent)
                {
                    lent.Variable.MarkShared(); // a rule passed a variable's lent value on: the caller may keep it
                }

                if (g is not null && needs[i])
                {
                    Accumulate(index.Grads, slots[i], SumToShape(g, inputs[i]));
                }
            }
        }
    }

    /// <summary>The starting gradient of a target: ones, or the caller's output gradient (a weak C# value takes the target's dtype).</summary>
    private static Tensor Seed(Tensor target, Tensor? given)
    {
        if (given is null)
        {
            return Ones(target);
        }

        if (given.IsWeak)
        {
            given = DTypeRules.ConvertWeak(given, target.DType, "GradientTape.Gradient");
        }

        if (given.DType != target.DType)
        {
            throw new ArgumentException(
                $"Output gradient of dtype {given.DType} does not match its target of dtype {target.DType} (outputGradients of GradientTape.Gradient).");
        }

        if (given.Shape != target.Shape)
        {
            throw new ArgumentException(
                $"Output gradient of shape {given.Shape} does not match its target of shape {target.Shape} (outputGradients of GradientTape.Gradient).");
        }

        return given;
    }

    /// <summary>
    /// <c>upstream * factor</c> for a gradient rule, skipping the multiply when <paramref name="upstream"/> is a
    /// shared ones seed of the factor's shape and dtype (the first rule of a backprop): the product would equal
    /// the factor exactly, and depend on the same tensors.
    /// </summary>
    internal static Tensor TimesUpstream(Tensor upstream, Tensor factor)
        => IsSharedSeed(upstream) && !factor.IsWeak && factor.DType == upstream.DType && factor.Shape == upstream.Shape
            ? factor
            : Tf.Multiply(upstream, factor);

    /// <summary>
    /// <paramref name="t"/>, or a fresh alias of it when it is shared (<see cref="Tensor.IsShared"/>): every
    /// gradient goes through this before it reaches user code (a result, a custom gradient function's upstream).
    /// A rule may hand a shared tensor on (the seed as upstream, a converted C# integer as a factor), so this exit
    /// check, not the rules, keeps the invariant.
    /// </summary>
    internal static Tensor? Unshared(Tensor? t) => t is { IsShared: true } ? Tf.Identity(t) : t;

    /// <summary>Whether <paramref name="t"/> is one of the shared ones seeds (the product of a factor with it is the factor).</summary>
    internal static bool IsSharedSeed(Tensor? t)
    {
        if (t is null || t.Rank > 1)
        {
            return false;
        }

        if (t.Rank == 0)
        {
            return ReferenceEquals(t, s_onesFloat32) || ReferenceEquals(t, s_onesFloat64);
        }

        int n = t.Size; // -1 for a traced shape with unknown dimensions
        return n is >= 0 and <= MaxSharedSeedLength && (ReferenceEquals(t, s_onesVector32[n]) || ReferenceEquals(t, s_onesVector64[n]));
    }

    /// <summary>Ones like <paramref name="t"/>, allocated directly for the common dtypes (the seed is a constant: no op needed).</summary>
    private static Tensor Ones(Tensor t)
    {
        if (t.Shape.Rank == 0 && t.DType.Code is DTypeCode.Float32 or DTypeCode.Float64)
        {
            return t.DType.Code == DTypeCode.Float32 ? s_onesFloat32 : s_onesFloat64;
        }

        if (t.Shape.Rank == 1 && t.Size is > 0 and <= MaxSharedSeedLength)
        {
            int n = t.Size;
            switch (t.DType.Code)
            {
                case DTypeCode.Float32:
                    return s_onesVector32[n] ??= new Tensor(Filled(new float[n], 1f), Shape.Vector(n), DType.Float32) { IsShared = true };
                case DTypeCode.Float64:
                    return s_onesVector64[n] ??= new Tensor(Filled(new double[n], 1d), Shape.Vector(n), DType.Float64) { IsShared = true };
            }
        }

        switch (t.DType.Code)
        {
            case DTypeCode.Float32:
                var f = GC.AllocateUninitializedArray<float>(t.Size);
                Array.Fill(f, 1f);
                return new Tensor(f, t.Shape, t.DType);
            case DTypeCode.Float64:
                var d = GC.AllocateUninitializedArray<double>(t.Size);
                Array.Fill(d, 1d);
                return new Tensor(d, t.Shape, t.DType);
            default:
                return Tf.OnesLike(t);
        }
    }

    private static T[] Filled<T>(T[] array, T value)
    {
        Array.Fill(array, value);
        return array;
    }

    /// <summary>The tensors a gradient can flow back from: the sources and every recorded output that depends on one.</summary>
    private BackpropIndex ReachableFromSources()
    {
        BackpropIndex reachable = t_pool ?? new();
        t_pool = null;
        for (int i = 0; i < SourceCount; i++)
        {
            Tensor s = SourceAt(i);
            ArgumentNullException.ThrowIfNull(s, "sources");
            reachable.Add(s);
        }

        ReadOnlySpan<TapeEntry> entries = _tape.AsSpan(0, _count);
        foreach (ref readonly TapeEntry entry in entries)
        {
            foreach (Tensor input in entry.Inputs)
            {
                if (reachable.IndexOf(input) >= 0)
                {
                    reachable.Add(entry.Output);
                    break;
                }
            }
        }

        return reachable;
    }

    /// <summary>Room on the stack for the gradients of an op's inputs (more inputs use an array).</summary>
    [System.Runtime.CompilerServices.InlineArray(8)]
    private struct GradSlots
    {
        public const int Length = 8;

        private Tensor? _element;
    }

    private static void Accumulate(Span<Tensor?> grads, int slot, Tensor gradient)
    {
        Tensor? existing = grads[slot];
        grads[slot] = existing is null ? gradient : Tf.Add(existing, gradient);
    }
}
