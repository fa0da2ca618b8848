namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// The coordinates of the true (for numbers: non-zero) elements of <paramref name="condition"/>, TensorFlow's
    /// one-argument <c>tf.where</c>: an int64 tensor of shape (number of true elements, rank), in row-major order.
    /// There is no gradient (the output is integer). Traced on values only known when the function runs, the number
    /// of rows is unknown (None) and found when the graph runs, as in TensorFlow.
    /// </summary>
    public static Tensor Where(Tensor condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return WhereIndicesOp.Instance.Call(condition);
    }

    /// <summary>
    /// The slices of <paramref name="tensor"/> where <paramref name="mask"/> is true (TensorFlow's
    /// <c>tf.boolean_mask</c>): the mask's K dimensions must equal the tensor's dimensions
    /// <c>axis .. axis + K - 1</c>, which are replaced by one dimension holding the selected slices in row-major
    /// order. Built from Reshape, one-argument Where and Gather, so the gradient scatters back to the selected slices.
    /// Traced on a mask only known when the function runs, the selected dimension is unknown (None), as in TensorFlow.
    /// </summary>
    /// <exception cref="ArgumentException">When the mask is a scalar or not bool, or its shape does not match.</exception>
    public static Tensor BooleanMask(Tensor tensor, Tensor mask, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(mask);
        int k = mask.Rank;
        int a = axis < 0 ? axis + tensor.Rank : axis;
        bool ok = mask.DType == DType.Bool && k > 0 && a >= 0 && a + k <= tensor.Rank;
        for (int i = 0; ok && i < k; i++)
        {
            ok = ShapeLike.Compatible(tensor.Shape.Dims[a + i], mask.Shape.Dims[i]); // unknown sizes are checked per call below
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"BooleanMask: the mask ({mask.DType} of shape {mask.Shape}) must be a bool tensor of rank >= 1 whose shape equals " +
                $"dimensions {axis}..{axis + k - 1} of the tensor's shape {tensor.Shape} ({tensor.DType}).");
        }

        // Sizes unknown now are compared when the graph runs, by a view of whichever has them (a constant mask keeps its values).
        if (!mask.Shape.IsFullyDefined)
        {
            mask = new MaskFitsOp(a, viewsMask: true).Call(mask, tensor);
        }
        else if (!tensor.Shape.IsFullyDefined)
        {
            tensor = new MaskFitsOp(a, viewsMask: false).Call(tensor, mask);
        }

        int[] dims = new int[tensor.Rank - k + 1];
        tensor.Shape.Dims[..a].CopyTo(dims);
        dims[a] = mask.Shape.IsFullyDefined ? mask.Size : Shape.UnknownDim;
        tensor.Shape.Dims[(a + k)..].CopyTo(dims.AsSpan(a + 1));
        Tensor flat = k == 1 ? tensor : MergeMaskedAxes(tensor, dims, a, k);
        Tensor positions = Reshape(Where(Reshape(mask, [-1])), [-1]);
        return Gather(flat, positions, a);
    }

    // The masked axes a .. a + k - 1 as one; several unknown sizes are multiplied when the graph runs.
    private static Tensor MergeMaskedAxes(Tensor tensor, int[] dims, int a, int k)
    {
        if (Array.FindAll(dims, d => d == Shape.UnknownDim).Length <= 1)
        {
            return Reshape(tensor, dims);
        }

        var groups = new int[dims.Length];
        groups.AsSpan().Fill(1);
        groups[a] = k;
        return ReshapeDimsOp.Run(tensor, ReshapeDimsOp.Groups(groups));
    }
}

/// <summary>One-argument Where: the row-major coordinates of the non-zero elements, as int64 rows.</summary>
internal sealed class WhereIndicesOp : Op
{
    public static readonly WhereIndicesOp Instance = new();

    private WhereIndicesOp()
        : base("Where")
    {
    }

    // Its row count is a value's (unknown until the graph runs, where the values are); its rank is the input's.
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor c = inputs[0];
        if (!ShapeLike.HasValues(c))
        {
            return new TensorSpec(Shape.FromOwnedArray([Shape.UnknownDim, c.Rank]), DType.Int64);
        }

        bool[] mask = NonZero(c);
        int count = mask.AsSpan(0, c.Size).Count(true);
        System.Buffers.ArrayPool<bool>.Shared.Return(mask);
        return new TensorSpec(new Shape(count, c.Rank), DType.Int64);
    }

    // No gradient: the coordinates are integers.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor c = inputs[0];
        bool[] mask = NonZero(c);
        Span<long> y = output.Write<long>();
        ReadOnlySpan<int> dims = c.Shape.Dims;
        int rank = dims.Length;
        Span<long> coordinate = stackalloc long[rank];
        int row = 0;
        for (int i = 0; i < c.Size; i++)
        {
            if (mask[i])
            {
                coordinate.CopyTo(y.Slice(row * rank, rank));
                row++;
            }

            // Odometer over the coordinates of element i + 1.
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++coordinate[d] < dims[d])
                {
                    break;
                }

                coordinate[d] = 0;
            }
        }

        System.Buffers.ArrayPool<bool>.Shared.Return(mask);
    }

    // A pooled mask of the non-zero elements (-0 counts as zero, NaN as non-zero).
    private static bool[] NonZero(Tensor c)
    {
        bool[] mask = System.Buffers.ArrayPool<bool>.Shared.Rent(c.Size);
        Span<bool> m = mask.AsSpan(0, c.Size);
        switch (c.DType.Code)
        {
            case DTypeCode.Bool: c.Read<bool>().CopyTo(m); break;
            case DTypeCode.Int8: NonZero(c.Read<sbyte>(), m); break;
            case DTypeCode.UInt8: NonZero(c.Read<byte>(), m); break;
            case DTypeCode.Int16: NonZero(c.Read<short>(), m); break;
            case DTypeCode.Int32: NonZero(c.Read<int>(), m); break;
            case DTypeCode.Int64: NonZero(c.Read<long>(), m); break;
            case DTypeCode.Float32: NonZero(c.Read<float>(), m); break;
            case DTypeCode.Float64: NonZero(c.Read<double>(), m); break;
            case DTypeCode.Float16: NonZero(c.Read<Half>(), m); break;
            default:
                ReadOnlySpan<ushort> bits = c.Read<ushort>();
                for (int i = 0; i < m.Length; i++)
                {
                    m[i] = (bits[i] & 0x7FFF) != 0;
                }

                break;
        }

        return mask;
    }

    private static void NonZero<T>(ReadOnlySpan<T> x, Span<bool> mask)
        where T : System.Numerics.INumberBase<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            mask[i] = !T.IsZero(x[i]);
        }
    }
}

/// <summary>
/// A view of BooleanMask's mask or tensor (its first input) that checks the mask's shape against the tensor's axes
/// from <c>axis</c> on: its shape has an unknown size, so a traced graph applies this rule to each call's sizes. It
/// views the mask where the mask's sizes are unknown, else the tensor, so a constant mask keeps its values (and the
/// result its known size).
/// </summary>
internal sealed class MaskFitsOp(int axis, bool viewsMask) : Op("BooleanMaskCheck")
{
    public override bool SupportsUnknownDims => true;

    public override int AliasedInput => 0;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Shape tensor = inputs[viewsMask ? 1 : 0].Shape, mask = inputs[viewsMask ? 0 : 1].Shape;
        bool ok = axis + mask.Rank <= tensor.Rank;
        for (int i = 0; ok && i < mask.Rank; i++)
        {
            ok = ShapeLike.Compatible(mask.Dims[i], tensor.Dims[axis + i]);
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"BooleanMask: the mask's shape {mask} must equal dimensions {axis}..{axis + mask.Rank - 1} of the tensor's shape {tensor}.");
        }

        return new TensorSpec(inputs[0].Shape, inputs[0].DType);
    }

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec) => inputs[0].Alias(spec.Shape, spec.DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("The mask check is a view of its first input.");

    // The tensor's gradient passes through; the mask (bool) gets none.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0] && !viewsMask)
        {
            result[0] = upstream;
        }
    }
}
