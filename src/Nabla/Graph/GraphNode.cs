namespace Nabla;

/// <summary>
/// One operation of a traced graph, in program order: the op (which holds its attributes), its input values and
/// its output value. Placeholders, constants, variable reads and assignments and prints are nodes too, each an
/// <see cref="Op"/> of its own (<c>Graph/GraphOps.cs</c>), so passes and the executor see one kind of thing.
/// </summary>
internal sealed class GraphNode
{
    internal GraphNode(FuncGraph graph, Op op, SymbolicTensor[] inputs, string name)
    {
        Graph = graph;
        Op = op;
        Inputs = inputs;
        Name = name;
    }

    /// <summary>The graph the node belongs to.</summary>
    public FuncGraph Graph { get; }

    /// <summary>The operation, with its attributes.</summary>
    public Op Op { get; }

    /// <summary>The values it reads.</summary>
    public SymbolicTensor[] Inputs { get; }

    /// <summary>The value it produces (set right after construction).</summary>
    public SymbolicTensor Output { get; internal set; } = null!;

    /// <summary>A name unique in its graph (the op's name, then <c>_1</c>, <c>_2</c>...).</summary>
    public string Name { get; }

    /// <summary>Whether running it has an effect beyond its output (an assignment, a print), so no pass may drop it.</summary>
    public bool HasSideEffect => Op is IGraphSideEffect;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Marks the graph ops whose execution changes something outside the graph (variables, output): never pruned, never merged.</summary>
internal interface IGraphSideEffect
{
}

/// <summary>Marks ops whose result differs from run to run for the same inputs (random numbers, variable reads): never folded, never merged.</summary>
internal interface IGraphStateful
{
}
