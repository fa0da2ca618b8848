using System.Globalization;

namespace Nabla;

/// <summary>
/// The graph of a traced function (TensorFlow's <c>FuncGraph</c>): its nodes in program order, its inputs
/// (placeholders), its outputs, and what it captures (constants by value, variables by reference, read when the
/// graph runs). Printing it gives one line per operation: name, op type, inputs, dtype and shape.
/// </summary>
public sealed partial class FuncGraph
{
    private readonly List<GraphNode> _nodes = [];
    private readonly List<SymbolicTensor> _inputs = [];
    private readonly Dictionary<string, int> _nameCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<Tensor, SymbolicTensor> _constants = new(ReferenceEqualityComparer.Instance);
    private readonly List<Variable> _createdVariables = [];

    /// <summary>
    /// An empty graph to build symbolically (TensorFlow's <c>tf.Graph</c>, Keras's functional-API graph): add inputs
    /// with <see cref="Placeholder"/>, then call ops inside <see cref="AsDefault"/>; they add nodes and infer shapes
    /// instead of computing. <see cref="Tf.Function{T1, TResult}(Func{T1, TResult}, TensorSpec[], bool, string)"/> builds its graphs this way.
    /// </summary>
    /// <param name="name">The graph's name, used in node and error messages.</param>
    public FuncGraph(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The function's name.</summary>
    public string Name { get; }

    /// <summary>The number of operations, placeholders and constants included.</summary>
    public int OperationCount => _nodes.Count;

    internal IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>
    /// A read-only snapshot of the operations in program order (see <see cref="GraphOperation"/>), TensorFlow's
    /// <c>graph.get_operations()</c>; a method because each call builds a new snapshot.
    /// </summary>
    /// <returns>One <see cref="GraphOperation"/> per node, the i-th with id i.</returns>
    public IReadOnlyList<GraphOperation> GetOperations()
    {
        var ids = new Dictionary<GraphNode, int>(ReferenceEqualityComparer.Instance);
        var operations = new GraphOperation[_nodes.Count];
        for (int i = 0; i < _nodes.Count; i++)
        {
            ids[_nodes[i]] = i;
            operations[i] = new GraphOperation(i, _nodes[i], [.. _nodes[i].Inputs.Select(input => ids[input.Node])]);
        }

        return operations;
    }

    /// <summary>The ids (<see cref="GraphOperation.Id"/>) of the function's inputs, in argument order.</summary>
    public IReadOnlyList<int> InputIds => [.. _inputs.Select(input => _nodes.IndexOf(input.Node))];

    /// <summary>The ids of the values the function returns, in order.</summary>
    public IReadOnlyList<int> OutputIds => [.. Outputs.Select(output => _nodes.IndexOf(output.Node))];

    internal IReadOnlyList<SymbolicTensor> Inputs => _inputs;

    /// <summary>The values the function returns, in order (set when the trace ends).</summary>
    internal IReadOnlyList<SymbolicTensor> Outputs { get; private set; } = [];

    /// <summary>The variables created while tracing (allowed on a function's first trace only).</summary>
    internal IReadOnlyList<Variable> CreatedVariables => _createdVariables;

    /// <summary>The variables the graph reads or assigns, in first-use order.</summary>
    internal IReadOnlyList<Variable> CapturedVariables
    {
        get
        {
            var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
            var result = new List<Variable>();
            foreach (GraphNode node in _nodes)
            {
                if (node.Op is IVariableOp { Variable: var v } && seen.Add(v))
                {
                    result.Add(v);
                }
            }

            return result;
        }
    }

    /// <summary>A symbolic input of the graph: a tensor with <paramref name="spec"/>'s dtype and (possibly partial) shape and no values.</summary>
    public Tensor Placeholder(TensorSpec spec, string? name = null) => AddPlaceholder(spec, name ?? spec.Name, isWeak: false);

    /// <summary>
    /// Makes this graph the calling thread's default until the scope is disposed: ops called meanwhile add nodes to
    /// it (their shapes and dtypes checked and inferred as eagerly), and no tape outside sees them.
    /// </summary>
    public IDisposable AsDefault() => new DefaultScope(this);

    /// <summary>Adds an input of the function.</summary>
    internal SymbolicTensor AddPlaceholder(TensorSpec spec, string? name, bool isWeak)
    {
        SymbolicTensor value = AddNode(new PlaceholderOp(spec, _inputs.Count), [], spec, isWeak, name ?? "args_" + _inputs.Count.ToString(CultureInfo.InvariantCulture));
        _inputs.Add(value);
        return value;
    }

    /// <summary>The constant node of a concrete tensor captured by the trace (one node per tensor object).</summary>
    internal SymbolicTensor Capture(Tensor value)
    {
        if (_constants.TryGetValue(value, out SymbolicTensor? known))
        {
            return known;
        }

        if (value is LentRead lent)
        {
            lent.Variable.MarkShared(); // the graph keeps a variable's lent value for good (a tape's gradient traced here)
        }

        SymbolicTensor constant = AddNode(new ConstantOp(value), [], new TensorSpec(value.Shape, value.DType), value.IsWeak, null, value);
        _constants.Add(value, constant);
        return constant;
    }

    /// <summary>Appends a node of <paramref name="op"/> on <paramref name="inputs"/>, all values of this graph.</summary>
    /// <remarks>The output's values are kept when <paramref name="knownValue"/> gives them (see <see cref="SymbolicTensor"/>).</remarks>
    internal SymbolicTensor AddNode(Op op, SymbolicTensor[] inputs, TensorSpec spec, bool isWeak, string? name, Tensor? knownValue = null)
    {
        var node = new GraphNode(this, op, inputs, UniqueName(name ?? op.Name));
        node.Output = new SymbolicTensor(node, spec, isWeak, knownValue);
        _nodes.Add(node);
        return node.Output;
    }

    /// <summary>A constant node that a pass places itself (not appended), named <paramref name="name"/> as the node it replaces.</summary>
    internal GraphNode NewConstantNode(Tensor value, bool isWeak, string name)
    {
        var node = new GraphNode(this, new ConstantOp(value), [], name);
        node.Output = new SymbolicTensor(node, new TensorSpec(value.Shape, value.DType), isWeak, value);
        return node;
    }

    internal void NoteCreated(Variable variable) => _createdVariables.Add(variable);

    internal void SetOutputs(IReadOnlyList<SymbolicTensor> outputs) => Outputs = outputs;

    /// <summary>Replaces the node list (what the optimization passes produce).</summary>
    internal void ReplaceNodes(IEnumerable<GraphNode> nodes)
    {
        var list = new List<GraphNode>(nodes);
        _nodes.Clear();
        _nodes.AddRange(list);
    }

    private string UniqueName(string name)
    {
        if (_nameCounts.TryGetValue(name, out int count))
        {
            _nameCounts[name] = count + 1;
            return name + "_" + count.ToString(CultureInfo.InvariantCulture);
        }

        _nameCounts[name] = 1;
        return name;
    }

    private sealed class DefaultScope(FuncGraph graph) : IDisposable
    {
        private readonly ExecutionContext.Scope _context =
            ExecutionContext.Enter(new TracingContext(graph, ExecutionContext.Current as TracingContext));

        private readonly TapeStack.SuspendScope _tapes = TapeStack.Suspend();
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _tapes.Dispose();
                _context.Dispose();
            }
        }
    }
}
