using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Pads each axis i with <c>paddings[i, 0]</c> elements before and <c>paddings[i, 1]</c> after, all equal to
    /// <paramref name="constantValue"/> (TensorFlow's CONSTANT mode; the overload with a mode adds REFLECT and SYMMETRIC).
    /// The gradient slices the padding off again.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="paddings"/> is not rank × 2 or holds a negative value.</exception>
    public static Tensor Pad(Tensor x, int[,] paddings, double constantValue = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(paddings);
        int rank = x.Rank;
        if (paddings.GetLength(0) != rank || paddings.GetLength(1) != 2)
        {
            throw new ArgumentException(
                $"Pad expects paddings of shape ({rank}, 2) for a tensor of shape {x.Shape}, got ({paddings.GetLength(0)}, {paddings.GetLength(1)}) [Op:PadV2].",
                nameof(paddings));
        }

        var before = new int[rank];
        var after = new int[rank];
        bool none = true;
        for (int i = 0; i < rank; i++)
        {
            before[i] = paddings[i, 0];
            after[i] = paddings[i, 1];
            if (before[i] < 0 || after[i] < 0)
            {
                throw new ArgumentException(
                    $"Pad of a tensor of shape {x.Shape}: paddings must be non-negative, got ({before[i]}, {after[i]}) for axis {i} [Op:PadV2].",
                    nameof(paddings));
            }

            none &= before[i] == 0 && after[i] == 0;
        }

        if (none)
        {
            return Identity(x);
        }

        return new PadOp(before, after).Call(x, Constant(constantValue));
    }
}

/// <summary>PadV2: fills the output with the scalar second input, then copies the first into the interior.</summary>
internal sealed class PadOp(int[] before, int[] after) : Op("PadV2")
{
    public override IReadOnlyDictionary<string, object> Attributes =>
        new Dictionary<string, object> { ["before"] = before.Clone(), ["after"] = after.Clone() };

    // The pad value takes the tensor's dtype (a cast: TensorFlow's default pad of 0 works for every dtype).
    protected override void ApplyDTypeRules(Span<Tensor> inputs) => inputs[1] = Tf.Cast(inputs[1], inputs[0].DType);

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        var dims = new int[x.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            long dim = (long)x.Shape.Dims[i] + before[i] + after[i];
            if (dim > int.MaxValue)
            {
                throw new ArgumentException(
                    $"PadV2: dimension {i} of shape {x.Shape} ({x.DType}) padded by ({before[i]}, {after[i]}) is {dim}, more than a dimension can hold [Op:PadV2].");
            }

            dims[i] = (int)dim;
        }

        return new TensorSpec(Shape.FromOwnedArray(dims), x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        Tensor c = inputs[1];
        switch (x.DType.Size)
        {
            case 1: output.Write<byte>().Fill(c.Read<byte>()[0]); break;
            case 2: output.Write<short>().Fill(c.Read<short>()[0]); break;
            case 4: output.Write<int>().Fill(c.Read<int>()[0]); break;
            default: output.Write<long>().Fill(c.Read<long>()[0]); break;
        }

        int[] outStrides = StridedCopy.RowMajorStrides(output.Shape.Dims);
        int offset = 0;
        for (int i = 0; i < before.Length; i++)
        {
            offset += before[i] * outStrides[i];
        }

        TensorCopy.Strided(x, 0, StridedCopy.RowMajorStrides(x.Shape.Dims), output, offset, outStrides, x.Shape.ToArray());
    }

    // As in TensorFlow, the constant value gets no gradient.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = Tf.Slice(upstream, before, inputs[0].Shape.ToArray());
}
