namespace Nabla.Kernels;

/// <summary>
/// Singular value decomposition of one row-major float64 matrix by one-sided Jacobi (Hestenes): pairs of columns
/// are rotated until all are orthogonal. Slower than LAPACK's bidiagonalization but accurate: the singular values
/// come out with high relative accuracy and the vectors orthonormal to working precision. Each left singular
/// vector's largest-magnitude entry is made positive (its right vector flipped with it), so that results are
/// deterministic and change smoothly with the input.
/// </summary>
internal static class SvdKernel
{
    private const double Epsilon = 2.220446049250313e-16;
    private const int MaxSweeps = 100;


    /// <summary>
    /// A = U·diag(S)·Vᵀ for an m×n matrix with k = min(m, n) singular values (descending). U is m×uColumns and V
    /// n×vColumns, with uColumns = vColumns = k (reduced) or m and n (full matrices); the extra and the null-space
    /// columns are an orthonormal completion.
    /// </summary>
    public static void Svd(ReadOnlySpan<double> a, int m, int n, Span<double> singular, Span<double> u, int uColumns, Span<double> v, int vColumns)
    {
        // Work on the tall orientation: the columns of A (rows of W = Aᵀ) are made orthogonal by rotating pairs of
        // rows of W, the same rotations building V. For m < n, the SVD of Aᵀ gives A's with U and V swapped.
        bool tall = m >= n;
        int rows = tall ? m : n, cols = tall ? n : m;
        double[] work = System.Buffers.ArrayPool<double>.Shared.Rent((cols * rows) + (rows * rows) + (cols * cols));
        Span<double> w = work.AsSpan(0, cols * rows);
        Span<double> left = work.AsSpan(cols * rows, rows * rows);      // rows are left singular vectors
        Span<double> right = work.AsSpan((cols * rows) + (rows * rows), cols * cols); // rows are right singular vectors
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                // W's row c holds column c of the tall matrix (A, or Aᵀ).
                if (tall)
                {
                    w[(j * rows) + i] = a[(i * n) + j];
                }
                else
                {
                    w[(i * rows) + j] = a[(i * n) + j];
                }
            }
        }

        // Columns count as orthogonal when their cosine is below rows·ε: a stricter test can stall on rounding noise.
        double tolerance = rows * Epsilon;
        Identity(right, cols);
        var norms2 = new double[cols];
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            // Squared column norms, recomputed each sweep and updated exactly by each rotation in between.
            for (int i = 0; i < cols; i++)
            {
                norms2[i] = Dot(w.Slice(i * rows, rows), w.Slice(i * rows, rows));
            }

            bool rotated = false;
            for (int p = 0; p < cols - 1; p++)
            {
                for (int q = p + 1; q < cols; q++)
                {
                    Span<double> wp = w.Slice(p * rows, rows), wq = w.Slice(q * rows, rows);
                    double alpha = norms2[p], beta = norms2[q], gamma = Dot(wp, wq);
                    if (System.Math.Abs(gamma) <= tolerance * System.Math.Sqrt(alpha * beta) || gamma == 0)
                    {
                        continue;
                    }

                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = System.Math.Abs(zeta) > 1e150 ? 0.5 / zeta
                        : System.Math.CopySign(1, zeta) / (System.Math.Abs(zeta) + System.Math.Sqrt(1 + (zeta * zeta)));
                    double c = 1 / System.Math.Sqrt(1 + (t * t)), sn = c * t;
                    Rotate(wp, wq, c, sn);
                    Rotate(right.Slice(p * cols, cols), right.Slice(q * cols, cols), c, sn);
                    norms2[p] = System.Math.Max(alpha - (t * gamma), 0);
                    norms2[q] = beta + (t * gamma);
                }
            }

            if (!rotated)
            {
                break;
            }
        }

        var norms = new double[cols];
        for (int i = 0; i < cols; i++)
        {
            norms[i] = System.Math.Sqrt(Dot(w.Slice(i * rows, rows), w.Slice(i * rows, rows)));
        }

        // Sorted by singular value: left vector i is W's row normalized (re-orthogonalized against the earlier ones,
        // which only matters for tiny values); a zero or negligible value leaves a gap that the completion fills.
        int[] order = SortedOrder(norms, cols, 1, descending: true);
        double tiny = (cols == 0 ? 0 : norms[order[0]]) * rows * Epsilon;
        var degenerate = new bool[rows];
        double[] sortedRight = System.Buffers.ArrayPool<double>.Shared.Rent(cols * cols);
        for (int i = 0; i < rows; i++)
        {
            degenerate[i] = true;
        }

        for (int i = 0; i < cols; i++)
        {
            double s = norms[order[i]];
            singular[i] = s;
            Span<double> li = left.Slice(i * rows, rows);
            Span<double> ri = sortedRight.AsSpan(i * cols, cols);
            right.Slice(order[i] * cols, cols).CopyTo(ri);
            if (s > tiny)
            {
                w.Slice(order[i] * rows, rows).CopyTo(li);
                System.Numerics.Tensors.TensorPrimitives.Multiply(li, 1 / s, li);
                degenerate[i] = !Orthonormalize(left, rows, i, degenerate);
                if (!degenerate[i])
                {
                    FixSign(li, ri);
                }
            }
        }

        Complete(left, rows, degenerate);
        WriteColumns(left, rows, tall ? uColumns : vColumns, tall ? u : v);
        WriteColumns(sortedRight, cols, cols, tall ? v : u);
        System.Buffers.ArrayPool<double>.Shared.Return(sortedRight);
        System.Buffers.ArrayPool<double>.Shared.Return(work);
    }

    // Removes from row i of a (count × dim) the components along the earlier non-degenerate rows (twice, for
    // orthogonality to working precision) and normalizes it; false when almost nothing is left.
    private static bool Orthonormalize(Span<double> rowsOf, int dim, int i, bool[] degenerate)
    {
        Span<double> x = rowsOf.Slice(i * dim, dim);
        double before = System.Math.Sqrt(Dot(x, x));
        for (int pass = 0; pass < 2; pass++)
        {
            for (int j = 0; j < degenerate.Length && j * dim < rowsOf.Length; j++)
            {
                if (j != i && !degenerate[j])
                {
                    ReadOnlySpan<double> y = rowsOf.Slice(j * dim, dim);
                    double d = Dot(x, y);
                    for (int k = 0; k < dim; k++)
                    {
                        x[k] -= d * y[k];
                    }
                }
            }
        }

        double norm = System.Math.Sqrt(Dot(x, x));
        if (!(norm > 0.5 * before) || norm == 0)
        {
            return false;
        }

        System.Numerics.Tensors.TensorPrimitives.Multiply(x, 1 / norm, x);
        return true;
    }

    // Fills the degenerate rows of the (dim × dim) matrix with an orthonormal basis of the complement of the
    // others: the trailing columns of the full Householder Q of the matrix whose columns are the kept rows.
    private static void Complete(Span<double> rowsOf, int dim, bool[] degenerate)
    {
        int kept = 0;
        foreach (bool d in degenerate)
        {
            kept += d ? 0 : 1;
        }

        if (kept == dim)
        {
            return;
        }

        double[] work = System.Buffers.ArrayPool<double>.Shared.Rent((2 * dim * System.Math.Max(kept, 1)) + (dim * dim));
        Span<double> basis = work.AsSpan(0, dim * kept);
        Span<double> r = work.AsSpan(dim * kept, dim * System.Math.Max(kept, 1));
        Span<double> q = work.AsSpan(2 * dim * System.Math.Max(kept, 1), dim * dim);
        for (int i = 0, c = 0; i < dim; i++)
        {
            if (!degenerate[i])
            {
                for (int k = 0; k < dim; k++)
                {
                    basis[(k * kept) + c] = rowsOf[(i * dim) + k];
                }

                c++;
            }
        }

        HouseholderKernel.Qr(basis, dim, kept, q, dim, r, dim);
        for (int i = 0, c = kept; i < dim; i++)
        {
            if (degenerate[i])
            {
                for (int k = 0; k < dim; k++)
                {
                    rowsOf[(i * dim) + k] = q[(k * dim) + c];
                }

                c++;
            }
        }

        System.Buffers.ArrayPool<double>.Shared.Return(work);
    }

    // Row r of the (count × dim) row set becomes column r of the (dim × columns) output, for r < columns.
    private static void WriteColumns(ReadOnlySpan<double> rowsOf, int dim, int columns, Span<double> output)
    {
        for (int r = 0; r < columns; r++)
        {
            for (int k = 0; k < dim; k++)
            {
                output[(k * columns) + r] = rowsOf[(r * dim) + k];
            }
        }
    }

    // (x, y) ← (c·x - s·y, s·x + c·y), a plane rotation of two rows, in vector lanes with a scalar tail.
    private static void Rotate(Span<double> x, Span<double> y, double c, double s)
    {
        int k = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var vc = new System.Numerics.Vector<double>(c);
            var vs = new System.Numerics.Vector<double>(s);
            int width = System.Numerics.Vector<double>.Count;
            for (; k <= x.Length - width; k += width)
            {
                var a = new System.Numerics.Vector<double>(x[k..]);
                var b = new System.Numerics.Vector<double>(y[k..]);
                ((vc * a) - (vs * b)).CopyTo(x[k..]);
                ((vs * a) + (vc * b)).CopyTo(y[k..]);
            }
        }

        for (; k < x.Length; k++)
        {
            double a = x[k], b = y[k];
            x[k] = (c * a) - (s * b);
            y[k] = (s * a) + (c * b);
        }
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => System.Numerics.Tensors.TensorPrimitives.Dot(x, y);

    private static void Identity(Span<double> m, int n)
    {
        m[..(n * n)].Clear();
        for (int i = 0; i < n; i++)
        {
            m[(i * n) + i] = 1;
        }
    }

    // Indices of the values m[i * stride] sorted (stable).
    private static int[] SortedOrder(ReadOnlySpan<double> m, int count, int stride, bool descending)
    {
        var keys = new double[count];
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = descending ? -m[i * stride] : m[i * stride];
            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }

    // Flips x (and its partner, if any) so that x's largest-magnitude entry is positive.
    private static void FixSign(Span<double> x, Span<double> partner)
    {
        int best = 0;
        for (int k = 1; k < x.Length; k++)
        {
            best = System.Math.Abs(x[k]) > System.Math.Abs(x[best]) ? k : best;
        }

        if (x.Length > 0 && x[best] < 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Negate(x, x);
            System.Numerics.Tensors.TensorPrimitives.Negate(partner, partner);
        }
    }
}
