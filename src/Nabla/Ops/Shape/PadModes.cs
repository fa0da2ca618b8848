namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// TensorFlow's <c>tf.pad</c> with a mode: <c>"CONSTANT"</c> fills with <paramref name="constantValue"/>;
    /// <c>"REFLECT"</c> mirrors the values next to the edge without repeating it (<c>[1, 2, 3]</c> padded by 2
    /// before is <c>[3, 2, 1, 2, 3]</c>), so each padding must be less than its axis' size; <c>"SYMMETRIC"</c>
    /// mirrors including the edge (<c>[2, 1, 1, 2, 3]</c>), each padding at most the axis' size. The mode is
    /// case-insensitive, as in TensorFlow.
    /// </summary>
    /// <remarks>
    /// REFLECT and SYMMETRIC are a <see cref="Gather(Tensor, Tensor, int)"/> per padded axis with mirrored indices, so the gradient
    /// (Gather's: each output position adds its upstream back onto the input position it copied) and every
    /// higher order come from Gather's rule.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// When the mode is unknown, <paramref name="paddings"/> is not rank × 2, holds a negative value, or exceeds
    /// what the mode allows for an axis.
    /// </exception>
    public static Tensor Pad(Tensor x, int[,] paddings, string mode, double constantValue = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(paddings);
        ArgumentNullException.ThrowIfNull(mode);
        bool symmetric;
        switch (mode.ToUpperInvariant())
        {
            case "CONSTANT":
                return Pad(x, paddings, constantValue);
            case "REFLECT":
                symmetric = false;
                break;
            case "SYMMETRIC":
                symmetric = true;
                break;
            default:
                throw new ArgumentException(
                    $"Value of argument `mode` expected to be one of \"CONSTANT\", \"REFLECT\", or \"SYMMETRIC\". Received: mode={mode} " +
                    $"(padding a tensor of shape {x.Shape}).",
                    nameof(mode));
        }

        string op = symmetric ? "MirrorPad(SYMMETRIC)" : "MirrorPad(REFLECT)";
        if (paddings.GetLength(0) != x.Rank || paddings.GetLength(1) != 2)
        {
            throw new ArgumentException(
                $"{op} expects paddings of shape ({x.Rank}, 2) for a tensor of shape {x.Shape}, got ({paddings.GetLength(0)}, {paddings.GetLength(1)}).",
                nameof(paddings));
        }

        Tensor result = x;
        for (int axis = 0; axis < x.Rank; axis++)
        {
            int size = x.Shape.Dims[axis], before = paddings[axis, 0], after = paddings[axis, 1];
            int limit = symmetric ? size : size - 1;
            if (before < 0 || after < 0 || before > limit || after > limit)
            {
                throw new ArgumentException(
                    $"{op} of a tensor of shape {x.Shape}: paddings ({before}, {after}) for axis {axis} must be non-negative and " +
                    $"{(symmetric ? "no greater than" : "less than")} the dimension size {size}.",
                    nameof(paddings));
            }

            if (before > 0 || after > 0)
            {
                result = Gather(result, Constant(MirrorIndices(size, before, after, symmetric)), axis);
            }
        }

        return ReferenceEquals(result, x) ? Identity(x) : result;
    }

    /// <summary>For each output position along one axis, the input position it copies.</summary>
    private static int[] MirrorIndices(int size, int before, int after, bool symmetric)
    {
        var indices = new int[before + size + after];
        for (int o = 0; o < indices.Length; o++)
        {
            int i = o - before;
            if (i < 0)
            {
                i = symmetric ? -i - 1 : -i;
            }
            else if (i >= size)
            {
                i = symmetric ? (2 * size) - 1 - i : (2 * size) - 2 - i;
            }

            indices[o] = i;
        }

        return indices;
    }
}
