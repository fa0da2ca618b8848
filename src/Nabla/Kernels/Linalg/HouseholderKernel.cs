namespace Nabla.Kernels;

/// <summary>
/// QR decomposition of one row-major float64 m×n matrix by Householder reflections (LAPACK's convention:
/// H = I - τ·v·vᵀ with v[0] = 1 and R's diagonal = -sign(α)·‖x‖, so it may be negative).
/// </summary>
internal static class HouseholderKernel
{
    /// <summary>
    /// A = Q·R with Q m×qColumns (orthonormal columns) and R rRows×n (upper triangular): qColumns = rRows = min(m,
    /// n) for the reduced decomposition, m for the full one.
    /// </summary>
    public static void Qr(ReadOnlySpan<double> a, int m, int n, Span<double> q, int qColumns, Span<double> r, int rRows)
    {
        double[] work = System.Buffers.ArrayPool<double>.Shared.Rent((m * n) + (2 * System.Math.Max(m, n)) + System.Math.Min(m, n) + 1);
        Span<double> full = work.AsSpan(0, m * n);
        Span<double> v = work.AsSpan(m * n, m);
        Span<double> w = work.AsSpan((m * n) + m, System.Math.Max(m, n));
        int steps = System.Math.Min(m - 1, n);
        Span<double> taus = work.AsSpan((m * n) + m + System.Math.Max(m, n), System.Math.Max(steps, 1));
        a.CopyTo(full);

        // Reflectors are kept below R's diagonal (v without its leading 1), τ aside.
        for (int j = 0; j < steps; j++)
        {
            double alpha = full[(j * n) + j];
            double norm2 = 0;
            for (int i = j; i < m; i++)
            {
                double x = full[(i * n) + j];
                norm2 += x * x;
            }

            double norm = System.Math.Sqrt(norm2);
            if (norm == 0)
            {
                taus[j] = 0;
                continue;
            }

            double beta = alpha >= 0 ? -norm : norm;
            double scale = 1 / (alpha - beta);
            taus[j] = (beta - alpha) / beta;
            v[j] = 1;
            for (int i = j + 1; i < m; i++)
            {
                v[i] = full[(i * n) + j] * scale;
            }

            Reflect(full, n, j, m, j + 1, n, v, taus[j], w);
            full[(j * n) + j] = beta;
            for (int i = j + 1; i < m; i++)
            {
                full[(i * n) + j] = v[i];
            }
        }

        // R: the upper triangle of the first rRows rows.
        for (int i = 0; i < rRows; i++)
        {
            Span<double> row = r.Slice(i * n, n);
            for (int c = 0; c < n; c++)
            {
                row[c] = i < m && c >= i ? full[(i * n) + c] : 0;
            }
        }

        // Q = H0·H1·…·I[:, :qColumns], accumulated from the last reflector back.
        q.Clear();
        for (int i = 0; i < System.Math.Min(m, qColumns); i++)
        {
            q[(i * qColumns) + i] = 1;
        }

        for (int j = steps - 1; j >= 0; j--)
        {
            if (taus[j] == 0)
            {
                continue;
            }

            v[j] = 1;
            for (int i = j + 1; i < m; i++)
            {
                v[i] = full[(i * n) + j];
            }

            Reflect(q, qColumns, j, m, 0, qColumns, v, taus[j], w);
        }

        System.Buffers.ArrayPool<double>.Shared.Return(work);
    }

    // Applies H = I - τ·v·vᵀ (v on rows [row0, rowEnd)) to columns [col0, colEnd) of a row-major matrix with
    // `stride` columns: w = vᵀ·M, then M -= τ·v·w, both row by row.
    private static void Reflect(Span<double> m, int stride, int row0, int rowEnd, int col0, int colEnd, ReadOnlySpan<double> v, double tau, Span<double> w)
    {
        int width = colEnd - col0;
        if (width <= 0)
        {
            return;
        }

        Span<double> acc = w[..width];
        acc.Clear();
        for (int i = row0; i < rowEnd; i++)
        {
            ReadOnlySpan<double> row = m.Slice((i * stride) + col0, width);
            double vi = v[i];
            for (int c = 0; c < width; c++)
            {
                acc[c] += vi * row[c];
            }
        }

        for (int i = row0; i < rowEnd; i++)
        {
            Span<double> row = m.Slice((i * stride) + col0, width);
            double f = tau * v[i];
            for (int c = 0; c < width; c++)
            {
                row[c] -= f * acc[c];
            }
        }
    }
}
