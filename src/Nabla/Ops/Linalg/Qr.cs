using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Linalg
    {
        /// <summary>
        /// The QR decomposition A = Q·R of each inner-most M×N matrix (TensorFlow's <c>tf.linalg.qr</c>) by Householder
        /// reflections in float64: Q [..., M, K] with orthonormal columns and upper-triangular R [..., K, N], where K =
        /// min(M, N), or K = M with <paramref name="fullMatrices"/>. R's diagonal may be negative (LAPACK's convention).
        /// The gradient is TensorFlow's; like TensorFlow, it is not defined for M &gt; N with full matrices. Traced
        /// with unknown matrix sizes (which TensorFlow's gradient refuses) it is one formula for deep and wide
        /// matrices, and refuses full matrices.
        /// </summary>
        /// <exception cref="ArgumentException">When the input is not a batch of float32/float64 matrices.</exception>
        public static (Tensor Q, Tensor R) Qr(Tensor input, bool fullMatrices = false)
        {
            ArgumentNullException.ThrowIfNull(input);
            var op = new QrOp(fullMatrices);
            Tensor[] parts = LinalgBatch.Unpack(op, op.Call(input), input);
            return (parts[0], parts[1]);
        }
    }
}

/// <summary>Q and R of each matrix, packed side by side along the last axis.</summary>
internal sealed class QrOp(bool fullMatrices) : Op("Qr"), IPackedDecomposition
{
    // The packed size is unknown where a matrix size is (PackedPartOp cuts it per call).
    public override bool SupportsUnknownDims => true;

    public int PartCount => 2;

    public int[][] Parts(Shape input) => [PartShape(input, 0), PartShape(input, 1)];

    public int[] PartShape(Shape input, int index)
    {
        int m = input.Dims[^2], n = input.Dims[^1];
        int k = fullMatrices ? m : m == Shape.UnknownDim || n == Shape.UnknownDim ? Shape.UnknownDim : System.Math.Min(m, n);
        return index == 0 ? [m, k] : [k, n];
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        LinalgBatch.RequireMatrices(Name, x, square: false);
        if (x.Shape.Dims[^1] == Shape.UnknownDim || x.Shape.Dims[^2] == Shape.UnknownDim)
        {
            return new TensorSpec(LinalgBatch.WithBatch(x.Shape, Shape.UnknownDim), x.DType);
        }

        int[][] parts = Parts(x.Shape);
        return new TensorSpec(LinalgBatch.WithBatch(x.Shape, (parts[0][0] * parts[0][1]) + (parts[1][0] * parts[1][1])), x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int m = x.Shape.Dims[^2], n = x.Shape.Dims[^1];
        int k = Parts(x.Shape)[0][1];
        var a = new double[m * n];
        var packed = new double[(m * k) + (k * n)];
        for (int b = 0; b < LinalgBatch.Count(x.Shape); b++)
        {
            LinalgBatch.Read(x, b, a);
            HouseholderKernel.Qr(a, m, n, packed.AsSpan(0, m * k), k, packed.AsSpan(m * k), k);
            LinalgBatch.Write(packed, output, b);
        }
    }

    // TensorFlow's _QrGrad.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor a = inputs[0];
        int m = a.Shape.Dims[^2], n = a.Shape.Dims[^1];
        bool sizesKnown = m != Shape.UnknownDim && n != Shape.UnknownDim;
        if (fullMatrices && (m > n || !sizesKnown))
        {
            throw new NotSupportedException(
                $"QrGrad not implemented when nrows > ncols and full_matrices is true (input of shape {a.Shape}, {a.DType}), as in TensorFlow" +
                (sizesKnown ? "." : "; with unknown matrix sizes that cannot be ruled out while tracing."));
        }

        Tensor[] qr = LinalgBatch.Unpack(this, output, a);
        Tensor[] grads = LinalgBatch.Unpack(this, upstream, a);
        Tensor q = qr[0], r = qr[1], dq = grads[0], dr = grads[1];
        if (!sizesKnown)
        {
            result[0] = AnyShape(a, q, r, dq, dr);
            return;
        }

        if (m >= n)
        {
            result[0] = SquareOrDeep(q, r, dq, dr);
            return;
        }

        // A wide matrix A = [X | Y] with X square: X = Q·U is a square QR and Y = Q·V rides along.
        Tensor y = LinalgBatch.Columns(a, m, n);
        Tensor u = LinalgBatch.Columns(r, 0, m), dv = LinalgBatch.Columns(dr, m, n), du = LinalgBatch.Columns(dr, 0, m);
        Tensor dy = Tf.MatMul(q, dv);
        Tensor dx = SquareOrDeep(q, u, Tf.Add(dq, Tf.MatMul(y, dv, transposeB: true)), du);
        result[0] = Tf.Concat([dx, dy], -1);
    }

    // Both orientations in one formula, for sizes known only when the graph runs (TensorFlow refuses them): with
    // K = min(M, N), E = the first K columns of the N×N identity and P = I - E·Eᵀ, the wide case's X = A·E,
    // Y·dVᵀ = A·P·dRᵀ, U = R·E, dU = dR·E and [dX | Q·dV] = dX·Eᵀ + Q·dR·P. A deep or square matrix has E = I and
    // P = 0, which leaves SquareOrDeep(Q, R, dQ, dR): the products with E and P only copy elements or add zeros.
    private static Tensor AnyShape(Tensor a, Tensor q, Tensor r, Tensor dq, Tensor dr)
    {
        Tensor rT = Tf.Linalg.MatrixTranspose(r);
        Tensor e = Tf.Linalg.SetDiag(Tf.ZerosLike(rT), Tf.OnesLike(Tf.Linalg.DiagPart(rT)));
        Tensor eeT = Tf.MatMul(e, e, transposeB: true);
        Tensor p = Tf.Subtract(LinalgBatch.Eye(eeT), eeT);
        Tensor dx = SquareOrDeep(q, Tf.MatMul(r, e), Tf.Add(dq, Tf.MatMul(Tf.MatMul(a, p), dr, transposeB: true)), Tf.MatMul(dr, e));
        return Tf.Add(Tf.MatMul(dx, e, transposeB: true), Tf.MatMul(Tf.MatMul(q, dr), p));
    }

    private static Tensor SquareOrDeep(Tensor q, Tensor r, Tensor dq, Tensor dr)
    {
        Tensor qdq = Tf.MatMul(q, dq, transposeA: true);
        Tensor rdr = Tf.MatMul(r, dr, transposeB: true);
        Tensor skew = Tf.Add(Tf.Subtract(qdq, Tf.Linalg.MatrixTranspose(qdq)), Tf.Subtract(rdr, Tf.Linalg.MatrixTranspose(rdr)));
        Tensor tril = Tf.Linalg.BandPart(skew, -1, 0);
        Tensor gradA = Tf.MatMul(q, Tf.Add(dr, TimesInverseTranspose(tril, r)));
        Tensor gradB = TimesInverseTranspose(Tf.Subtract(dq, Tf.MatMul(q, qdq)), r);
        return Tf.Add(gradA, gradB);
    }

    // x·R⁻ᵀ for upper-triangular R, as a triangular solve.
    private static Tensor TimesInverseTranspose(Tensor x, Tensor r)
        => Tf.Linalg.MatrixTranspose(Tf.Linalg.TriangularSolve(r, Tf.Linalg.MatrixTranspose(x), lower: false));
}
