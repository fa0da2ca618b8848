namespace Nabla;

/// <summary>
/// A read-only view of one operation of a traced graph (<see cref="FuncGraph.GetOperations"/>), for tools that read
/// graphs, such as an ONNX exporter: TensorFlow's <c>Operation</c> (<c>name</c>, <c>type</c>) with its <c>NodeDef</c>'s
/// attributes. Every operation produces one value, identified by the operation's <see cref="Id"/> (where TensorFlow
/// has <c>outputs[0]</c> and <c>Tensor.op</c>); <see cref="Inputs"/> lists the ids of the values it reads.
/// </summary>
public sealed class GraphOperation
{
    internal static readonly IReadOnlyDictionary<string, object> NoAttributes = new Dictionary<string, object>(0);

    internal GraphOperation(int id, GraphNode node, int[] inputs)
    {
        Id = id;
        Name = node.Name;
        Type = node.Op.Name;
        Inputs = inputs;
        Output = new TensorSpec(node.Output.Shape, node.Output.DType, node.Name);
        Attributes = node.Op.Attributes;
        Value = node.Op switch
        {
            ConstantOp c => c.Value,
            IVariableOp v => v.Variable,
            _ => null,
        };
    }

    /// <summary>The operation's position in program order, which is also the id of the value it produces.</summary>
    public int Id { get; }

    /// <summary>Its name, unique in the graph (<c>MatMul_1</c>).</summary>
    public string Name { get; }

    /// <summary>
    /// TensorFlow's op type, as its <c>Operation.type</c> (<c>MatMul</c>, <c>AddV2</c>, <c>Relu</c>...); graph-only
    /// operations are <c>Placeholder</c> (an input), <c>Const</c> (a captured tensor), <c>ReadVariableOp</c> and
    /// <c>AssignVariableOp</c>.
    /// </summary>
    public string Type { get; }

    /// <summary>The ids of the values it reads, in order.</summary>
    public IReadOnlyList<int> Inputs { get; }

    /// <summary>The dtype and shape (unknown dimensions, such as a batch traced as None, are null) of its value.</summary>
    public TensorSpec Output { get; }

    /// <summary>Its attributes by TensorFlow's names (<c>transpose_a</c>: bool, <c>strides</c>: int[], <c>padding</c>: string).</summary>
    public IReadOnlyDictionary<string, object> Attributes { get; }

    /// <summary>A <c>Const</c>'s captured tensor, or the <see cref="Variable"/> a variable operation reads or writes; otherwise null.</summary>
    public Tensor? Value { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} = {Type}({string.Join(", ", Inputs)})";
}
