namespace Nabla;

/// <summary>Dimension <see cref="Axis"/> of input <see cref="Input"/> of a <see cref="ReshapeDimsOp"/>.</summary>
internal readonly record struct AxisRef(int Input, int Axis);

/// <summary>
/// Reshape (a view of the first input's buffer) to dimensions that are products of its inputs' dimensions, read
/// when the graph runs: output dimension i is the product of the dimensions <c>dims[i]</c> names (1 for none). A
/// graph traced with unknown dimensions writes a reshape that merges or splits several unknown sizes this way
/// (Einsum's groups, BooleanMask's masked axes), where <see cref="Tf.Reshape(Tensor, int[])"/> allows one -1.
/// </summary>
internal sealed class ReshapeDimsOp(AxisRef[][] dims) : Op("Reshape")
{
    public override bool SupportsUnknownDims => true;

    public override int AliasedInput => 0;

    /// <summary>x with dimension i the product of the dimensions <paramref name="dims"/>[i] names, of x (input 0) and <paramref name="others"/> (inputs 1, 2...).</summary>
    public static Tensor Run(Tensor x, AxisRef[][] dims, params Tensor[] others) => new ReshapeDimsOp(dims).Call([x, .. others]);

    /// <summary>Output dimension i as the product of x's consecutive axes of group i (<paramref name="groups"/> are the group lengths).</summary>
    public static AxisRef[][] Groups(params ReadOnlySpan<int> groups)
    {
        var dims = new AxisRef[groups.Length][];
        for (int g = 0, axis = 0; g < groups.Length; g++)
        {
            dims[g] = new AxisRef[groups[g]];
            for (int k = 0; k < groups[g]; k++)
            {
                dims[g][k] = new AxisRef(0, axis++);
            }
        }

        return dims;
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        var shape = new int[dims.Length];
        bool known = true;
        long size = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            long d = 1;
            foreach (AxisRef r in dims[i])
            {
                int s = inputs[r.Input].Shape.Dims[r.Axis];
                d = s == Shape.UnknownDim || d == Shape.UnknownDim ? Shape.UnknownDim : d * s;
            }

            shape[i] = d > int.MaxValue ? throw new ArgumentException($"Reshape of shape {x.Shape}: dimension {i} would exceed int.MaxValue.") : (int)d;
            known &= d != Shape.UnknownDim;
            size *= known ? d : 1;
        }

        if (known && x.Shape.IsFullyDefined && size != x.Size)
        {
            throw new ArgumentException(
                $"Input to reshape is a tensor with {x.Size} values, but the requested shape {Shape.Format(shape)} has {size} [Op:Reshape] (input shape {x.Shape}).");
        }

        return new TensorSpec(Shape.FromOwnedArray(shape), x.DType);
    }

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec) => inputs[0].Alias(spec.Shape, spec.DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("Reshape aliases its input's buffer in Evaluate.");

    // Back to the first input's shape; the inputs that only lend their sizes get no gradient.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = ShapeLike.Reshape(upstream, inputs[0]);
        }
    }
}
