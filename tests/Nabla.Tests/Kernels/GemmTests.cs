using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>Correctness tests of <see cref="Gemm"/> against a naive triple loop evaluated in double precision.</summary>
public class GemmTests
{
    private const double FloatTolerance = 1e-5;
    private const double DoubleTolerance = 1e-13;

    private static readonly (int M, int N, int K)[] s_shapes =
    [
        (1, 1, 1), (2, 2, 2), (5, 5, 5), (7, 7, 7), (8, 8, 8), (15, 15, 15), (16, 16, 16), (17, 17, 17),
        (31, 31, 31), (33, 33, 33), (63, 63, 63), (65, 65, 65), (127, 127, 127), (129, 129, 129),
        (200, 200, 200), (257, 257, 257),
        (3, 700, 5), (1, 1000, 1), (300, 1, 300), (1, 300, 300), (300, 300, 1), (2, 3, 4000),
        (13, 37, 400), (50, 70, 30), (45, 97, 389), (100, 7, 50),
        // Narrow outputs past the small path (the MLP's 10-logit layer and its gradient): the narrow kernel.
        (128, 10, 256), (256, 10, 128), (131, 16, 97), (67, 9, 300), (5, 2, 20000),
    ];

    private static readonly (int M, int N, int K)[] s_integerShapes =
    [
        (1, 1, 1), (7, 7, 7), (16, 16, 16), (17, 17, 17), (33, 33, 33), (65, 65, 65), (129, 129, 129),
        (3, 700, 5), (1, 1000, 1), (300, 1, 300), (45, 97, 389), (128, 10, 256), (67, 9, 300),
    ];

    public static TheoryData<int, int, int, bool, bool> FloatCases => WithTransposes(s_shapes);

    public static TheoryData<int, int, int, bool, bool> DoubleCases => WithTransposes(s_shapes.Where(shape => shape.M < 200 || shape.M != shape.N).ToArray());

    public static TheoryData<int, int, int, bool, bool> IntegerCases => WithTransposes(s_integerShapes);

    [Theory]
    [MemberData(nameof(FloatCases))]
    public void Multiply_Float32_MatchesNaiveReference(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var random = new Random(42);
        float[] a = RandomFloats(random, m * k);
        float[] b = RandomFloats(random, k * n);
        float[] c = Filled(m * n, float.NaN);

        Gemm.Multiply(a, b, c, m, n, k, transposeA, transposeB);

        AssertClose(ToDouble(a), ToDouble(b), ToDouble(c), m, n, k, transposeA, transposeB, FloatTolerance);
    }

    [Theory]
    [MemberData(nameof(DoubleCases))]
    public void Multiply_Float64_MatchesNaiveReference(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var random = new Random(42);
        double[] a = RandomDoubles(random, m * k);
        double[] b = RandomDoubles(random, k * n);
        double[] c = Filled(m * n, double.NaN);

        Gemm.Multiply(a, b, c, m, n, k, transposeA, transposeB);

        AssertClose(a, b, c, m, n, k, transposeA, transposeB, DoubleTolerance);
    }

    [Theory]
    [MemberData(nameof(IntegerCases))]
    public void Multiply_Int32_MatchesNaiveReferenceExactly(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var random = new Random(42);
        int[] a = RandomInts(random, m * k, 100);
        int[] b = RandomInts(random, k * n, 100);
        int[] c = Filled(m * n, int.MinValue);

        Gemm.Multiply(a, b, c, m, n, k, transposeA, transposeB);

        Assert.Equal(NaiveInt32(a, b, m, n, k, transposeA, transposeB), c);
    }

    [Theory]
    [MemberData(nameof(IntegerCases))]
    public void Multiply_Int64_MatchesNaiveReferenceExactly(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var random = new Random(42);
        long[] a = RandomLongs(random, m * k, 1_000_000);
        long[] b = RandomLongs(random, k * n, 1_000_000);
        long[] c = Filled(m * n, long.MinValue);

        Gemm.Multiply(a, b, c, m, n, k, transposeA, transposeB);

        Assert.Equal(NaiveInt64(a, b, m, n, k, transposeA, transposeB), c);
    }

    [Theory]
    [InlineData(3, 700)]
    [InlineData(70, 80)]
    public void Multiply_Int32Overflow_WrapsLikeUncheckedArithmetic(int m, int n)
    {
        const int K = 90;
        var random = new Random(42);
        int[] a = RandomInts(random, m * K, int.MaxValue);
        int[] b = RandomInts(random, K * n, int.MaxValue);
        int[] c = new int[m * n];

        Gemm.Multiply(a, b, c, m, n, K, transposeA: false, transposeB: true);

        Assert.Equal(NaiveInt32(a, b, m, n, K, transposeA: false, transposeB: true), c);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 7)]
    [InlineData(100, 300)]
    public void Multiply_KZero_FillsCWithZeros(int m, int n)
    {
        float[] c = Filled(m * n, float.NaN);
        double[] cd = Filled(m * n, double.NaN);
        int[] ci = Filled(m * n, -1);
        long[] cl = Filled(m * n, -1L);

        Gemm.Multiply(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, m, n, 0, false, false);
        Gemm.Multiply(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty, cd, m, n, 0, true, false);
        Gemm.Multiply(ReadOnlySpan<int>.Empty, ReadOnlySpan<int>.Empty, ci, m, n, 0, false, true);
        Gemm.Multiply(ReadOnlySpan<long>.Empty, ReadOnlySpan<long>.Empty, cl, m, n, 0, true, true);

        Assert.All(c, value => Assert.Equal(0f, value));
        Assert.All(cd, value => Assert.Equal(0d, value));
        Assert.All(ci, value => Assert.Equal(0, value));
        Assert.All(cl, value => Assert.Equal(0L, value));
    }

    [Theory]
    [InlineData(0, 5, 3)]
    [InlineData(5, 0, 3)]
    [InlineData(0, 0, 0)]
    public void Multiply_EmptyResult_LeavesSpansUntouched(int m, int n, int k)
    {
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = [42f];

        Gemm.Multiply(a, b, c, m, n, k, false, false);

        Assert.Equal(42f, c[0]);
    }

    [Fact]
    public void Multiply_NegativeDimension_Throws()
    {
        float[] buffer = new float[16];

        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(buffer, buffer, buffer, -1, 2, 2, false, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(buffer, buffer, buffer, 2, 2, -3, false, false));
    }

    [Fact]
    public void Multiply_SpanTooShort_Throws()
    {
        float[] small = new float[5];
        float[] large = new float[64];

        Assert.Throws<ArgumentException>("a", () => Gemm.Multiply(small, large, large, 2, 4, 3, false, false));
        Assert.Throws<ArgumentException>("b", () => Gemm.Multiply(large, small, large, 2, 4, 3, false, false));
        Assert.Throws<ArgumentException>("c", () => Gemm.Multiply(large, large, small, 2, 4, 3, false, false));
    }

    [Theory]
    [InlineData(4, 4, 4, false, false)]
    [InlineData(40, 50, 60, false, false)]
    [InlineData(40, 50, 60, true, true)]
    [InlineData(130, 70, 300, false, true)]
    [InlineData(1, 300, 300, true, false)]
    [InlineData(300, 1, 300, true, false)]
    [InlineData(300, 1, 300, false, true)]
    public void Multiply_NaNInA_PropagatesToThatRowOnly(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var random = new Random(42);
        float[] a = RandomFloats(random, m * k);
        float[] b = RandomFloats(random, k * n);
        int row = m / 2, depth = k / 3;
        a[transposeA ? (depth * m) + row : (row * k) + depth] = float.NaN;
        float[] c = new float[m * n];

        Gemm.Multiply(a, b, c, m, n, k, transposeA, transposeB);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (float.IsNaN(c[(i * n) + j]) != (i == row))
                {
                    Assert.Fail($"C[{i},{j}] = {c[(i * n) + j]}");
                }
            }
        }
    }

    [Theory]
    [InlineData(4, 4, 4, false, false)]
    [InlineData(40, 50, 60, false, true)]
    [InlineData(130, 70, 300, true, false)]
    public void Multiply_InfinityInB_GivesInfinityInThatColumn(int m, int n, int k, bool transposeA, bool transposeB)
    {
        // Non-negative finite entries, so a single +∞ in column j of B yields +∞ in all of column j of C
        // (A is strictly positive) and leaves every other column finite.
        var random = new Random(42);
        float[] a = RandomFloats(random, m * k, 0.5f, 1f);
        float[] b = RandomFloats(random, k * n, 0f, 1f);
        int column = n - 1, depth = k / 2;
        b[transposeB ? (column * k) + depth : (depth * n) + column] = float.PositiveInfinity;
        float[] c = new float[m * n];

        Gemm.Multiply(a, b, c, m, n, k, transposeA, transposeB);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float value = c[(i * n) + j];
                if (j == column ? !float.IsPositiveInfinity(value) : !float.IsFinite(value))
                {
                    Assert.Fail($"C[{i},{j}] = {value}");
                }
            }
        }
    }

    internal static TheoryData<int, int, int, bool, bool> WithTransposes((int M, int N, int K)[] shapes)
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach ((int m, int n, int k) in shapes)
        {
            data.Add(m, n, k, false, false);
            data.Add(m, n, k, true, false);
            data.Add(m, n, k, false, true);
            data.Add(m, n, k, true, true);
        }

        return data;
    }

    internal static void AssertClose(double[] a, double[] b, double[] c, int m, int n, int k, bool transposeA, bool transposeB, double tolerance)
    {
        // Lay out op(A) by rows and op(B) by columns so every reference dot product is over contiguous arrays.
        double[] rows = new double[m * k];
        double[] columns = new double[n * k];
        for (int p = 0; p < k; p++)
        {
            for (int i = 0; i < m; i++)
            {
                rows[(i * k) + p] = A(a, i, p, m, k, transposeA);
            }

            for (int j = 0; j < n; j++)
            {
                columns[(j * k) + p] = B(b, p, j, k, n, transposeB);
            }
        }

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                // Compare against the error bound of a dot product: relative to the sum of |a·b|, not to
                // |sum of a·b|, which can be tiny through cancellation.
                double sum = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double product = rows[(i * k) + p] * columns[(j * k) + p];
                    sum += product;
                    magnitude += Math.Abs(product);
                }

                double actual = c[(i * n) + j];
                double allowed = (tolerance * magnitude) + double.Epsilon;
                if (!(Math.Abs(actual - sum) <= allowed))
                {
                    Assert.Fail($"C[{i},{j}] = {actual}, expected {sum} ± {allowed}");
                }
            }
        }
    }

    internal static float[] RandomFloats(Random random, int length, float min = -1f, float max = 1f)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = min + ((max - min) * random.NextSingle());
        }

        return values;
    }

    internal static double[] RandomDoubles(Random random, int length)
    {
        double[] values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (2 * random.NextDouble()) - 1;
        }

        return values;
    }

    internal static int[] RandomInts(Random random, int length, int bound)
    {
        int[] values = new int[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.Next(-bound, bound);
        }

        return values;
    }

    internal static long[] RandomLongs(Random random, int length, long bound)
    {
        long[] values = new long[length];
        for (int i = 0; i < length; i++)
        {
            // Random.Next is several times cheaper than NextInt64, which keeps the larger cases fast.
            values[i] = bound <= int.MaxValue ? random.Next((int)-bound, (int)bound) : random.NextInt64(-bound, bound);
        }

        return values;
    }

    internal static T[] Filled<T>(int length, T value)
    {
        var values = new T[length];
        Array.Fill(values, value);
        return values;
    }

    internal static double[] ToDouble(float[] values) => Array.ConvertAll(values, value => (double)value);

    internal static int[] NaiveInt32(int[] a, int[] b, int m, int n, int k, bool transposeA, bool transposeB)
    {
        int[] c = new int[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum = unchecked(sum + (A(a, i, p, m, k, transposeA) * B(b, p, j, k, n, transposeB)));
                }

                c[(i * n) + j] = sum;
            }
        }

        return c;
    }

    internal static long[] NaiveInt64(long[] a, long[] b, int m, int n, int k, bool transposeA, bool transposeB)
    {
        long[] c = new long[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                long sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum = unchecked(sum + (A(a, i, p, m, k, transposeA) * B(b, p, j, k, n, transposeB)));
                }

                c[(i * n) + j] = sum;
            }
        }

        return c;
    }

    private static T A<T>(T[] a, int i, int p, int m, int k, bool transposeA) => transposeA ? a[(p * m) + i] : a[(i * k) + p];

    private static T B<T>(T[] b, int p, int j, int k, int n, bool transposeB) => transposeB ? b[(j * k) + p] : b[(p * n) + j];
}

/// <summary>Groups the tests that change <see cref="Gemm"/>'s global settings so they never run concurrently.</summary>
[CollectionDefinition("Gemm parallelism", DisableParallelization = true)]
public class GemmParallelismCollectionDefinition
{
}

/// <summary>Tests of the multi-threaded path and of the forced micro-kernel fallbacks.</summary>
[Collection("Gemm parallelism")]
public class GemmParallelismTests
{
    // All above Gemm's parallel threshold (4M multiply-adds); with 17 rows there are too few row panels to
    // share between two threads, so the sixth case splits the columns instead.
    [Theory]
    [InlineData(1, 200, 150, 150, false, false)]
    [InlineData(2, 200, 150, 150, false, false)]
    [InlineData(2, 201, 150, 150, true, true)]
    [InlineData(1, 40, 301, 350, false, true)]
    [InlineData(2, 40, 301, 350, true, false)]
    [InlineData(2, 17, 1000, 300, false, false)]
    [InlineData(2, 600, 544, 400, false, false)] // run-time balanced rows: two KC slices, two NB blocks of B
    public void Multiply_WithMaxDegreeOfParallelism_MatchesNaiveReference(int threads, int m, int n, int k, bool transposeA, bool transposeB)
    {
        var random = new Random(42);
        float[] a = GemmTests.RandomFloats(random, m * k);
        float[] b = GemmTests.RandomFloats(random, k * n);
        float[] c = GemmTests.Filled(m * n, float.NaN);
        int saved = Gemm.MaxDegreeOfParallelism;
        try
        {
            Gemm.MaxDegreeOfParallelism = threads;
            Gemm.Multiply(a, b, c, m, n, k, transposeA, transposeB);
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }

        GemmTests.AssertClose(GemmTests.ToDouble(a), GemmTests.ToDouble(b), GemmTests.ToDouble(c), m, n, k, transposeA, transposeB, 1e-5);
    }

    // The splits of the parallel driver (float64 here: KC 192, NR 16). Rows: claimed whole while all of op(B) fits
    // the 1 MiB bound (the first three; several KC slices in the first two, two NB blocks in the second), claimed
    // slice by slice beyond it (the next two: 5 slices of 20 groups with partial edge panels, and 11 slices of
    // 13 one-panel groups, where members often wait for a group's previous slice). Columns (C wider than tall):
    // claimed while all of op(A) fits (the sixth), in fixed halves beyond (the last two). Each element is summed in
    // the same order whichever thread computes it, so the results are identical.
    [Theory]
    [InlineData(260, 190, 450)]
    [InlineData(600, 544, 200)]
    [InlineData(611, 200, 300)]
    [InlineData(701, 390, 900)]
    [InlineData(150, 140, 2000)]
    [InlineData(190, 600, 450)]
    [InlineData(400, 700, 900)]
    [InlineData(300, 2000, 500)]
    public void Multiply_OneAndTwoThreads_GiveIdenticalResults(int m, int n, int k)
    {
        Assert.Equal(MultiplyWithThreads(m, n, k, 1, transposeA: false), MultiplyWithThreads(m, n, k, 2, transposeA: false));
        Assert.Equal(MultiplyWithThreads(m, n, k, 1, transposeA: true), MultiplyWithThreads(m, n, k, 2, transposeA: true));
    }

    private static double[] MultiplyWithThreads(int m, int n, int k, int threads, bool transposeA)
    {
        var random = new Random(42);
        double[] a = GemmTests.RandomDoubles(random, m * k);
        double[] b = GemmTests.RandomDoubles(random, k * n);
        double[] c = new double[m * n];
        int saved = Gemm.MaxDegreeOfParallelism;
        try
        {
            Gemm.MaxDegreeOfParallelism = threads;
            Gemm.Multiply(a, b, c, m, n, k, transposeA, false);
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }

        return c;
    }

    [Fact]
    public void MaxDegreeOfParallelism_LessThanOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxDegreeOfParallelism = 0);
    }

    [Theory]
    [InlineData("Scalar")]
    [InlineData("Vector128")]
    [InlineData("Vector256")]
    [InlineData("Vector512")]
    public void Multiply_ForcedKernel_MatchesNaiveReference(string kernel)
    {
        // The kernel enum is internal, so the theory data names it.
        Gemm.KernelKind kind = Enum.Parse<Gemm.KernelKind>(kernel);
        // Large enough (and K above the double-precision KC) to take the blocked path, not the small-product one.
        const int M = 37, N = 45, K = 200;
        var random = new Random(42);
        float[] af = GemmTests.RandomFloats(random, M * K);
        float[] bf = GemmTests.RandomFloats(random, K * N);
        double[] ad = GemmTests.RandomDoubles(random, M * K);
        double[] bd = GemmTests.RandomDoubles(random, K * N);
        int[] ai = GemmTests.RandomInts(random, M * K, 1000);
        int[] bi = GemmTests.RandomInts(random, K * N, 1000);
        long[] al = GemmTests.RandomLongs(random, M * K, 1L << 40);
        long[] bl = GemmTests.RandomLongs(random, K * N, 1L << 40);
        float[] cf = new float[M * N];
        double[] cd = new double[M * N];
        int[] ci = new int[M * N];
        long[] cl = new long[M * N];
        try
        {
            Gemm.KernelOverride = kind;
            Gemm.Multiply(af, bf, cf, M, N, K, false, true);
            Gemm.Multiply(ad, bd, cd, M, N, K, true, false);
            Gemm.Multiply(ai, bi, ci, M, N, K, true, true);
            Gemm.Multiply(al, bl, cl, M, N, K, false, false);
        }
        finally
        {
            Gemm.KernelOverride = Gemm.KernelKind.Auto;
        }

        GemmTests.AssertClose(GemmTests.ToDouble(af), GemmTests.ToDouble(bf), GemmTests.ToDouble(cf), M, N, K, false, true, 1e-5);
        GemmTests.AssertClose(ad, bd, cd, M, N, K, true, false, 1e-13);
        Assert.Equal(GemmTests.NaiveInt32(ai, bi, M, N, K, true, true), ci);
        Assert.Equal(GemmTests.NaiveInt64(al, bl, M, N, K, false, false), cl);
    }
}
