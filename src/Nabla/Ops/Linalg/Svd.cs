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
            Tensor[] parts = LinalgBatch.Unpack(op, op.Call(tensor), tensor);
            return (parts[0], parts[1], parts[2]);
        }
    }
}

/// <summary>S, U and V of each matrix, packed side by side along the last axis.</summary>
internal sealed class SvdOp(bool fullMatrices) : Op("Svd"), IPackedDecomposition
{
    // The packed size is unknown where a matrix size is (SvdPartOp cuts it per call).
    public override bool SupportsUnknownDims => true;

    public int PartCount => 3;

    public int[][] Parts(Shape input)
    {
        int m = input.Dims[^2], n = input.Dims[^1], k = System.Math.Min(m, n);
        return [[k], [m, fullMatrices ? m : k], [n, fullMatrices ? n : k]];
    }

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
