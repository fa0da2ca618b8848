namespace Nabla.Kernels;

/// <summary>Cholesky factorization and triangular solves of one square row-major float64 matrix.</summary>
internal static class TriangularKernel
{
    /// <summary>
    /// The lower Cholesky factor L of a symmetric positive-definite matrix (A = L·Lᵀ), reading only A's lower
    /// triangle; L's upper triangle is written as zeros. Returns false when a pivot is not positive (the matrix is
    /// not positive definite, or has NaN).
    /// </summary>
    public static bool Cholesky(ReadOnlySpan<double> a, int n, Span<double> l)
    {
        l.Clear();
        for (int j = 0; j < n; j++)
        {
            ReadOnlySpan<double> rowJ = l.Slice(j * n, j);
            double d = a[(j * n) + j] - Dot(rowJ, rowJ);
            if (!(d > 0))
            {
                return false;
            }

            double ljj = System.Math.Sqrt(d);
            l[(j * n) + j] = ljj;
            for (int i = j + 1; i < n; i++)
            {
                l[(i * n) + j] = (a[(i * n) + j] - Dot(l.Slice(i * n, j), rowJ)) / ljj;
            }
        }

        return true;
    }

    /// <summary>
    /// Solves T·X = B (or Tᵀ·X = B when <paramref name="transpose"/>) for triangular T (n×n), reading only its
    /// lower (<paramref name="lower"/>) or upper triangle; B (n×k, row-major) is overwritten with X. A zero on the
    /// diagonal gives infinities or NaN, as TensorFlow's MatrixTriangularSolve does.
    /// </summary>
    public static void Solve(ReadOnlySpan<double> t, int n, Span<double> b, int k, bool lower, bool transpose)
    {
        // A lower system is solved top-down, an upper one bottom-up; transposing swaps the two.
        bool topDown = lower != transpose;
        for (int s = 0; s < n; s++)
        {
            int i = topDown ? s : n - 1 - s;
            Span<double> row = b.Slice(i * k, k);
            int from = topDown ? 0 : i + 1;
            int to = topDown ? i : n;
            for (int j = from; j < to; j++)
            {
                double f = transpose ? t[(j * n) + i] : t[(i * n) + j];
                if (f != 0)
                {
                    ReadOnlySpan<double> other = b.Slice(j * k, k);
                    for (int c = 0; c < k; c++)
                    {
                        row[c] -= f * other[c];
                    }
                }
            }

            double d = t[(i * n) + i];
            for (int c = 0; c < k; c++)
            {
                row[c] /= d;
            }
        }
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
        => System.Numerics.Tensors.TensorPrimitives.Dot(x, y);
}
