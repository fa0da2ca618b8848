namespace Nabla;

/// <summary>
/// Shared machinery of the decomposition ops: argument checks, a loop over the inner-most matrices of a batch
/// (each widened to float64 for the kernels, so float32 inputs are factored in double and rounded once), and the
/// packing of several outputs into one tensor, since an op has one output: the parts of each matrix's result lie
/// side by side along the last axis and are sliced apart again by public ops (whose gradients pad back).
/// </summary>
internal static class LinalgBatch
{
    public static readonly DTypeSet Supported = DTypeSet.Of(DType.Float32, DType.Float64);

    /// <summary>Checks float32/float64 and rank >= 2 (square inner matrices when <paramref name="square"/>).</summary>
    public static void RequireMatrices(string op, Tensor x, bool square)
    {
        DTypeRules.Require(op, x.DType, Supported, x.Shape);
        if (x.Rank < 2 || (square && !ShapeLike.Compatible(x.Shape.Dims[^1], x.Shape.Dims[^2])))
        {
            throw new ArgumentException(
                $"{op}: input must be {(square ? "a batch of square matrices" : "at least rank 2")}, got {x.DType} of shape {x.Shape} [Op:{op}].");
        }
    }

    /// <summary>The number of inner-most matrices (the product of the batch dimensions).</summary>
    public static int Count(Shape shape)
    {
        int count = 1;
        for (int i = 0; i < shape.Rank - 2; i++)
        {
            count *= shape.Dims[i];
        }

        return count;
    }

    /// <summary>batch + tail: the output shape of a per-matrix result of shape <paramref name="tail"/>.</summary>
    public static Shape WithBatch(Shape input, params ReadOnlySpan<int> tail)
    {
        var dims = new int[input.Rank - 2 + tail.Length];
        input.Dims[..^2].CopyTo(dims);
        tail.CopyTo(dims.AsSpan(input.Rank - 2));
        return Shape.FromOwnedArray(dims);
    }

    /// <summary>Reads matrix <paramref name="index"/> of <paramref name="x"/> (float32 or float64) into doubles.</summary>
    public static void Read(Tensor x, int index, Span<double> matrix)
    {
        int size = matrix.Length;
        if (x.DType == DType.Float64)
        {
            x.Read<double>().Slice(index * size, size).CopyTo(matrix);
        }
        else
        {
            ReadOnlySpan<float> src = x.Read<float>().Slice(index * size, size);
            for (int i = 0; i < size; i++)
            {
                matrix[i] = src[i];
            }
        }
    }

    /// <summary>Writes doubles as block <paramref name="index"/> of <paramref name="output"/> (rounding to float32 when it is).</summary>
    public static void Write(ReadOnlySpan<double> values, Tensor output, int index)
    {
        int size = values.Length;
        if (output.DType == DType.Float64)
        {
            values.CopyTo(output.Write<double>().Slice(index * size, size));
        }
        else
        {
            Span<float> dst = output.Write<float>().Slice(index * size, size);
            for (int i = 0; i < size; i++)
            {
                dst[i] = (float)values[i];
            }
        }
    }

    /// <summary>
    /// Cuts the packed output (or its gradient) of <paramref name="decomposition"/> on <paramref name="input"/> into
    /// its parts: by slices where the input's shape is fully known, else by <see cref="PackedPartOp"/>, which reads
    /// the layout from the sizes of each call.
    /// </summary>
    public static Tensor[] Unpack(IPackedDecomposition decomposition, Tensor packed, Tensor input)
    {
        if (input.Shape.IsFullyDefined)
        {
            return Unpack(packed, decomposition.Parts(input.Shape));
        }

        var result = new Tensor[decomposition.PartCount];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new PackedPartOp(decomposition, i).Call(packed, input);
        }

        return result;
    }

    /// <summary>
    /// Cuts a packed output [..., Σ size(part)] into its parts, each reshaped to batch + its own shape
    /// (<paramref name="parts"/> are the per-matrix shapes, in packing order).
    /// </summary>
    public static Tensor[] Unpack(Tensor packed, params int[][] parts)
    {
        var result = new Tensor[parts.Length];
        int[] begin = new int[packed.Rank];
        int[] size = packed.Shape.ToArray();
        for (int i = 0; i < parts.Length; i++)
        {
            int length = 1;
            foreach (int d in parts[i])
            {
                length *= d;
            }

            size[^1] = length;
            int[] dims = [.. packed.Shape.Dims[..^1], .. parts[i]];
            result[i] = Tf.Reshape(Tf.Slice(packed, begin, size), dims);
            begin[^1] += length;
        }

        return result;
    }

    /// <summary>Throws the error of a matrix the kernel could not handle (singular, not positive definite), naming the op and where.</summary>
    public static ArgumentException Failure(string op, string what, Tensor x, int index)
        => new($"{op}: {what} (matrix {index} of the batch, input of shape {x.Shape}, {x.DType}) [Op:{op}].");

    /// <summary>
    /// The identity of the input's inner-matrix size, with its dtype, for gradient rules: one matrix (which batched
    /// ops broadcast) where the size is known, else identities of the input's whole shape, sized by each call.
    /// </summary>
    public static Tensor Eye(Tensor like)
        => like.Shape.IsFullyDefined
            ? Tf.Eye(like.Shape.Dims[^1], dtype: like.DType)
            : Tf.Linalg.Diag(Tf.OnesLike(Tf.Linalg.DiagPart(like)));

    /// <summary>The size of square matrices of shape [..., N, N] where either dimension says it (unknown where neither does).</summary>
    public static int SquareSize(Shape shape) => shape.Dims[^1] != Shape.UnknownDim ? shape.Dims[^1] : shape.Dims[^2];

    /// <summary>[..., N, N] with N = <see cref="SquareSize"/>: the shape TensorFlow's rule gives a batch of square matrices.</summary>
    public static Shape Square(Shape shape)
    {
        int n = SquareSize(shape);
        return WithBatch(shape, n, n);
    }

    /// <summary>Columns [from, to) of each inner-most matrix (whatever the sizes of the other axes).</summary>
    public static Tensor Columns(Tensor x, int from, int to)
    {
        int[] begin = new int[x.Rank];
        int[] size = new int[x.Rank];
        size.AsSpan().Fill(-1);
        begin[^1] = from;
        size[^1] = to - from;
        return Tf.Slice(x, begin, size);
    }
}
