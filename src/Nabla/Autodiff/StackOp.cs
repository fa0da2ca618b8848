namespace Nabla;

/// <summary>
/// Stacks tensors of one shape and dtype along a new axis (TensorFlow's <c>Pack</c>); used internally to assemble
/// Jacobians from their rows. Its gradient picks each input's slice out with public ops (a one-hot mask and a
/// sum), so a Jacobian can be differentiated again by an outer tape.
/// </summary>
internal sealed class StackOp(int axis) : Op("Pack")
{
    private readonly int _axis = axis;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        if (inputs.Length == 0)
        {
            throw new ArgumentException("Pack needs at least one tensor.");
        }

        Tensor first = inputs[0];
        if (_axis < 0 || _axis > first.Rank)
        {
            throw new ArgumentException($"Pack: axis {_axis} is out of range for inputs of shape {first.Shape}.");
        }

        foreach (Tensor t in inputs)
        {
            if (t.Shape != first.Shape || t.DType != first.DType)
            {
                throw new ArgumentException(
                    $"Pack needs tensors of one shape and dtype, got {first.Shape} {first.DType} and {t.Shape} {t.DType}.");
            }
        }

        ReadOnlySpan<int> dims = first.Shape.Dims;
        var output = new int[dims.Length + 1];
        dims[.._axis].CopyTo(output);
        output[_axis] = inputs.Length;
        dims[_axis..].CopyTo(output.AsSpan(_axis + 1));
        return new(Shape.FromOwnedArray(output), first.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        ReadOnlySpan<int> dims = inputs[0].Shape.Dims;
        int outer = 1;
        for (int i = 0; i < _axis; i++)
        {
            outer *= dims[i];
        }

        int elementSize = output.DType.Size;
        int inner = outer == 0 ? 0 : inputs[0].Size / outer * elementSize;
        Span<byte> to = output.WriteBytes();
        for (int j = 0; j < inputs.Length; j++)
        {
            ReadOnlySpan<byte> from = inputs[j].ReadBytes();
            for (int o = 0; o < outer; o++)
            {
                from.Slice(o * inner, inner).CopyTo(to.Slice(((o * inputs.Length) + j) * inner, inner));
            }
        }
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        var maskShape = new int[output.Rank];
        maskShape.AsSpan().Fill(1);
        maskShape[_axis] = inputs.Length;
        for (int j = 0; j < inputs.Length; j++)
        {
            if (!needsGradient[j])
            {
                continue;
            }

            var mask = new double[inputs.Length];
            mask[j] = 1;
            Tensor m = Tf.Cast(Tf.Constant(mask, maskShape), upstream.DType);
            result[j] = Tf.ReduceSum(Tf.Multiply(upstream, m), _axis);
        }
    }
}
