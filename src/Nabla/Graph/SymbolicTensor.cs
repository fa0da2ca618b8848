namespace Nabla;

/// <summary>
/// A value of a traced graph (TensorFlow's graph tensor): a shape (possibly with unknown dimensions) and a dtype,
/// produced by one node, and no elements. It exists only while a function is traced; the ops called on it add
/// nodes instead of computing. Reading its values (<see cref="Tensor.Item{T}"/>, <see cref="Tensor.ToArray()"/>,
/// an eager op) throws: they are only known when the function runs.
/// </summary>
/// <remarks>
/// Values known at trace time are kept: a constant's, and those of a small pure op on known values (a constant
/// through StopGradient, Cast or Reshape), so an op whose output shape depends on values it is given as constants
/// (segment ids, a boolean mask) infers that shape at trace time, as TensorFlow's shape inference reads constant
/// inputs (<c>tensor_util.constant_value</c>). The node stays in the graph (tapes record it; constant folding
/// replaces it later). Other symbolic tensors have empty storage.
/// </remarks>
internal sealed class SymbolicTensor : Tensor
{
    internal SymbolicTensor(GraphNode node, TensorSpec spec, bool isWeak, Tensor? knownValue = null)
        : base(knownValue?.Buffer ?? Storage.Empty(spec.DType), spec.Shape, spec.DType, spec.Shape.IsFullyDefined ? spec.Shape.Size : -1, isWeak)
    {
        Node = node;
        HasConstantValue = knownValue is not null;
    }

    /// <summary>Whether the values are known while tracing (see the remarks).</summary>
    public bool HasConstantValue { get; }

    /// <summary>The known values as a plain tensor (when <see cref="HasConstantValue"/>).</summary>
    public Tensor KnownValue => new(Buffer, Shape, DType);

    /// <summary>The node that produces this value.</summary>
    public GraphNode Node { get; }

    /// <summary>The graph this value belongs to.</summary>
    public FuncGraph Graph => Node.Graph;

    /// <summary>TensorFlow's name of a graph tensor: the node's name and the output index (<c>add_1:0</c>).</summary>
    public string TensorName => Node.Name + ":0";

    internal override Tensor ReadForOp() => throw new InvalidOperationException(
        $"The symbolic tensor '{TensorName}' (shape {Shape}, dtype {DType}) of the traced function '{Graph.Name}' has no values: " +
        "it only exists while the function is traced, so it cannot be read, printed with its values or used by an eager op. " +
        "Return it from the function instead, or print it when the graph runs with Tf.Print.");

    /// <summary>TensorFlow's form: <c>Tensor("add_1:0", shape=(None, 3), dtype=float32)</c>.</summary>
    public override string ToString() => $"Tensor(\"{TensorName}\", shape={Shape}, dtype={DType})";
}
