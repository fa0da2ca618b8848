using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// Diag, SetDiag and BandPart as kernels that read the matrix sizes of each call, for graphs traced with unknown
/// dimensions (the gradients of Eigh, Cholesky, Qr and the triangular solve use them). Eager code and fully known
/// traces keep the compositions of <see cref="Tf.Linalg"/> (Gather, Pad, Where over constant masks), which an ONNX
/// export and elementwise fusion understand; these are chosen where a size is unknown, and give the same elements.
/// The diagonal's place in the matrices is <see cref="DiagPartOp"/>'s strided window.
/// </summary>
internal sealed class MatrixDiagOp(int k) : Op("MatrixDiagV3")
{
    private readonly DiagPartOp _window = new(k);

    public override bool SupportsUnknownDims => true;

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["k"] = k };

    // TensorFlow's rule: [..., L] gives [..., L + |k|, L + |k|], unknown where L is.
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Shape diagonal = inputs[0].Shape;
        int length = diagonal.Dims[^1];
        long n = length == Shape.UnknownDim ? Shape.UnknownDim : length + System.Math.Abs((long)k);
        if (n > int.MaxValue)
        {
            throw new ArgumentException(
                $"{Name}: a diagonal of shape {diagonal} ({inputs[0].DType}) at offset k={k} needs matrices of {n} rows, more than a dimension can hold [Op:{Name}].");
        }

        return new TensorSpec(Shape.FromOwnedArray([.. diagonal.Dims[..^1], (int)n, (int)n]), inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        TensorCopy.Clear(output);
        StridedWindow w = _window.Resolve(output.Shape);
        TensorCopy.Strided(inputs[0], 0, StridedCopy.RowMajorStrides(w.Counts), output, w.Offset, w.Strides, w.Counts);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = Tf.Linalg.DiagPart(upstream, k);
        }
    }
}

/// <summary>The input with diagonal k replaced by the second input, sized by each call (see <see cref="MatrixDiagOp"/>).</summary>
internal sealed class MatrixSetDiagOp(int k) : Op("MatrixSetDiagV3")
{
    private readonly DiagPartOp _window = new(k);

    public override bool SupportsUnknownDims => true;

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["k"] = k };

    // TensorFlow's rule: the input's shape, with unknown batch sizes taken from the diagonal's where it knows them.
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor input = inputs[0], diagonal = inputs[1];
        int m = input.Shape.Dims[^2], n = input.Shape.Dims[^1];
        int length = m == Shape.UnknownDim || n == Shape.UnknownDim ? Shape.UnknownDim : Tf.Linalg.DiagonalLength(Name, input, m, n, k);
        Shape expected = Shape.FromOwnedArray([.. input.Shape.Dims[..^2], length]);
        bool fits = input.DType == diagonal.DType && diagonal.Rank == expected.Rank;
        int[] dims = input.Shape.ToArray();
        for (int i = 0; fits && i < expected.Rank; i++)
        {
            fits = ShapeLike.Compatible(expected.Dims[i], diagonal.Shape.Dims[i]);
            if (fits && i < dims.Length - 2 && dims[i] == Shape.UnknownDim)
            {
                dims[i] = diagonal.Shape.Dims[i];
            }
        }

        if (!fits)
        {
            throw new ArgumentException(
                $"{Name}: diagonal of shape {diagonal.Shape} ({diagonal.DType}) does not fit diagonal {k} of input {input.Shape} ({input.DType}): " +
                $"expected shape {expected} ({input.DType}) [Op:{Name}].");
        }

        return new TensorSpec(Shape.FromOwnedArray(dims), input.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        int[] all = output.Shape.ToArray();
        int[] strides = StridedCopy.RowMajorStrides(all);
        TensorCopy.Strided(inputs[0], 0, strides, output, 0, strides, all);
        StridedWindow w = _window.Resolve(output.Shape);
        TensorCopy.Strided(inputs[1], 0, StridedCopy.RowMajorStrides(w.Counts), output, w.Offset, w.Strides, w.Counts);
    }

    // TensorFlow's _MatrixSetDiagGrad: the upstream with the diagonal zeroed for the input, its diagonal for the diagonal.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = Tf.Linalg.SetDiag(upstream, Tf.ZerosLike(inputs[1]), k);
        }

        if (needsGradient[1])
        {
            result[1] = Tf.Linalg.DiagPart(upstream, k);
        }
    }
}

/// <summary>A band of each inner-most matrix kept and the rest zeroed, sized by each call (see <see cref="MatrixDiagOp"/>).</summary>
internal sealed class MatrixBandPartOp(int numLower, int numUpper) : Op("MatrixBandPart")
{
    public override bool SupportsUnknownDims => true;

    public override IReadOnlyDictionary<string, object> Attributes
        => new Dictionary<string, object> { ["num_lower"] = numLower, ["num_upper"] = numUpper };

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(inputs[0].Shape, inputs[0].DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int m = x.Shape.Dims[^2], n = x.Shape.Dims[^1];
        switch (x.DType.Size)
        {
            case 1: Band(x.Read<byte>(), output.Write<byte>(), m, n); break;
            case 2: Band(x.Read<short>(), output.Write<short>(), m, n); break;
            case 4: Band(x.Read<int>(), output.Write<int>(), m, n); break;
            default: Band(x.Read<long>(), output.Write<long>(), m, n); break;
        }
    }

    // The band of the upstream: the elements the op kept.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = Tf.Linalg.BandPart(upstream, numLower, numUpper);
        }
    }

    // Row r keeps columns [r - numLower, r + numUpper] (all of them on a side whose count is negative); the bits
    // of zero are zero in every dtype.
    private void Band<T>(ReadOnlySpan<T> src, Span<T> dst, int m, int n)
        where T : unmanaged
    {
        for (int row = 0; row < src.Length / n; row++)
        {
            int r = row % m;
            int begin = numLower < 0 ? 0 : System.Math.Clamp(r - numLower, 0, n);
            int end = numUpper < 0 ? n : (int)System.Math.Clamp((long)r + numUpper + 1, begin, n);
            Span<T> to = dst.Slice(row * n, n);
            to[..begin].Clear();
            src.Slice((row * n) + begin, end - begin).CopyTo(to[begin..end]);
            to[end..].Clear();
        }
    }
}
