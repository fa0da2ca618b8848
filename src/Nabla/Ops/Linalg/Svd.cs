using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Linalg
    {
        /// <summary>
        /// The singular value decomposition A = U·diag(S)·Vᵀ of each inner-most M×N matrix (TensorFlow's
        /// <c>tf.linalg.svd</c>, which returns them in this order): S [..., K] descending with K = min(M, N), U
        /// [..., M, K] and V [..., N, K], or U [..., M, M] and V [..., N, N] with <paramref name="fullMatrices"/>.
        /// One-sided Jacobi in float64 (accurate singular values, orthonormal vectors; null-space columns are an
        /// orthonormal completion). TensorFlow's <c>compute_uv=False</c> is <c>Svd(x).S</c>. The gradient is
        /// TensorFlow's; like TensorFlow, it is not defined for full matrices with |M - N| &gt; 1, and the vectors'
        /// gradient is unbounded where two singular values meet. Traced with unknown matrix sizes the decomposition
        /// works and the gradient refuses (it branches on the sizes: tall or wide, square or not), as TensorFlow's.
        /// </summary>
        /// <exception cref="ArgumentException">When the input is not a batch of float32/float64 matrices.</exception>
        public static (Tensor S, Tensor U, Tensor V) Svd(Tensor tensor, bool fullMatrices = false)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            var op = new SvdOp(fullMatrices);
            Tensor packed = op.Call(tensor);
            if (!tensor.Shape.IsFullyDefined)
            {
                // The packing's layout comes from the matrix sizes of each call.
                return (SvdPartOp.Run(op, 0, packed, tensor), SvdPartOp.Run(op, 1, packed, tensor), SvdPartOp.Run(op, 2, packed, tensor));
            }

            Tensor[] parts = LinalgBatch.Unpack(packed, op.Parts(tensor.Shape));
            return (parts[0], parts[1], parts[2]);
        }
    }
}

/// <summary>S, U and V of each matrix, packed side by side along the last axis.</summary>
internal sealed class SvdOp(bool fullMatrices) : Op("Svd")
{
    // The packed size is unknown where a matrix size is (SvdPartOp cuts it per call).
    public override bool SupportsUnknownDims => true;

    public int[][] Parts(Shape input)
    {
        int m = input.Dims[^2], n = input.Dims[^1], k = System.Math.Min(m, n);
        return [[k], [m, fullMatrices ? m : k], [n, fullMatrices ? n : k]];
    }

    /// <summary>The per-matrix shape of part <paramref name="index"/> (S, U, V) for an input of <paramref name="input"/>'s shape; unknown where it depends on an unknown size.</summary>
    public int[] PartShape(Shape input, int index)
    {
        int m = input.Dims[^2], n = input.Dims[^1];
        int k = m == Shape.UnknownDim || n == Shape.UnknownDim ? Shape.UnknownDim : System.Math.Min(m, n);
        return index switch
        {
            0 => [k],
            1 => [m, fullMatrices ? m : k],
            _ => [n, fullMatrices ? n : k],
        };
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        LinalgBatch.RequireMatrices(Name, x, square: false);
        if (x.Shape.Dims[^1] == Shape.UnknownDim || x.Shape.Dims[^2] == Shape.UnknownDim)
        {
            return new TensorSpec(LinalgBatch.WithBatch(x.Shape, Shape.UnknownDim), x.DType);
        }

        int[][] p = Parts(x.Shape);
        return new TensorSpec(LinalgBatch.WithBatch(x.Shape, p[0][0] + (p[1][0] * p[1][1]) + (p[2][0] * p[2][1])), x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int m = x.Shape.Dims[^2], n = x.Shape.Dims[^1];
        int[][] p = Parts(x.Shape);
        int k = p[0][0], uc = p[1][1], vc = p[2][1];
        var a = new double[m * n];
        var packed = new double[k + (m * uc) + (n * vc)];
        for (int b = 0; b < LinalgBatch.Count(x.Shape); b++)
        {
            LinalgBatch.Read(x, b, a);
            SvdKernel.Svd(a, m, n, packed.AsSpan(0, k), packed.AsSpan(k, m * uc), uc, packed.AsSpan(k + (m * uc)), vc);
            LinalgBatch.Write(packed, output, b);
        }
    }

    // TensorFlow's _SvdGrad, for the wide orientation (a tall matrix is handled through its transpose).
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Shape shape = inputs[0].Shape;
        if (!shape.IsFullyDefined)
        {
            throw new InvalidOperationException(
                $"The gradient of Svd cannot be traced with unknown dimensions (input shape {shape}, {inputs[0].DType}): " +
                "it branches on the matrix sizes (tall or wide, square or not), as TensorFlow's does. Give the function an input signature whose dimensions are known.");
        }

        int m = shape.Dims[^2], n = shape.Dims[^1];
        int[][] p = Parts(shape);
        Tensor[] suv = LinalgBatch.Unpack(output, p);
        Tensor[] grads = LinalgBatch.Unpack(upstream, p);
        Tensor s = suv[0], u = suv[1], v = suv[2], gradS = grads[0], gradU = grads[1], gradV = grads[2];
        bool adjoint = m > n;
        if (adjoint)
        {
            (m, n, u, v, gradU, gradV) = (n, m, v, u, gradV, gradU);
        }

        if (fullMatrices && System.Math.Abs(m - n) > 1)
        {
            throw new NotSupportedException(
                $"svd gradient is not implemented for abs(m - n) > 1 when full_matrices is True (input of shape {shape}), as in TensorFlow.");
        }

        Tensor sMat = Tf.Linalg.Diag(s);
        Tensor s2 = Tf.Square(s);
        Tensor f = Tf.Linalg.SetDiag(EighOp.SafeReciprocal(Tf.Subtract(Tf.ExpandDims(s2, -2), Tf.ExpandDims(s2, -1))), Tf.ZerosLike(s));
        Tensor v1 = LinalgBatch.Columns(v, 0, m), gradV1 = LinalgBatch.Columns(gradV, 0, m);
        Tensor fu = Tf.Multiply(f, Tf.MatMul(u, gradU, transposeA: true));
        Tensor fv = Tf.Multiply(f, Tf.MatMul(v1, gradV1, transposeA: true));
        Tensor inner = Tf.Add(
            Tf.Add(Tf.Linalg.Diag(gradS), Tf.MatMul(Tf.Add(fu, Tf.Linalg.MatrixTranspose(fu)), sMat)),
            Tf.MatMul(sMat, Tf.Add(fv, Tf.Linalg.MatrixTranspose(fv))));
        Tensor gradA = Tf.MatMul(u, Tf.MatMul(inner, v1, transposeB: true));
        if (m != n)
        {
            // The part of gradV orthogonal to V1 reaches A through U·S⁻¹.
            Tensor gv1t = Tf.Linalg.MatrixTranspose(gradV1);
            Tensor term2 = Tf.Subtract(gv1t, Tf.MatMul(Tf.MatMul(gv1t, v1), v1, transposeB: true));
            if (fullMatrices)
            {
                Tensor v2 = LinalgBatch.Columns(v, m, n), gradV2 = LinalgBatch.Columns(gradV, m, n);
                term2 = Tf.Subtract(term2, Tf.MatMul(Tf.MatMul(v1, gradV2, transposeA: true), v2, transposeB: true));
            }

            Tensor uSInverse = Tf.MatMul(u, Tf.Linalg.Diag(EighOp.SafeReciprocal(s)));
            gradA = Tf.Add(gradA, Tf.MatMul(uSInverse, term2));
        }

        result[0] = adjoint ? Tf.Linalg.MatrixTranspose(gradA) : gradA;
    }
}

/// <summary>
/// Part S, U or V of a packed <see cref="SvdOp"/> output, cut with the matrix sizes of its second input (the
/// decomposed tensor, whose values it does not read) when the graph runs: traced with unknown sizes, the packing's
/// layout is only known then. Its gradient places the upstream back into zeros of the packed shape
/// (<see cref="SvdPartGradOp"/>, whose gradient is this op).
/// </summary>
internal sealed class SvdPartOp(SvdOp svd, int index) : Op("SvdPart")
{
    public override bool SupportsUnknownDims => true;

    public static Tensor Run(SvdOp svd, int index, Tensor packed, Tensor input) => new SvdPartOp(svd, index).Call(packed, input);

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
        => new(LinalgBatch.WithBatch(inputs[1].Shape, svd.PartShape(inputs[1].Shape, index)), inputs[0].DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        (int[] offsets, int length) = Runs(inputs[1].Shape);
        IndexRuns.Copy(inputs[0], offsets, output, null, offsets.Length, length);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = new SvdPartGradOp(this).Call(upstream, inputs[0], inputs[1]);
        }
    }

    /// <summary>Per matrix, where the part starts in the packed output, and the part's length (an input of the fully known shape <paramref name="input"/>).</summary>
    internal (int[] Offsets, int Length) Runs(Shape input)
    {
        int[][] parts = svd.Parts(input);
        int packed = 0, start = 0, length = 0;
        for (int p = 0; p < parts.Length; p++)
        {
            int size = 1;
            foreach (int d in parts[p])
            {
                size *= d;
            }

            start = p == index ? packed : start;
            length = p == index ? size : length;
            packed += size;
        }

        var offsets = new int[LinalgBatch.Count(input)];
        for (int b = 0; b < offsets.Length; b++)
        {
            offsets[b] = (b * packed) + start;
        }

        return (offsets, length);
    }
}

/// <summary>The gradient of <see cref="SvdPartOp"/>: its first input placed into zeros of the packed shape (its second input's).</summary>
internal sealed class SvdPartGradOp(SvdPartOp part) : Op("SvdPartGrad")
{
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(inputs[1].Shape, inputs[0].DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        (int[] offsets, int length) = part.Runs(inputs[2].Shape);
        IndexRuns.ZeroAndAdd(inputs[0], output, offsets, length);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = part.Call(upstream, inputs[2]);
        }
    }
}
