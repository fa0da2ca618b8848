namespace Nabla;

/// <summary>
/// A stand-in for "any tensor of this spec" where <see cref="PolymorphicFunction{TDelegate}.GetConcreteFunction"/>
/// is given a <see cref="TensorSpec"/>: it carries the (possibly partial) shape and dtype to the trace, and no values.
/// </summary>
internal sealed class SpecTensor(TensorSpec spec)
    : Tensor(Storage.Empty(spec.DType), spec.Shape, spec.DType, spec.Shape.IsFullyDefined ? spec.Shape.Size : -1, isWeak: false)
{
    internal override Tensor ReadForOp() => throw new InvalidOperationException(
        $"A TensorSpec ({spec}) stands for a tensor when getting a concrete function; it has no values.");
}
