namespace Nabla;

/// <summary>An op that exists only in graphs (inputs, constants, variable access, prints): no gradient of its own.</summary>
internal abstract class GraphOp(string name) : Op(name)
{
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }
}

/// <summary>An op that reads or writes a variable captured by reference.</summary>
internal interface IVariableOp
{
    Variable Variable { get; }
}

/// <summary>An input of a traced function: bound to the call's argument when the graph runs.</summary>
internal sealed class PlaceholderOp(TensorSpec spec, int index) : GraphOp("Placeholder")
{
    public TensorSpec Spec { get; } = spec;

    /// <summary>The argument's position among the function's inputs.</summary>
    public int Index { get; } = index;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => Spec;

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("A placeholder is bound to its argument, never computed.");
}

/// <summary>A tensor captured by value when the function was traced (a C# constant, an eager tensor).</summary>
internal sealed class ConstantOp(Tensor value) : GraphOp("Const")
{
    public Tensor Value { get; } = value;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(Value.Shape, Value.DType);

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec) => Value;

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("A constant is its captured value (Evaluate).");
}

/// <summary>Reads a captured variable when the graph runs (TensorFlow's <c>ReadVariableOp</c> on a resource).</summary>
internal sealed class VariableReadOp(Variable variable) : GraphOp("ReadVariableOp"), IVariableOp, IGraphStateful
{
    public Variable Variable { get; } = variable;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(Variable.Shape, Variable.DType);

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec)
        => new(Variable.CurrentBuffer, Variable.Shape, Variable.DType, Variable.Size, isWeak: false);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("A variable read shares the variable's buffer (Evaluate).");
}

/// <summary>Stores its input into a captured variable when the graph runs, in program order.</summary>
internal sealed class AssignVariableOp(Variable variable) : GraphOp("AssignVariableOp"), IVariableOp, IGraphSideEffect
{
    public Variable Variable { get; } = variable;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(inputs[0].Shape, inputs[0].DType);

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec)
    {
        Variable.StoreEager(inputs[0]);
        return inputs[0];
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("An assignment stores its input (Evaluate).");
}
