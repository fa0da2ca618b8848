using System.Reflection;

namespace Nabla;

/// <summary>
/// The untyped heart of <see cref="PolymorphicFunction{TDelegate}"/>: the cache of concrete functions keyed by the
/// flattened arguments (TensorFlow's retracing rules), tracing, and the call.
/// </summary>
internal sealed class FunctionCore
{
    private readonly Func<object?[], object?> _body;
    private readonly string[] _parameterNames;
    private readonly TensorSpec[]? _inputSignature;
    private readonly bool _reduceRetracing;
    private readonly object _lock = new();
    private readonly List<CacheEntry> _cache = [];
    private readonly RetracingDetector _retracing = new();
    private int _tracingCount;

    public FunctionCore(Delegate body, Func<object?[], object?> invoke, TensorSpec[]? inputSignature, bool reduceRetracing, string? name)
    {
        _body = invoke;
        MethodInfo method = body.Method;
        Name = name ?? FunctionName(method);
        _parameterNames = [.. method.GetParameters().Select(p => p.Name ?? "arg")];
        _inputSignature = inputSignature is null ? null : [.. inputSignature];
        _reduceRetracing = reduceRetracing;
    }

    public string Name { get; }

    /// <summary>How many times the body has been traced (TensorFlow's <c>experimental_get_tracing_count()</c>).</summary>
    public int TracingCount => Volatile.Read(ref _tracingCount);

    /// <summary>Calls the function: runs its traced graph for these arguments, tracing first if no trace fits.</summary>
    public object? Call(object?[] args)
    {
        if (Tf.Config.FunctionsRunEagerly)
        {
            return _body(args);
        }

        (ConcreteFunction function, IReadOnlyList<Tensor> tensors) = TryFast(args) ?? Slow(args);
        Tensor[] outputs = ExecutionContext.Current.CallFunction(function, function.CheckInputs(tensors));
        int next = 0;
        return function.Structure.Pack(outputs, ref next);
    }

    // The steady state: arguments that are tensors, variables and C# values, one per key entry, matching a trace.
    private (ConcreteFunction, IReadOnlyList<Tensor>)? TryFast(object?[] args)
    {
        lock (_lock)
        {
            foreach (CacheEntry entry in _cache)
            {
                if (entry.MatchesFlat(args, out Tensor[]? tensors))
                {
                    _retracing.CalledWithoutTracing();
                    return (entry.Function, tensors!);
                }
            }
        }

        return null;
    }

    private (ConcreteFunction, IReadOnlyList<Tensor>) Slow(object?[] args)
    {
        var tensors = new List<Tensor>();
        var key = new List<object?>();
        for (int i = 0; i < args.Length; i++)
        {
            FunctionArguments.Flatten(args[i], tensors, key);
        }

        return (Lookup(args, tensors, key, countCall: true), tensors);
    }

    /// <summary>
    /// The concrete function for these arguments, traced if needed (TensorFlow's <c>get_concrete_function</c>).
    /// A <see cref="TensorSpec"/> argument stands for any tensor it covers.
    /// </summary>
    public ConcreteFunction GetConcreteFunction(object?[] args)
    {
        var tensors = new List<Tensor>();
        var key = new List<object?>();
        var specs = new List<TensorSpec>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is TensorSpec spec)
            {
                // A spec stands for a tensor: the trace takes its (possibly partial) shape as is.
                tensors.Add(new SpecTensor(spec));
                key.Add(new FunctionArguments.TensorKey(spec.DType, spec.Shape, false));
                args[i] = tensors[^1];
            }
            else
            {
                FunctionArguments.Flatten(args[i], tensors, key);
            }
        }

        return Lookup(args, tensors, key, countCall: false);
    }

    private ConcreteFunction Lookup(object?[] args, List<Tensor> tensors, List<object?> key, bool countCall)
    {
        lock (_lock)
        {
            foreach (CacheEntry entry in _cache)
            {
                if (entry.Matches(key))
                {
                    if (countCall)
                    {
                        _retracing.CalledWithoutTracing();
                    }

                    return entry.Function;
                }
            }

            TensorSpec[] specs = SpecsFor(tensors, key);
            ConcreteFunction function = Trace(args, tensors, specs);
            _cache.Add(new CacheEntry(RelaxKey(key, specs), function, Relaxed: _inputSignature is not null || _reduceRetracing));
            if (countCall)
            {
                _retracing.CalledWithTracing(Name);
            }

            return function;
        }
    }

    private TensorSpec[] SpecsFor(List<Tensor> tensors, List<object?> key)
    {
        if (_inputSignature is { } signature)
        {
            CheckSignature(signature, tensors);
            return signature;
        }

        var specs = new TensorSpec[tensors.Count];
        for (int i = 0; i < specs.Length; i++)
        {
            specs[i] = new TensorSpec(tensors[i].Shape, tensors[i].DType);
        }

        if (_reduceRetracing)
        {
            // TensorFlow's reduce_retracing: where an earlier trace had the same dtypes and ranks, make the
            // dimensions that differ unknown, so one more trace covers both and those to come.
            foreach (CacheEntry entry in _cache)
            {
                entry.Generalize(key, specs);
            }
        }

        return specs;
    }

    private void CheckSignature(TensorSpec[] signature, List<Tensor> tensors)
    {
        bool fits = signature.Length == tensors.Count;
        for (int i = 0; fits && i < tensors.Count; i++)
        {
            Tensor t = tensors[i];
            fits = signature[i].Shape.IsCompatibleWith(t.Shape) && (signature[i].DType == t.DType || t.IsWeak);
        }

        if (!fits)
        {
            throw new ArgumentException(
                $"Python inputs incompatible with input_signature: the function '{Name}' was given tensors " +
                $"({string.Join(", ", tensors.Select(t => $"{t.DType} {t.Shape}"))}) but its input_signature is ({string.Join(", ", signature)}).");
        }
    }

    private ConcreteFunction Trace(object?[] args, List<Tensor> tensors, TensorSpec[] specs)
    {
        var graph = new FuncGraph(Name);
        var tracing = new TracingContext(graph, ExecutionContext.Current as TracingContext);
        var outputs = new List<SymbolicTensor>();
        OutputStructure structure;
        using (ExecutionContext.Enter(tracing))
        using (TapeStack.Suspend())
        {
            var placeholders = new Tensor[tensors.Count];
            for (int i = 0; i < placeholders.Length; i++)
            {
                string? name = specs[i].Name ?? (tensors.Count == _parameterNames.Length ? _parameterNames[i] : null);
                placeholders[i] = graph.AddPlaceholder(specs[i], name, tensors[i].IsWeak);
            }

            var traced = new object?[args.Length];
            int next = 0;
            for (int i = 0; i < args.Length; i++)
            {
                traced[i] = FunctionArguments.Rebuild(args[i], placeholders, ref next, typeof(Tensor));
            }

            structure = OutputStructure.Of(_body(traced), tracing, outputs);
        }

        graph.SetOutputs(outputs);
        if (graph.CreatedVariables.Count > 0 && _tracingCount > 0)
        {
            throw new InvalidOperationException(
                "tf.function only supports singleton tf.Variables created on the first call. Make sure the tf.Variable is only " +
                $"created once or created outside tf.function (the function '{Name}' created {graph.CreatedVariables.Count} " +
                $"variable(s), '{graph.CreatedVariables[0].Name}' first, while tracing for a new input signature).");
        }

        Interlocked.Increment(ref _tracingCount);
        GraphOptimizer.Optimize(graph);
        return new ConcreteFunction(graph, specs, structure);
    }

    // With a signature or reduced retracing, the entry's tensor keys are those of the traced specs (partial shapes).
    private static List<object?> RelaxKey(List<object?> key, TensorSpec[] specs)
    {
        var relaxed = new List<object?>(key);
        int t = 0;
        for (int i = 0; i < relaxed.Count; i++)
        {
            if (relaxed[i] is FunctionArguments.TensorKey k)
            {
                relaxed[i] = k with { Shape = specs[t].Shape, DType = specs[t].DType };
                t++;
            }
        }

        return relaxed;
    }

    private static string FunctionName(MethodInfo method)
    {
        // A lambda's compiled name is "<Outer>b__0_1" ("<<Main>$>b__0_0" in top-level statements): show the
        // enclosing method's name instead.
        string name = method.Name.TrimStart('<');
        int close = name.IndexOf('>', StringComparison.Ordinal);
        return close > 0 ? name[..close] : name;
    }

    private sealed record CacheEntry(List<object?> Key, ConcreteFunction Function, bool Relaxed)
    {
        private readonly int _flatTensorCount = FlatTensorCount(Key);

        /// <summary>Whether each argument is one key entry (no lists or tuples) and they match; the tensors in order when so.</summary>
        public bool MatchesFlat(object?[] args, out Tensor[]? tensors)
        {
            tensors = null;
            if (_flatTensorCount < 0 || args.Length != Key.Count)
            {
                return false;
            }

            for (int i = 0; i < args.Length; i++)
            {
                bool fits = Key[i] switch
                {
                    FunctionArguments.TensorKey k => args[i] is Tensor t and not Variable && Fits(k, t),
                    FunctionArguments.VariableKey v => ReferenceEquals(args[i], v.Variable),
                    FunctionArguments.ConstantKey c => args[i] is not (Tensor or Array or System.Runtime.CompilerServices.ITuple)
                        && Equals(c, new FunctionArguments.ConstantKey(args[i])),
                    _ => false,
                };
                if (!fits)
                {
                    return false;
                }
            }

            tensors = new Tensor[_flatTensorCount];
            int next = 0;
            for (int i = 0; i < args.Length; i++)
            {
                if (Key[i] is FunctionArguments.TensorKey)
                {
                    tensors[next++] = (Tensor)args[i]!;
                }
            }

            return true;
        }

        private bool Fits(FunctionArguments.TensorKey key, Tensor t)
            => Relaxed
                ? key.Shape.IsCompatibleWith(t.Shape) && (key.DType == t.DType || t.IsWeak)
                : key.DType == t.DType && key.IsWeak == t.IsWeak && key.Shape == t.Shape;

        // The number of tensors when every key entry is one plain argument, or -1.
        private static int FlatTensorCount(List<object?> key)
        {
            int count = 0;
            foreach (object? k in key)
            {
                if (k is FunctionArguments.StructureKey)
                {
                    return -1;
                }

                count += k is FunctionArguments.TensorKey ? 1 : 0;
            }

            return count;
        }

        public bool Matches(List<object?> key)
        {
            if (key.Count != Key.Count)
            {
                return false;
            }

            for (int i = 0; i < key.Count; i++)
            {
                if (Key[i] is FunctionArguments.TensorKey mine && key[i] is FunctionArguments.TensorKey theirs)
                {
                    bool fits = Relaxed
                        ? mine.Shape.IsCompatibleWith(theirs.Shape) && (mine.DType == theirs.DType || theirs.IsWeak)
                        : mine == theirs;
                    if (!fits)
                    {
                        return false;
                    }
                }
                else if (!Equals(Key[i], key[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Makes unknown the dimensions where <paramref name="specs"/> differs from this entry with the same structure, dtypes and ranks.</summary>
        public void Generalize(List<object?> key, TensorSpec[] specs)
        {
            if (key.Count != Key.Count)
            {
                return;
            }

            var candidate = (TensorSpec[])specs.Clone();
            int t = 0;
            for (int i = 0; i < key.Count; i++)
            {
                if (Key[i] is FunctionArguments.TensorKey mine && key[i] is FunctionArguments.TensorKey)
                {
                    TensorSpec spec = candidate[t];
                    if (mine.DType != spec.DType || mine.Shape.Rank != spec.Shape.Rank)
                    {
                        return;
                    }

                    candidate[t] = new TensorSpec(Common(mine.Shape, spec.Shape), spec.DType, spec.Name);
                    t++;
                }
                else if (!Equals(Key[i], key[i]))
                {
                    return;
                }
            }

            candidate.CopyTo(specs, 0);
        }

        private static Shape Common(Shape a, Shape b)
        {
            var dims = new int?[a.Rank];
            for (int i = 0; i < dims.Length; i++)
            {
                int? x = a.Dimension(i);
                dims[i] = x == b.Dimension(i) ? x : null;
            }

            return Shape.Partial(dims);
        }
    }
}
