namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// The same elements in a new shape of the same size; one dimension may be -1 and is then inferred. Costs no
    /// copy: the result shares the input's (immutable) buffer.
    /// </summary>
    /// <exception cref="ArgumentException">When the sizes differ, more than one dimension is -1, or one is below -1.</exception>
    public static Tensor Reshape(Tensor x, Shape shape) => new ReshapeOp(shape.ToArray()).Call(x);

    /// <summary>Reshape with dimensions given as an array (may contain one -1).</summary>
    public static Tensor Reshape(Tensor x, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new ReshapeOp((int[])shape.Clone()).Call(x);
    }
}

internal sealed class ReshapeOp(int[] requested) : Op("Reshape")
{
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["shape"] = requested.Clone() };

    // A traced input with unknown dimensions takes a requested shape with at most one -1, which stays unknown
    // until the graph runs (reshaping (None, 3) to (-1, 1, 3), as ExpandDims and gradients do).
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        var dims = (int[])requested.Clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (inferred >= 0)
                {
                    throw new ArgumentException($"Reshape of shape {x.Shape} to {Shape.Format(requested)}: only one dimension can be -1.");
                }

                inferred = i;
            }
            else if (dims[i] < 0)
            {
                throw new ArgumentException($"Reshape of shape {x.Shape} to {Shape.Format(requested)}: dimension {dims[i]} is negative.");
            }
            else
            {
                known *= dims[i];
            }
        }

        if (!x.Shape.IsFullyDefined)
        {
            return new TensorSpec(Shape.FromOwnedArray(dims), x.DType);
        }

        if (inferred >= 0)
        {
            if (known == 0 || x.Size % known != 0)
            {
                throw new ArgumentException(
                    $"Reshape cannot infer the -1 in {Shape.Format(requested)} for a tensor of shape {x.Shape} ({x.Size} elements).");
            }

            dims[inferred] = (int)(x.Size / known);
            known *= dims[inferred];
        }

        if (known != x.Size)
        {
            throw new ArgumentException(
                $"Input to reshape is a tensor with {x.Size} values, but the requested shape {Shape.Format(requested)} has {known} [Op:Reshape] (input shape {x.Shape}).");
        }

        return new TensorSpec(Shape.FromOwnedArray(dims), x.DType);
    }

    public override int AliasedInput => 0;

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec)
        => inputs[0].Alias(spec.Shape, spec.DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("Reshape aliases its input's buffer in Evaluate.");

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = inputs[0].Shape.IsFullyDefined ? Tf.Reshape(upstream, inputs[0].Shape) : ShapeLike.Reshape(upstream, inputs[0]);
}
