using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Linalg
    {
        /// <summary>
        /// Solves <c>A·X = B</c> (or <c>Aᵀ·X = B</c> when <paramref name="adjoint"/>) for each inner-most square
        /// matrix A of <paramref name="matrix"/> [..., N, N] and B of <paramref name="rhs"/> [..., N, K], with the
        /// same batch dimensions (TensorFlow's <c>tf.linalg.solve</c>); LU with partial pivoting in float64.
        /// </summary>
        /// <exception cref="ArgumentException">When the shapes or dtypes do not fit, or a matrix is singular.</exception>
        public static Tensor Solve(Tensor matrix, Tensor rhs, bool adjoint = false)
        {
            ArgumentNullException.ThrowIfNull(matrix);
            ArgumentNullException.ThrowIfNull(rhs);
            return new MatrixSolveOp("MatrixSolve", adjoint, lower: false).Call(matrix, rhs);
        }

        /// <summary>
        /// Solves <c>A·X = B</c> (or <c>Aᵀ·X = B</c>) for triangular A (TensorFlow's
        /// <c>tf.linalg.triangular_solve</c>), reading only A's lower (<paramref name="lower"/>) or upper triangle.
        /// The batch dimensions of <paramref name="matrix"/> [..., N, N] and <paramref name="rhs"/> [..., N, K]
        /// broadcast. A zero on the diagonal gives infinities or NaN, as in TensorFlow.
        /// </summary>
        /// <exception cref="ArgumentException">When the shapes or dtypes do not fit.</exception>
        public static Tensor TriangularSolve(Tensor matrix, Tensor rhs, bool lower = true, bool adjoint = false)
        {
            ArgumentNullException.ThrowIfNull(matrix);
            ArgumentNullException.ThrowIfNull(rhs);
            var op = new MatrixSolveOp("MatrixTriangularSolve", adjoint, lower);
            if (matrix.Rank >= 2 && rhs.Rank >= 2)
            {
                Shape batch = DTypeRules.BroadcastShapes(op.Name, Shape.Create(matrix.Shape.Dims[..^2]), Shape.Create(rhs.Shape.Dims[..^2]));
                matrix = BroadcastBatch(matrix, batch);
                rhs = BroadcastBatch(rhs, batch);
            }

            return op.Call(matrix, rhs);
        }

        private static Tensor BroadcastBatch(Tensor x, Shape batch)
        {
            int[] dims = [.. batch.Dims, x.Shape.Dims[^2], x.Shape.Dims[^1]];
            return x.Shape.Dims.SequenceEqual(dims) ? x : BroadcastTo(x, dims);
        }
    }
}

/// <summary>MatrixSolve (LU) or MatrixTriangularSolve (substitution) over a batch of equal batch shapes.</summary>
internal sealed class MatrixSolveOp(string name, bool adjoint, bool lower) : Op(name)
{
    private bool Triangular => Name == "MatrixTriangularSolve";

    public override bool SupportsUnknownDims => true;

    // The right-hand side's shape, with the sizes it leaves unknown taken from the matrix where that knows them.
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor a = inputs[0], b = inputs[1];
        LinalgBatch.RequireMatrices(Name, a, square: true);
        LinalgBatch.RequireMatrices(Name, b, square: false);
        bool fits = a.DType == b.DType && a.Rank == b.Rank;
        int[] dims = b.Shape.ToArray();
        int n = LinalgBatch.SquareSize(a.Shape);
        for (int i = 0; fits && i < dims.Length - 1; i++)
        {
            int from = i < dims.Length - 2 ? a.Shape.Dims[i] : n;
            fits = ShapeLike.Compatible(from, dims[i]);
            dims[i] = dims[i] == Shape.UnknownDim ? from : dims[i];
        }

        if (!fits)
        {
            throw new ArgumentException(
                $"{Name}: the matrix {a.Shape} ({a.DType}) and the right-hand side {b.Shape} ({b.DType}) must have the same dtype, " +
                $"the same batch dimensions and as many rows [Op:{Name}].");
        }

        return new TensorSpec(Shape.FromOwnedArray(dims), b.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor a = inputs[0], b = inputs[1];
        int n = a.Shape.Dims[^1], k = b.Shape.Dims[^1];
        var matrix = new double[n * n];
        var x = new double[n * k];
        var pivots = new int[n];
        for (int i = 0; i < LinalgBatch.Count(a.Shape); i++)
        {
            LinalgBatch.Read(a, i, matrix);
            LinalgBatch.Read(b, i, x);
            if (Triangular)
            {
                TriangularKernel.Solve(matrix, n, x, k, lower, adjoint);
            }
            else
            {
                if (LuKernel.Factor(matrix, n, pivots) == 0)
                {
                    throw LinalgBatch.Failure(Name, "Input matrix is not invertible.", a, i);
                }

                LuKernel.Solve(matrix, n, pivots, x, k, adjoint);
            }

            LinalgBatch.Write(x, output, i);
        }
    }

    // TensorFlow's _MatrixSolveGrad / _MatrixTriangularSolveGrad: the upstream solved with the adjoint system,
    // and -grad_b·Xᵀ (or -X·grad_bᵀ) for the matrix, kept to the triangle the solve read.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor a = inputs[0];
        Tensor gradB = Triangular
            ? Tf.Linalg.TriangularSolve(a, upstream, lower, !adjoint)
            : Tf.Linalg.Solve(a, upstream, !adjoint);
        result[1] = needsGradient[1] ? gradB : null;
        if (needsGradient[0])
        {
            Tensor gradA = Tf.Negative(adjoint ? Tf.MatMul(output, gradB, transposeB: true) : Tf.MatMul(gradB, output, transposeB: true));
            result[0] = Triangular ? (lower ? Tf.Linalg.BandPart(gradA, -1, 0) : Tf.Linalg.BandPart(gradA, 0, -1)) : gradA;
        }
    }
}
