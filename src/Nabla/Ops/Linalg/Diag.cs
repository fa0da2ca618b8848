namespace Nabla;

public static partial class Tf
{
    public static partial class Linalg
    {
        /// <summary>
        /// Batched diagonal matrices (TensorFlow's <c>tf.linalg.diag</c>): <paramref name="diagonal"/> [..., L] becomes
        /// [..., N, N] with N = L + |k|, the values on diagonal <paramref name="k"/> (0 the main one, positive above,
        /// negative below) and zeros elsewhere. Built from Pad and Gather, so gradients come from those; traced with
        /// unknown sizes, a kernel that reads them from each call (unknown N where L is unknown).
        /// </summary>
        /// <exception cref="ArgumentException">When diagonal is a scalar.</exception>
        public static Tensor Diag(Tensor diagonal, int k = 0)
        {
            ArgumentNullException.ThrowIfNull(diagonal);
            RequireRank("MatrixDiagV3", diagonal, 1);
            if (!diagonal.Shape.IsFullyDefined)
            {
                return new MatrixDiagOp(k).Call(diagonal); // the positions come from the sizes of each call
            }

            long n = diagonal.Shape.Dims[^1] + System.Math.Abs((long)k);
            if (n > int.MaxValue)
            {
                throw new ArgumentException(
                    $"MatrixDiagV3: a diagonal of shape {diagonal.Shape} ({diagonal.DType}) at offset k={k} needs matrices of {n} rows, more than a dimension can hold [Op:MatrixDiagV3].",
                    nameof(k));
            }

            return PlaceDiagonal(diagonal, (int)n, (int)n, k);
        }

        /// <summary>
        /// Diagonal <paramref name="k"/> of each inner-most matrix (TensorFlow's <c>tf.linalg.diag_part</c>): input
        /// [..., M, N] gives [..., L] with L the diagonal's length. The gradient puts the upstream back on the diagonal.
        /// </summary>
        /// <exception cref="ArgumentException">When input has rank below 2, or k is outside (-M, N).</exception>
        public static Tensor DiagPart(Tensor input, int k = 0)
        {
            ArgumentNullException.ThrowIfNull(input);
            RequireRank("MatrixDiagPartV3", input, 2);
            if (!input.Shape.IsFullyDefined)
            {
                return new DiagPartOp(k).Call(input); // the diagonal's length and positions come from the sizes of each call
            }

            int m = input.Shape.Dims[^2], n = input.Shape.Dims[^1];
            int length = DiagonalLength("MatrixDiagPartV3", input, m, n, k);
            var positions = new int[length];
            for (int i = 0; i < length; i++)
            {
                positions[i] = k >= 0 ? (i * n) + i + k : ((i - k) * n) + i;
            }

            int[] flat = input.Shape.ToArray()[..^1];
            flat[^1] = m * n;
            return Gather(Reshape(input, flat), Constant(positions), -1);
        }

        /// <summary>
        /// <paramref name="input"/> [..., M, N] with diagonal <paramref name="k"/> replaced by
        /// <paramref name="diagonal"/> [..., L] (TensorFlow's <c>tf.linalg.set_diag</c>). Traced with unknown sizes, a
        /// kernel that reads them from each call.
        /// </summary>
        /// <exception cref="ArgumentException">When the shapes do not fit together.</exception>
        public static Tensor SetDiag(Tensor input, Tensor diagonal, int k = 0)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(diagonal);
            RequireRank("MatrixSetDiagV3", input, 2);
            if (!input.Shape.IsFullyDefined || !diagonal.Shape.IsFullyDefined)
            {
                return new MatrixSetDiagOp(k).Call(input, diagonal); // the mask comes from the sizes of each call
            }

            int m = input.Shape.Dims[^2], n = input.Shape.Dims[^1];
            int length = DiagonalLength("MatrixSetDiagV3", input, m, n, k);
            if (diagonal.Rank != input.Rank - 1 || diagonal.Shape.Dims[^1] != length || !diagonal.Shape.Dims[..^1].SequenceEqual(input.Shape.Dims[..^2]))
            {
                throw new ArgumentException(
                    $"MatrixSetDiagV3: diagonal of shape {diagonal.Shape} does not fit diagonal {k} of input {input.Shape} ({input.DType}): " +
                    $"expected shape {Shape.Create([.. input.Shape.Dims[..^2], length])}.");
            }

            var mask = new bool[m * n];
            for (int r = 0; r < m; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    mask[(r * n) + c] = c - r == k;
                }
            }

            return Where(Constant(mask, new Shape(m, n)), PlaceDiagonal(diagonal, m, n, k), input);
        }

        /// <summary>
        /// Keeps a band of each inner-most matrix and zeroes the rest (TensorFlow's <c>tf.linalg.band_part</c>):
        /// element (r, c) is kept when (numLower &lt; 0 or r - c &lt;= numLower) and (numUpper &lt; 0 or
        /// c - r &lt;= numUpper). <c>BandPart(x, -1, 0)</c> is the lower triangle, <c>(0, -1)</c> the upper one.
        /// Traced with unknown sizes, a kernel that reads them from each call.
        /// </summary>
        /// <exception cref="ArgumentException">When input has rank below 2.</exception>
        public static Tensor BandPart(Tensor input, int numLower, int numUpper)
        {
            ArgumentNullException.ThrowIfNull(input);
            RequireRank("MatrixBandPart", input, 2);
            if (!input.Shape.IsFullyDefined)
            {
                return new MatrixBandPartOp(numLower, numUpper).Call(input); // the band comes from the sizes of each call
            }

            int m = input.Shape.Dims[^2], n = input.Shape.Dims[^1];
            var mask = new bool[m * n];
            for (int r = 0; r < m; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    mask[(r * n) + c] = (numLower < 0 || r - c <= numLower) && (numUpper < 0 || c - r <= numUpper);
                }
            }

            return Where(Constant(mask, new Shape(m, n)), input, ZerosLike(input));
        }

        /// <summary>The sum of the main diagonal of each inner-most matrix (TensorFlow's <c>tf.linalg.trace</c>).</summary>
        /// <exception cref="ArgumentException">When input has rank below 2.</exception>
        public static Tensor Trace(Tensor x)
        {
            ArgumentNullException.ThrowIfNull(x);
            RequireRank("Trace", x, 2);
            return ReduceSum(DiagPart(x), -1);
        }

        /// <summary>The transpose of each inner-most matrix (TensorFlow's <c>tf.linalg.matrix_transpose</c>).</summary>
        /// <exception cref="ArgumentException">When input has rank below 2.</exception>
        public static Tensor MatrixTranspose(Tensor a)
        {
            ArgumentNullException.ThrowIfNull(a);
            RequireRank("MatrixTranspose", a, 2);
            int[] perm = [.. Enumerable.Range(0, a.Rank)];
            (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
            return Transpose(a, perm);
        }

        /// <summary>The conjugate transpose of each inner-most matrix: for real tensors, <see cref="MatrixTranspose"/>.</summary>
        /// <exception cref="ArgumentException">When input has rank below 2.</exception>
        public static Tensor Adjoint(Tensor matrix)
        {
            ArgumentNullException.ThrowIfNull(matrix);
            return MatrixTranspose(matrix);
        }

        // [..., L] onto diagonal k of [..., m, n] matrices (zeros elsewhere): a zero is appended to each diagonal
        // and every off-diagonal position gathers it.
        private static Tensor PlaceDiagonal(Tensor diagonal, int m, int n, int k)
        {
            int length = diagonal.Shape.Dims[^1];
            var paddings = new int[diagonal.Rank, 2];
            paddings[diagonal.Rank - 1, 1] = 1;
            var positions = new int[m * n];
            for (int r = 0; r < m; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    int i = k >= 0 ? r : c;
                    positions[(r * n) + c] = c - r == k && i < length ? i : length;
                }
            }

            Tensor placed = Gather(Pad(diagonal, paddings), Constant(positions), -1);
            int[] dims = [.. diagonal.Shape.Dims[..^1], m, n];
            return Reshape(placed, dims);
        }

        internal static int DiagonalLength(string op, Tensor input, int m, int n, int k)
            => DiagonalLength(op, input.Shape, m, n, k);

        internal static int DiagonalLength(string op, Shape input, int m, int n, int k)
        {
            if (k <= -m || k >= n)
            {
                if (m == 0 || n == 0)
                {
                    return 0;
                }

                throw new ArgumentException($"{op}: diagonal index k = {k} is out of bounds for matrices of {m}x{n} (input of shape {input}).");
            }

            return k >= 0 ? System.Math.Min(m, n - k) : System.Math.Min(m + k, n);
        }

        private static void RequireRank(string op, Tensor x, int rank)
        {
            if (x.Rank < rank)
            {
                throw new ArgumentException(
                    $"{op}: input must be at least rank {rank}, got {x.DType} of shape {x.Shape} [Op:{op}].");
            }
        }
    }
}
