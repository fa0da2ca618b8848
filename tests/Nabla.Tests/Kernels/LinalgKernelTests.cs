using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>
/// The float64 matrix kernels behind Tf.Linalg, checked by their defining identities (reconstruction,
/// orthogonality, triangularity, ordering) on random, rank-deficient and repeated-eigenvalue matrices.
/// </summary>
public class LinalgKernelTests
{
    public static TheoryData<int> Sizes => new() { 1, 2, 3, 5, 17 };

    public static TheoryData<int, int> Rectangles => new() { { 1, 1 }, { 1, 4 }, { 4, 1 }, { 3, 3 }, { 5, 3 }, { 3, 5 }, { 12, 7 }, { 7, 12 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Lu_SolvesBothOrientations(int n)
    {
        double[] a = Random(n * n, n);
        double[] b = Random(n * 3, n + 100);
        double[] lu = (double[])a.Clone();
        var pivots = new int[n];
        Assert.NotEqual(0, LuKernel.Factor(lu, n, pivots));
        foreach (bool transpose in new[] { false, true })
        {
            double[] x = (double[])b.Clone();
            LuKernel.Solve(lu, n, pivots, x, 3, transpose);
            AssertClose(b, MatMul(transpose ? Transpose(a, n, n) : a, x, n, n, 3), 1e-10);
        }
    }

    [Fact]
    public void Lu_SingularMatrix_ReturnsZeroSign()
    {
        double[] a = [1, 2, 3, 2, 4, 6, 0, 1, 1];
        Assert.Equal(0, LuKernel.Factor(a, 3, new int[3]));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CholeskyAndTriangularSolve_Reconstruct(int n)
    {
        double[] m = Random(n * n, n + 7);
        double[] a = MatMul(m, Transpose(m, n, n), n, n, n);
        for (int i = 0; i < n; i++)
        {
            a[(i * n) + i] += n;
        }

        var l = new double[n * n];
        Assert.True(TriangularKernel.Cholesky(a, n, l));
        AssertClose(a, MatMul(l, Transpose(l, n, n), n, n, n), 1e-12);
        double[] b = Random(n * 2, n + 8);
        foreach (bool lower in new[] { true, false })
        {
            double[] t = lower ? l : Transpose(l, n, n);
            foreach (bool transpose in new[] { false, true })
            {
                double[] x = (double[])b.Clone();
                TriangularKernel.Solve(t, n, x, 2, lower, transpose);
                AssertClose(b, MatMul(transpose ? Transpose(t, n, n) : t, x, n, n, 2), 1e-10);
            }
        }

        a[0] = -1;
        Assert.False(TriangularKernel.Cholesky(a, n, l));
    }

    [Theory]
    [MemberData(nameof(Rectangles))]
    public void Qr_ReducedAndFull_AreOrthonormalTimesUpperTriangular(int m, int n)
    {
        double[] a = Random(m * n, (m * 31) + n);
        foreach (bool full in new[] { false, true })
        {
            int k = full ? m : Math.Min(m, n);
            var q = new double[m * k];
            var r = new double[k * n];
            HouseholderKernel.Qr(a, m, n, q, k, r, k);
            AssertClose(a, MatMul(q, r, m, k, n), 1e-12);
            AssertClose(Identity(k), MatMul(Transpose(q, m, k), q, k, m, k), 1e-12);
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < Math.Min(i, n); j++)
                {
                    Assert.Equal(0, r[(i * n) + j]);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void SymmetricEigen_DiagonalizesWithAscendingValues(int n)
    {
        double[] m = Random(n * n, n + 40);
        double[] a = Symmetric(m, n);
        CheckEigen(a, n);
    }

    [Fact]
    public void SymmetricEigen_RepeatedValuesAndUpperTriangleIgnored()
    {
        // Q·diag(2, 2, 5, -1)·Qᵀ with a random orthogonal Q: a repeated eigenvalue.
        const int N = 4;
        var q = new double[N * N];
        HouseholderKernel.Qr(Random(N * N, 3), N, N, q, N, new double[N * N], N);
        double[] d = [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 5, 0, 0, 0, 0, -1];
        double[] a = MatMul(MatMul(q, d, N, N, N), Transpose(q, N, N), N, N, N);
        double[] values = CheckEigen(a, N);
        AssertClose([-1, 2, 2, 5], values, 1e-12);

        // Garbage above the diagonal changes nothing: only the lower triangle is read.
        double[] noisy = (double[])a.Clone();
        noisy[1] = 1e6;
        var v1 = new double[N];
        SymmetricEigenKernel.Decompose(noisy, N, v1, new double[N * N]);
        AssertClose(values, v1, 1e-12);
    }

    [Theory]
    [MemberData(nameof(Rectangles))]
    public void Svd_RandomAndRankDeficient_Reconstruct(int m, int n)
    {
        CheckSvd(Random(m * n, (m * 7) + n), m, n);

        // Rank one and zero matrices need the orthonormal completion of U and V.
        double[] x = Random(m, 1), y = Random(n, 2);
        CheckSvd(MatMul(x, y, m, 1, n), m, n);
        CheckSvd(new double[m * n], m, n);
    }

    [Fact]
    public void Svd_SingularValuesOfKnownMatrix()
    {
        // [[3, 0], [4, 5]] has singular values sqrt(45) and sqrt(5).
        var s = new double[2];
        SvdKernel.Svd([3, 0, 4, 5], 2, 2, s, new double[4], 2, new double[4], 2);
        AssertClose([Math.Sqrt(45), Math.Sqrt(5)], s, 1e-15);
    }

    private static double[] CheckEigen(double[] a, int n)
    {
        var values = new double[n];
        var v = new double[n * n];
        SymmetricEigenKernel.Decompose(a, n, values, v);
        var lambda = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            lambda[(i * n) + i] = values[i];
            Assert.True(i == 0 || values[i - 1] <= values[i]);
        }

        AssertClose(MatMul(a, v, n, n, n), MatMul(v, lambda, n, n, n), 1e-11);
        AssertClose(Identity(n), MatMul(Transpose(v, n, n), v, n, n, n), 1e-12);
        return values;
    }

    private static void CheckSvd(double[] a, int m, int n)
    {
        int k = Math.Min(m, n);
        foreach (bool full in new[] { false, true })
        {
            int uc = full ? m : k, vc = full ? n : k;
            var s = new double[k];
            var u = new double[m * uc];
            var v = new double[n * vc];
            SvdKernel.Svd(a, m, n, s, u, uc, v, vc);
            var sigma = new double[uc * vc];
            for (int i = 0; i < k; i++)
            {
                sigma[(i * vc) + i] = s[i];
                Assert.True(s[i] >= 0 && (i == 0 || s[i - 1] >= s[i]));
            }

            AssertClose(a, MatMul(MatMul(u, sigma, m, uc, vc), Transpose(v, n, vc), m, vc, n), 1e-12);
            AssertClose(Identity(uc), MatMul(Transpose(u, m, uc), u, uc, m, uc), 1e-12);
            AssertClose(Identity(vc), MatMul(Transpose(v, n, vc), v, vc, n, vc), 1e-12);
        }
    }

    private static double[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (random.NextDouble() * 2) - 1)];
    }

    private static double[] Symmetric(double[] m, int n)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[(i * n) + j] = m[(i * n) + j] + m[(j * n) + i];
            }
        }

        return a;
    }

    private static double[] Identity(int n)
    {
        var e = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            e[(i * n) + i] = 1;
        }

        return e;
    }

    private static double[] Transpose(double[] a, int rows, int cols)
    {
        var t = new double[a.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                t[(j * rows) + i] = a[(i * cols) + j];
            }
        }

        return t;
    }

    private static double[] MatMul(double[] a, double[] b, int m, int k, int n)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += a[(i * k) + p] * b[(p * n) + j];
                }

                c[(i * n) + j] = sum;
            }
        }

        return c;
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1 + expected.Select(Math.Abs).DefaultIfEmpty().Max();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"index {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
