using System.Collections.Concurrent;
using Nabla.Backends;

namespace Nabla;

/// <summary>
/// Runs a concrete function's graph with no tape and no dispatch through the execution context: each step of the
/// <see cref="ExecutionPlan"/> for the call's input shapes, in program order, in a rented <see cref="Arena"/>.
/// Variables are read and assigned when their nodes run; random nodes draw new numbers on every run (their values
/// can be saved for a backward function). A graph with unknown dimensions gets one plan per set of input shapes.
/// </summary>
internal sealed class GraphExecutor
{
    private readonly GraphNode[] _nodes;
    private readonly int[][] _inputs;
    private readonly int[] _outputs;
    private readonly bool _fullyDefined;
    private readonly bool _allowInPlaceUpdates;
    private readonly object _lock = new();
    private readonly Dictionary<ShapesKey, PlanEntry> _plans = [];
    private PlanEntry? _only;

    /// <param name="graph">The graph to run.</param>
    /// <param name="allowInPlaceUpdates">
    /// False for a control-flow branch: its arguments may be views of variables that the enclosing graph still
    /// reads, which the branch cannot see, so its assignments never write into a variable's buffer.
    /// </param>
    public GraphExecutor(FuncGraph graph, bool allowInPlaceUpdates = true)
    {
        _allowInPlaceUpdates = allowInPlaceUpdates;
        _nodes = [.. graph.Nodes];
        var index = new Dictionary<GraphNode, int>(_nodes.Length, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _nodes.Length; i++)
        {
            index[_nodes[i]] = i;
        }

        _inputs = new int[_nodes.Length][];
        var stateful = new List<GraphNode>();
        _fullyDefined = true;
        for (int i = 0; i < _nodes.Length; i++)
        {
            SymbolicTensor[] inputs = _nodes[i].Inputs;
            _inputs[i] = new int[inputs.Length];
            for (int j = 0; j < inputs.Length; j++)
            {
                _inputs[i][j] = index[inputs[j].Node];
            }

            _fullyDefined &= _nodes[i].Output.Shape.IsFullyDefined;
            if (_nodes[i].Op is RandomOp)
            {
                stateful.Add(_nodes[i]);
            }
        }

        _outputs = new int[graph.Outputs.Count];
        for (int i = 0; i < _outputs.Length; i++)
        {
            _outputs[i] = index[graph.Outputs[i].Node];
        }

        StatefulNodes = [.. stateful];
    }

    /// <summary>The nodes whose values a backward function needs saved (random numbers), in program order.</summary>
    public GraphNode[] StatefulNodes { get; }

    /// <summary>The plan for inputs of these shapes (built on first use).</summary>
    internal ExecutionPlan PlanFor(IReadOnlyList<Tensor> args) => EntryFor(args).Plan;

    /// <summary>Runs the graph on <paramref name="args"/>; appends the values of <see cref="StatefulNodes"/> to <paramref name="saved"/> when given.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> args, List<Tensor>? saved)
    {
        PlanEntry entry = EntryFor(args);
        Arena arena = entry.Rent();
        try
        {
            return Run(entry.Plan, arena, args, saved);
        }
        finally
        {
            entry.Return(arena);
        }
    }

    private static Tensor[] Run(ExecutionPlan plan, Arena arena, IReadOnlyList<Tensor> args, List<Tensor>? saved)
    {
        Tensor[] values = arena.Values;
        Tensor[] scratch = arena.Scratch;
        StepKind[] kinds = plan.Kinds;
        int[][] inputsOf = plan.Inputs;
        for (int i = 0; i < kinds.Length; i++)
        {
            int[] inputs = inputsOf[i];
            for (int j = 0; j < inputs.Length; j++)
            {
                scratch[j] = values[inputs[j]];
            }

            ReadOnlySpan<Tensor> span = scratch.AsSpan(0, inputs.Length);
            Op op = plan.Ops[i];
            switch (kinds[i])
            {
                case StepKind.Argument:
                    values[i] = args[((PlaceholderOp)op).Index];
                    break;
                case StepKind.Constant:
                    values[i] = arena.Fixed[i]!;
                    break;
                case StepKind.ReadVariable:
                    values[i] = Read(arena, i, ((VariableReadOp)op).Variable);
                    break;
                case StepKind.Alias:
                    if (arena.Fixed[i] is not null && op is CheckValuesOp checks)
                    {
                        checks.Check(span[0]);
                    }

                    values[i] = arena.Fixed[i] ?? op.Evaluate(span, plan.Specs[i]);
                    break;
                case StepKind.Compute:
                    values[i] = plan.InPlaceTargets[i] is { } target
                        ? ComputeInto(target, arena, i, op, span, plan.Specs[i])
                        : Compute(op, span, arena.Fixed[i], plan.Specs[i]);
                    break;
                case StepKind.Random:
                    values[i] = Compute(((RandomOp)op).Redraw(), span, null, plan.Specs[i]);
                    saved?.Add(values[i]);
                    break;
                case StepKind.Fused:
                    break; // computed by its group's root, later
                case StepKind.Dynamic:
                    values[i] = op.Evaluate(span, op.InferOutput(span)); // sized from the values, as eagerly
                    break;
                case StepKind.Assign:
                    Assign(((AssignVariableOp)op).Variable, span[0], plan.InPlaceTargets[inputs[0]] is not null);
                    values[i] = span[0];
                    break;
                default:
                    values[i] = op.Evaluate(span, plan.Specs[i]);
                    break;
            }
        }

        int[] outputs = plan.Outputs;
        var result = new Tensor[outputs.Length];
        foreach (Variable shown in plan.VariablesShownByOutputs)
        {
            shown.MarkShared(); // the caller gets a view of its buffer: no graph may write into it now
        }

        for (int k = 0; k < result.Length; k++)
        {
            // Every output is a tensor object of its own, even where the graph returns an argument or a constant,
            // so tapes never see one object as both an input and an output of the call.
            Tensor value = values[outputs[k]];
            result[k] = plan.Kinds[outputs[k]] is StepKind.Compute or StepKind.Random && Array.IndexOf(outputs, outputs[k]) == k
                ? value
                : new Tensor(value.Buffer, value.Shape, value.DType, value.Size, isWeak: false);
        }

        Array.Clear(values);
        Array.Clear(scratch);
        return result;
    }

    private static Tensor Compute(Op op, ReadOnlySpan<Tensor> inputs, Tensor? arenaOutput, TensorSpec spec)
    {
        Tensor output = arenaOutput ?? Tensor.Uninitialized(spec.Shape, spec.DType);
        if (output.Size > 0)
        {
            BackendRegistry.Run(op, inputs, output);
        }

        return output;
    }

    // An update computed straight into the variable's own buffer when it has one; otherwise into a fresh buffer
    // that becomes its own at the assignment.
    private static Tensor ComputeInto(Variable target, Arena arena, int i, Op op, ReadOnlySpan<Tensor> inputs, TensorSpec spec)
    {
        Tensor output = target.IsExclusive && target.CurrentBuffer.Length >= spec.Shape.Size
            ? Read(arena, i, target)
            : Tensor.Uninitialized(spec.Shape, spec.DType);
        if (output.Size > 0)
        {
            BackendRegistry.Run(op, inputs, output);
        }

        return output;
    }

    private static void Assign(Variable variable, Tensor value, bool owned)
    {
        if (!ReferenceEquals(value.Buffer, variable.CurrentBuffer))
        {
            if (owned)
            {
                variable.StoreExclusive(value);
            }
            else
            {
                variable.StoreEager(value);
            }
        }
    }

    // A variable's value is a view of its current buffer; the view is reused while the buffer stays the same.
    private static Tensor Read(Arena arena, int i, Variable variable)
    {
        Array buffer = variable.CurrentBuffer;
        Tensor? cached = arena.ReadCache[i];
        if (cached is not null && ReferenceEquals(cached.Buffer, buffer))
        {
            return cached;
        }

        var view = new Tensor(buffer, variable.Shape, variable.DType, variable.Size, isWeak: false);
        arena.ReadCache[i] = view;
        return view;
    }

    private PlanEntry EntryFor(IReadOnlyList<Tensor> args)
    {
        if (_fullyDefined && _only is { } only)
        {
            return only;
        }

        lock (_lock)
        {
            if (_fullyDefined)
            {
                return _only ??= new PlanEntry(new ExecutionPlan(_nodes, _inputs, _outputs, args, _allowInPlaceUpdates));
            }

            var key = new ShapesKey(args);
            if (!_plans.TryGetValue(key, out PlanEntry? entry))
            {
                entry = new PlanEntry(new ExecutionPlan(_nodes, _inputs, _outputs, args, _allowInPlaceUpdates));
                _plans.Add(key, entry);
            }

            return entry;
        }
    }

    /// <summary>A plan and its pool of arenas: one kept at hand for the usual single caller, more made for concurrent calls.</summary>
    private sealed class PlanEntry(ExecutionPlan plan)
    {
        private readonly ConcurrentBag<Arena> _spare = [];
        private Arena? _hand;

        public ExecutionPlan Plan { get; } = plan;

        public Arena Rent() => Interlocked.Exchange(ref _hand, null) ?? (_spare.TryTake(out Arena? a) ? a : new Arena(Plan));

        public void Return(Arena arena)
        {
            if (Interlocked.CompareExchange(ref _hand, arena, null) is not null)
            {
                _spare.Add(arena);
            }
        }
    }

    /// <summary>The shapes of a call's arguments (the key of a graph with unknown dimensions' plans).</summary>
    private readonly struct ShapesKey : IEquatable<ShapesKey>
    {
        private readonly Shape[] _shapes;

        public ShapesKey(IReadOnlyList<Tensor> args)
        {
            _shapes = new Shape[args.Count];
            for (int i = 0; i < _shapes.Length; i++)
            {
                _shapes[i] = args[i].Shape;
            }
        }

        public bool Equals(ShapesKey other) => _shapes.AsSpan().SequenceEqual(other._shapes);

        public override bool Equals(object? obj) => obj is ShapesKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = default(HashCode);
            foreach (Shape s in _shapes)
            {
                hash.Add(s);
            }

            return hash.ToHashCode();
        }
    }
}
