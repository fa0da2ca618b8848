namespace Nabla;

public static partial class Tf
{
    /// <summary>Repeats <paramref name="x"/> along size-1 and missing leading dimensions to <paramref name="shape"/> (NumPy rules).</summary>
    /// <exception cref="ArgumentException">When the shapes are not broadcast-compatible.</exception>
    public static Tensor BroadcastTo(Tensor x, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Shape == shape ? Identity(x) : new BroadcastToOp(shape).Call(x);
    }
}

internal sealed class BroadcastToOp(Shape shape) : Op("BroadcastTo")
{
    // An input with unknown dimensions broadcasts to a known shape (its unknown sizes must fit it when the graph
    // runs). A target with unknown dimensions says nothing about the sizes of a call: gradients that mean "the
    // shape of x" broadcast to x itself (ShapeLike.BroadcastTo).
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        if (!shape.IsFullyDefined)
        {
            throw new ArgumentException($"BroadcastTo of a tensor of shape {x.Shape} to shape {shape}: the target shape must be fully defined [Op:BroadcastTo].");
        }

        if (x.Rank > shape.Rank || DTypeRules.BroadcastShapes(Name, x.Shape, shape) != shape)
        {
            throw new ArgumentException($"Cannot broadcast a tensor of shape {x.Shape} to shape {shape} [Op:BroadcastTo].");
        }

        return new TensorSpec(shape, x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        switch (x.DType.Size)
        {
            case 1: Kernels.Broadcasting.BroadcastCopy(x.Read<byte>(), x.Shape.Dims, output.Write<byte>(), shape.Dims); break;
            case 2: Kernels.Broadcasting.BroadcastCopy(x.Read<short>(), x.Shape.Dims, output.Write<short>(), shape.Dims); break;
            case 4: Kernels.Broadcasting.BroadcastCopy(x.Read<int>(), x.Shape.Dims, output.Write<int>(), shape.Dims); break;
            default: Kernels.Broadcasting.BroadcastCopy(x.Read<long>(), x.Shape.Dims, output.Write<long>(), shape.Dims); break;
        }
    }

    // Each input element was copied to several places: sum them back (the tape's unbroadcast does exactly that).
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = Backprop.SumToShape(upstream, inputs[0]);
}
