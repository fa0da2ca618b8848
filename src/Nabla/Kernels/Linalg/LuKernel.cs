namespace Nabla.Kernels;

/// <summary>
/// LU factorization with partial pivoting of one square row-major float64 matrix, and what it gives: the
/// determinant, its sign and log-magnitude, solutions of A·X = B (or Aᵀ·X = B) and the inverse.
/// </summary>
internal static class LuKernel
{
    /// <summary>
    /// Factors <paramref name="a"/> (n×n) in place into unit-lower L and upper U with P·A = L·U; row i of P·A is
    /// row <c>pivots[i]</c> of A. Returns the permutation's sign (±1), or 0 when a pivot is exactly zero (singular).
    /// </summary>
    public static int Factor(Span<double> a, int n, Span<int> pivots)
    {
        for (int i = 0; i < n; i++)
        {
            pivots[i] = i;
        }

        int sign = 1;
        for (int k = 0; k < n; k++)
        {
            int best = k;
            double bestAbs = System.Math.Abs(a[(k * n) + k]);
            for (int i = k + 1; i < n; i++)
            {
                double v = System.Math.Abs(a[(i * n) + k]);
                if (v > bestAbs)
                {
                    best = i;
                    bestAbs = v;
                }
            }

            if (bestAbs == 0 || double.IsNaN(bestAbs))
            {
                return 0;
            }

            if (best != k)
            {
                Span<double> top = a.Slice(k * n, n), other = a.Slice(best * n, n);
                for (int j = 0; j < n; j++)
                {
                    (top[j], other[j]) = (other[j], top[j]);
                }

                (pivots[best], pivots[k]) = (pivots[k], pivots[best]);
                sign = -sign;
            }

            double pivot = a[(k * n) + k];
            Span<double> rowK = a.Slice((k * n) + k + 1, n - k - 1);
            for (int i = k + 1; i < n; i++)
            {
                double factor = a[(i * n) + k] / pivot;
                a[(i * n) + k] = factor;
                if (factor != 0)
                {
                    Span<double> rowI = a.Slice((i * n) + k + 1, n - k - 1);
                    for (int j = 0; j < rowI.Length; j++)
                    {
                        rowI[j] -= factor * rowK[j];
                    }
                }
            }
        }

        return sign;
    }

    /// <summary>
    /// Solves with a factored matrix: A·X = B, or Aᵀ·X = B when <paramref name="transpose"/>; B (n×k, row-major)
    /// is overwritten with X.
    /// </summary>
    public static void Solve(ReadOnlySpan<double> lu, int n, ReadOnlySpan<int> pivots, Span<double> b, int k, bool transpose)
    {
        double[] work = System.Buffers.ArrayPool<double>.Shared.Rent(n * k);
        Span<double> x = work.AsSpan(0, n * k);
        if (!transpose)
        {
            // P·A = L·U: X solves L·U·X = P·B.
            for (int i = 0; i < n; i++)
            {
                b.Slice(pivots[i] * k, k).CopyTo(x.Slice(i * k, k));
            }

            Substitute(lu, n, x, k, lowerUnit: true, transposed: false);
            Substitute(lu, n, x, k, lowerUnit: false, transposed: false);
            x.CopyTo(b);
        }
        else
        {
            // Aᵀ = Uᵀ·Lᵀ·P: solve Uᵀ·Y = B, then Lᵀ·Z = Y, and X = Pᵀ·Z.
            b.CopyTo(x);
            Substitute(lu, n, x, k, lowerUnit: false, transposed: true);
            Substitute(lu, n, x, k, lowerUnit: true, transposed: true);
            for (int i = 0; i < n; i++)
            {
                x.Slice(i * k, k).CopyTo(b.Slice(pivots[i] * k, k));
            }
        }

        System.Buffers.ArrayPool<double>.Shared.Return(work);
    }

    // Triangular solves with the packed factors: L (unit diagonal, below the diagonal) or U (diagonal and above),
    // each either as stored or transposed; rows of x are combined whole (k right-hand sides at once).
    private static void Substitute(ReadOnlySpan<double> lu, int n, Span<double> x, int k, bool lowerUnit, bool transposed)
    {
        // A lower system is solved top-down, an upper one bottom-up; transposing swaps the two.
        bool topDown = lowerUnit != transposed;
        for (int s = 0; s < n; s++)
        {
            int i = topDown ? s : n - 1 - s;
            Span<double> row = x.Slice(i * k, k);
            int from = topDown ? 0 : i + 1;
            int to = topDown ? i : n;
            for (int j = from; j < to; j++)
            {
                double f = transposed ? lu[(j * n) + i] : lu[(i * n) + j];
                if (f != 0)
                {
                    ReadOnlySpan<double> other = x.Slice(j * k, k);
                    for (int c = 0; c < k; c++)
                    {
                        row[c] -= f * other[c];
                    }
                }
            }

            if (!lowerUnit)
            {
                double d = lu[(i * n) + i];
                for (int c = 0; c < k; c++)
                {
                    row[c] /= d;
                }
            }
        }
    }
}
