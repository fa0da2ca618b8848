namespace Nabla.Kernels;

/// <summary>
/// Eigenvalues and eigenvectors of one symmetric row-major float64 matrix: Householder reduction to tridiagonal
/// form, then the implicit QL iteration with Wilkinson-style shifts (the EISPACK tred2/tql2 pair): O(n³) with a
/// small constant, backward stable (eigenvalues within ε·‖A‖, eigenvectors orthonormal to working precision).
/// Each eigenvector's largest-magnitude entry is made positive so that results are deterministic and change
/// smoothly with the input.
/// </summary>
internal static class SymmetricEigenKernel
{
    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>
    /// Eigenvalues (ascending) and eigenvectors (the columns of <paramref name="vectors"/>, n×n) of the symmetric
    /// matrix whose lower triangle is read from <paramref name="a"/>.
    /// </summary>
    public static void Decompose(ReadOnlySpan<double> a, int n, Span<double> values, Span<double> vectors)
    {
        if (n == 0)
        {
            return;
        }

        double[] work = System.Buffers.ArrayPool<double>.Shared.Rent((2 * n * n) + n);
        Span<double> v = work.AsSpan(0, n * n);
        Span<double> rows = work.AsSpan(n * n, n * n); // vᵀ: the QL rotations then act on contiguous rows
        Span<double> e = work.AsSpan(2 * n * n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                v[(i * n) + j] = v[(j * n) + i] = a[(i * n) + j];
            }
        }

        Tridiagonalize(v, n, values, e);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                rows[(j * n) + i] = v[(i * n) + j];
            }
        }

        Diagonalize(rows, n, values, e);

        // Ascending order, stable; then each vector's sign.
        var keys = values[..n].ToArray();
        int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        for (int i = 0; i < n; i++)
        {
            values[i] = keys[i];
            Span<double> x = rows.Slice(order[i] * n, n);
            int best = 0;
            for (int k = 1; k < n; k++)
            {
                best = System.Math.Abs(x[k]) > System.Math.Abs(x[best]) ? k : best;
            }

            double sign = x[best] < 0 ? -1 : 1;
            for (int k = 0; k < n; k++)
            {
                vectors[(k * n) + i] = sign * x[k];
            }
        }

        System.Buffers.ArrayPool<double>.Shared.Return(work);
    }

    // Householder reduction of the symmetric matrix in v to tridiagonal form T = Qᵀ·A·Q: on return d holds T's
    // diagonal, e[1..] its subdiagonal (e[0] = 0) and v the orthogonal Q.
    private static void Tridiagonalize(Span<double> v, int n, Span<double> d, Span<double> e)
    {
        for (int j = 0; j < n; j++)
        {
            d[j] = v[((n - 1) * n) + j];
        }

        for (int i = n - 1; i > 0; i--)
        {
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++)
            {
                scale += System.Math.Abs(d[k]);
            }

            if (scale == 0)
            {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++)
                {
                    d[j] = v[((i - 1) * n) + j];
                    v[(i * n) + j] = 0;
                    v[(j * n) + i] = 0;
                }
            }
            else
            {
                // The reflector that zeroes row i left of the subdiagonal, scaled against overflow.
                for (int k = 0; k < i; k++)
                {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }

                double f = d[i - 1];
                double g = f > 0 ? -System.Math.Sqrt(h) : System.Math.Sqrt(h);
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                e[..i].Clear();

                // p = A·u / h (into e), stored with u in column i of v.
                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    v[(j * n) + i] = f;
                    g = e[j] + (v[(j * n) + j] * f);
                    for (int k = j + 1; k < i; k++)
                    {
                        g += v[(k * n) + j] * d[k];
                        e[k] += v[(k * n) + j] * f;
                    }

                    e[j] = g;
                }

                f = 0;
                for (int j = 0; j < i; j++)
                {
                    e[j] /= h;
                    f += e[j] * d[j];
                }

                double hh = f / (h + h);
                for (int j = 0; j < i; j++)
                {
                    e[j] -= hh * d[j];
                }

                // A ← A - u·qᵀ - q·uᵀ on the lower triangle.
                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k < i; k++)
                    {
                        v[(k * n) + j] -= (f * e[k]) + (g * d[k]);
                    }

                    d[j] = v[((i - 1) * n) + j];
                    v[(i * n) + j] = 0;
                }
            }

            d[i] = h;
        }

        // Accumulate the reflectors into Q.
        for (int i = 0; i < n - 1; i++)
        {
            v[((n - 1) * n) + i] = v[(i * n) + i];
            v[(i * n) + i] = 1;
            double h = d[i + 1];
            if (h != 0)
            {
                for (int k = 0; k <= i; k++)
                {
                    d[k] = v[(k * n) + i + 1] / h;
                }

                for (int j = 0; j <= i; j++)
                {
                    double g = 0;
                    for (int k = 0; k <= i; k++)
                    {
                        g += v[(k * n) + i + 1] * v[(k * n) + j];
                    }

                    for (int k = 0; k <= i; k++)
                    {
                        v[(k * n) + j] -= g * d[k];
                    }
                }
            }

            for (int k = 0; k <= i; k++)
            {
                v[(k * n) + i + 1] = 0;
            }
        }

        for (int j = 0; j < n; j++)
        {
            d[j] = v[((n - 1) * n) + j];
            v[((n - 1) * n) + j] = 0;
        }

        v[(n * n) - 1] = 1;
        e[0] = 0;
    }

    // Implicit QL on the tridiagonal (d, e), applying each plane rotation to the rows of `rows` (Qᵀ): on return
    // d holds the eigenvalues and row i of `rows` the eigenvector of d[i].
    private static void Diagonalize(Span<double> rows, int n, Span<double> d, Span<double> e)
    {
        for (int i = 1; i < n; i++)
        {
            e[i - 1] = e[i];
        }

        e[n - 1] = 0;
        double shift = 0, norm = 0;
        for (int l = 0; l < n; l++)
        {
            // Find a negligible subdiagonal element: the block l..m is unreduced.
            norm = System.Math.Max(norm, System.Math.Abs(d[l]) + System.Math.Abs(e[l]));
            int m = l;
            while (m < n - 1 && System.Math.Abs(e[m]) > Epsilon * norm)
            {
                m++;
            }

            for (int iteration = 0; m > l && System.Math.Abs(e[l]) > Epsilon * norm && iteration < 64; iteration++)
            {
                // Shift by the eigenvalue of the leading 2×2 block nearer to d[l].
                double g = d[l];
                double p = (d[l + 1] - g) / (2 * e[l]);
                double r = double.Hypot(p, 1);
                r = p < 0 ? -r : r;
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                double dl1 = d[l + 1];
                double h = g - d[l];
                for (int i = l + 2; i < n; i++)
                {
                    d[i] -= h;
                }

                shift += h;

                // The QL sweep from m up to l, chasing the bulge with plane rotations.
                p = d[m];
                double c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
                double el1 = e[l + 1];
                for (int i = m - 1; i >= l; i--)
                {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = double.Hypot(p, e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = (c * d[i]) - (s * g);
                    d[i + 1] = h + (s * ((c * g) + (s * d[i])));
                    Span<double> x = rows.Slice(i * n, n), y = rows.Slice((i + 1) * n, n);
                    for (int k = 0; k < n; k++)
                    {
                        double yk = y[k];
                        y[k] = (s * x[k]) + (c * yk);
                        x[k] = (c * x[k]) - (s * yk);
                    }
                }

                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
            }

            d[l] += shift;
            e[l] = 0;
        }
    }
}
