using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Joins tensors along an existing <paramref name="axis"/>: all must share the dtype, the rank and every
    /// other dimension. Weakly typed values (C# arrays) take the dtype of the first strongly typed one.
    /// </summary>
    /// <exception cref="ArgumentException">When the list is empty or dtypes, ranks or dimensions disagree.</exception>
    public static Tensor Concat(Tensor[] values, int axis)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            throw new ArgumentException("ConcatV2 needs at least one tensor [Op:ConcatV2].", nameof(values));
        }

        var inputs = new Tensor[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            inputs[i] = values[i] ?? throw new ArgumentNullException(nameof(values), $"ConcatV2 input {i} is null.");
        }

        int a = Axes.Normalize("ConcatV2", axis, inputs[0].Rank, inputs[0].Shape);
        return inputs.Length == 1 ? Identity(inputs[0]) : new ConcatOp(a).Call(inputs);
    }
}

/// <summary>Copies each input into its band of the output; the gradient slices the upstream into the same bands.</summary>
internal sealed class ConcatOp(int axis) : Op("ConcatV2")
{
    // An unknown size on the axis makes the output's unknown; other dimensions must be compatible.
    public override bool SupportsUnknownDims => true;

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = axis };

    // Weakly typed values (C# arrays) take the dtype of the first strongly typed input.
    protected override void ApplyDTypeRules(Span<Tensor> inputs)
    {
        foreach (Tensor t in inputs)
        {
            if (!t.IsWeak)
            {
                for (int i = 0; i < inputs.Length; i++)
                {
                    if (inputs[i].IsWeak)
                    {
                        inputs[i] = DTypeRules.ConvertWeak(inputs[i], t.DType, Name);
                    }
                }

                return;
            }
        }
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor first = inputs[0];
        var dims = first.Shape.ToArray();
        int total = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            Tensor t = inputs[i];
            if (t.DType != first.DType)
            {
                throw new ArgumentException(
                    $"ConcatV2 expects all inputs to have dtype {first.DType}, but input {i} has dtype {t.DType} " +
                    $"(shapes {first.Shape} and {t.Shape}) [Op:ConcatV2].");
            }

            bool ok = t.Rank == first.Rank;
            for (int k = 0; ok && k < dims.Length; k++)
            {
                ok = k == axis || ShapeLike.Compatible(t.Shape.Dims[k], dims[k]);
                if (ok && dims[k] == Shape.UnknownDim)
                {
                    dims[k] = t.Shape.Dims[k]; // a later input may know the size
                }
            }

            if (!ok)
            {
                throw new ArgumentException(
                    $"ConcatV2 on axis {axis}: input 0 has shape {first.Shape} but input {i} has shape {t.Shape}; " +
                    "all dimensions but the concatenation axis must match [Op:ConcatV2].");
            }

            // An unknown size on the axis makes the total unknown.
            total = total == Shape.UnknownDim || t.Shape.Dims[axis] == Shape.UnknownDim ? Shape.UnknownDim : checked(total + t.Shape.Dims[axis]);
        }

        dims[axis] = total;
        return new TensorSpec(Shape.FromOwnedArray(dims), first.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        int[] outStrides = StridedCopy.RowMajorStrides(output.Shape.Dims);
        int offset = 0;
        foreach (Tensor t in inputs)
        {
            if (t.Size > 0)
            {
                TensorCopy.Strided(t, 0, StridedCopy.RowMajorStrides(t.Shape.Dims), output, offset * outStrides[axis], outStrides, t.Shape.ToArray());
            }

            offset += t.Shape.Dims[axis];
        }
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (!AllFullyDefined(inputs))
        {
            // The bands' offsets are only known when the graph runs: an op reads them from the inputs' shapes then.
            Tensor[] operands = [upstream, .. inputs];
            for (int i = 0; i < inputs.Length; i++)
            {
                if (needsGradient[i])
                {
                    result[i] = new ConcatBandOp(axis, i).Call([.. operands]);
                }
            }

            return;
        }

        var begin = new int[output.Rank];
        int offset = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (needsGradient[i])
            {
                begin[axis] = offset;
                result[i] = Tf.Slice(upstream, (int[])begin.Clone(), inputs[i].Shape.ToArray());
            }

            offset += inputs[i].Shape.Dims[axis];
        }
    }

    private static bool AllFullyDefined(ReadOnlySpan<Tensor> inputs)
    {
        foreach (Tensor t in inputs)
        {
            if (!t.Shape.IsFullyDefined)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// The band of a concatenation's gradient that belongs to input <c>index</c> (inputs: the gradient, then every
/// concatenated tensor, whose shapes give the bands when the graph runs): ConcatV2's gradient where shapes are unknown.
/// </summary>
internal sealed class ConcatBandOp(int axis, int index) : Op("ConcatBand")
{
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(inputs[index + 1].Shape, inputs[0].DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor g = inputs[0];
        int offset = 0;
        for (int i = 1; i <= index; i++)
        {
            offset += inputs[i].Shape.Dims[axis];
        }

        int[] strides = StridedCopy.RowMajorStrides(g.Shape.Dims);
        TensorCopy.Strided(g, offset * strides[axis], strides, output, 0, StridedCopy.RowMajorStrides(output.Shape.Dims), output.Shape.ToArray());
    }

    // The band's gradient is zero elsewhere: the concatenation of zeros shaped as the other inputs around it.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            var parts = new Tensor[inputs.Length - 1];
            for (int i = 1; i < inputs.Length; i++)
            {
                parts[i - 1] = i == index + 1 ? upstream : Tf.ZerosLike(inputs[i], upstream.DType);
            }

            result[0] = Tf.Concat(parts, axis);
        }
    }
}
