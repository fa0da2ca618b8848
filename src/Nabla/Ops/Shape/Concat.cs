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
                ok = k == axis || t.Shape.Dims[k] == dims[k];
            }

            if (!ok)
            {
                throw new ArgumentException(
                    $"ConcatV2 on axis {axis}: input 0 has shape {first.Shape} but input {i} has shape {t.Shape}; " +
                    "all dimensions but the concatenation axis must match [Op:ConcatV2].");
            }

            total = checked(total + t.Shape.Dims[axis]);
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
}
