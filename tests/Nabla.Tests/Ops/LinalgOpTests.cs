using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

public class LinalgOpTests
{
    public static TheoryData<string, bool, bool> MatMulCases
    {
        get
        {
            var data = new TheoryData<string, bool, bool>();
            foreach (string dtype in new[] { "float32", "float64", "int32", "int64", "float16", "bfloat16" })
            {
                foreach (bool ta in new[] { false, true })
                {
                    foreach (bool tb in new[] { false, true })
                    {
                        data.Add(dtype, ta, tb);
                    }
                }
            }

            return data;
        }
    }

    public static TheoryData<int[], int[], int[]> BatchCases => new()
    {
        { [2, 3], [3, 4], [2, 4] },
        { [4, 2, 3], [4, 3, 5], [4, 2, 5] },
        { [2, 1, 3, 4], [5, 4, 6], [2, 5, 3, 6] },
        { [3, 4], [2, 4, 5], [2, 3, 5] },
        { [2, 1, 2, 3], [1, 3, 3, 2], [2, 3, 2, 2] },
        { [40, 33], [33, 37], [40, 37] },
    };

    [Theory]
    [MemberData(nameof(MatMulCases))]
    public void MatMul_AllTransposesAndDTypes_MatchesNaiveLoops(string dtypeName, bool ta, bool tb)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        var random = new Random(42);
        int m = 5, n = 7, k = 6;
        double[] a = RandomValues(random, m * k, dtype.IsInteger);
        double[] b = RandomValues(random, k * n, dtype.IsInteger);
        Tensor ta0 = Tf.Cast(Tf.Constant(a, ta ? [k, m] : [m, k]), dtype);
        Tensor tb0 = Tf.Cast(Tf.Constant(b, tb ? [n, k] : [k, n]), dtype);
        double[] expected = Naive(AssertTensor.ToDoubles(ta0), AssertTensor.ToDoubles(tb0), [], [], [], m, n, k, ta, tb);
        Tensor c = Tf.MatMul(ta0, tb0, ta, tb);
        Assert.Equal(dtype, c.DType);
        AssertTensor.Close(expected, c, new Shape(m, n), dtype.IsInteger ? 0 : AssertTensor.Tolerance(dtype) * 20);
    }

    [Theory]
    [MemberData(nameof(BatchCases))]
    public void MatMul_BroadcastBatches_MatchesNaiveLoops(int[] shapeA, int[] shapeB, int[] shapeC)
    {
        var random = new Random(42);
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                int[] sa = Swap(shapeA, ta), sb = Swap(shapeB, tb);
                double[] a = RandomValues(random, new Shape(sa).Size, false);
                double[] b = RandomValues(random, new Shape(sb).Size, false);
                int m = shapeC[^2], n = shapeC[^1], k = shapeA[^1];
                double[] expected = Naive(a, b, shapeA[..^2], shapeB[..^2], shapeC[..^2], m, n, k, ta, tb);
                Tensor c = Tf.MatMul(Tf.Constant(a, sa), Tf.Constant(b, sb), ta, tb);
                AssertTensor.Close(expected, c, new Shape(shapeC), 1e-10);
            }
        }
    }

    [Fact]
    public void MatMul_Gradients_MatchFiniteDifferences()
    {
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                Tensor[] plain = GradientCheck.RandomInputs(3, [ta ? [4, 3] : [3, 4], tb ? [2, 4] : [4, 2]]);
                GradientCheck.FirstOrder(x => Tf.MatMul(x[0], x[1], ta, tb), plain);
                GradientCheck.SecondOrder(x => Tf.MatMul(x[0], x[1], ta, tb), plain);
                Tensor[] batched = GradientCheck.RandomInputs(4, [ta ? [2, 1, 4, 3] : [2, 1, 3, 4], tb ? [3, 2, 4] : [3, 4, 2]]);
                GradientCheck.FirstOrder(x => Tf.MatMul(x[0], x[1], ta, tb), batched);
                GradientCheck.SecondOrder(x => Tf.MatMul(x[0], x[1], ta, tb), batched);
            }
        }

        Tensor[] mixed = GradientCheck.RandomInputs(5, [[3, 4], [2, 4, 2]]);
        GradientCheck.FirstOrder(x => Tf.MatMul(x[0], x[1]), mixed);
        GradientCheck.SecondOrder(x => Tf.Multiply(Tf.MatMul(x[0], x[1]), Tf.MatMul(x[0], x[1])), mixed);
    }

    [Fact]
    public void MatMul_NonContiguousInputFromTranspose_MatchesExplicitFlag()
    {
        Tensor[] x = GradientCheck.RandomInputs(6, [[4, 3], [4, 5]]);
        AssertTensor.Close(Tf.MatMul(x[0], x[1], transposeA: true), Tf.MatMul(Tf.Transpose(x[0]), x[1]), 1e-12);
    }

    [Fact]
    public void MatMul_EmptyDimensions_GiveEmptyOrZeroResults()
    {
        AssertTensor.Close([0, 0, 0, 0, 0, 0], Tf.MatMul(Tf.Zeros([2, 0]), Tf.Zeros([0, 3])), new Shape(2, 3));
        Assert.Equal(new Shape(0, 2, 4), Tf.MatMul(Tf.Zeros([0, 2, 3]), Tf.Zeros([3, 4])).Shape);
    }

    [Fact]
    public void MatMul_InnerDimensionMismatch_ThrowsNamingShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tf.MatMul(Tf.Zeros([2, 3]), Tf.Zeros([4, 5])));
        Assert.Contains("MatMul", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(4, 5)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MatMul_RankOneOrBadBatchOrDType_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tf.MatMul(Tf.Zeros([3]), Tf.Zeros([3, 4])));
        Assert.Contains("MatMul", e.Message, StringComparison.Ordinal);
        Assert.Contains("(3,)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.MatMul(Tf.Zeros([2, 2, 3]), Tf.Zeros([3, 3, 4])));
        e = Assert.Throws<ArgumentException>(() => Tf.MatMul(Tf.Zeros([2, 3]), Tf.Zeros([3, 4], DType.Float64)));
        Assert.Contains("float64", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Tf.MatMul(Tf.Zeros([2, 3], DType.Bool), Tf.Zeros([3, 4], DType.Bool)));
        Assert.Contains("MatMul", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensordot_IntAndAxisLists_MatchNaiveContraction()
    {
        Tensor[] x = GradientCheck.RandomInputs(8, [[2, 3, 4], [3, 4, 5]]);
        double[] a = x[0].ToArray<double>(), b = x[1].ToArray<double>();
        var expected = new double[10];
        for (int i = 0; i < 2; i++)
        {
            for (int l = 0; l < 5; l++)
            {
                for (int j = 0; j < 3; j++)
                {
                    for (int k = 0; k < 4; k++)
                    {
                        expected[(i * 5) + l] += a[(i * 12) + (j * 4) + k] * b[(j * 20) + (k * 5) + l];
                    }
                }
            }
        }

        AssertTensor.Close(expected, Tf.Tensordot(x[0], x[1], 2), new Shape(2, 5), 1e-12);
        AssertTensor.Close(expected, Tf.Tensordot(x[0], x[1], [1, 2], [0, 1]), new Shape(2, 5), 1e-12);

        // Contract a's axis 0 with b's axis 1 (needs transposes).
        Tensor[] y = GradientCheck.RandomInputs(9, [[3, 2], [4, 3]]);
        double[] p = y[0].ToArray<double>(), q = y[1].ToArray<double>();
        var outer = new double[8];
        for (int i = 0; i < 2; i++)
        {
            for (int l = 0; l < 4; l++)
            {
                for (int j = 0; j < 3; j++)
                {
                    outer[(i * 4) + l] += p[(j * 2) + i] * q[(l * 3) + j];
                }
            }
        }

        AssertTensor.Close(outer, Tf.Tensordot(y[0], y[1], [0], [1]), new Shape(2, 4), 1e-12);
        Assert.Equal(new Shape(3, 2, 4, 3), Tf.Tensordot(y[0], y[1], 0).Shape);
    }

    [Fact]
    public void Tensordot_Gradients_MatchFiniteDifferences()
    {
        Tensor[] x = GradientCheck.RandomInputs(10, [[2, 3, 4], [4, 3, 2]]);
        GradientCheck.FirstOrder(v => Tf.Tensordot(v[0], v[1], [1, 2], [1, 0]), x);
        GradientCheck.SecondOrder(v => Tf.Tensordot(v[0], v[1], [1, 2], [1, 0]), x);
        var e = Assert.Throws<ArgumentException>(() => Tf.Tensordot(x[0], x[1], [0], [0]));
        Assert.Contains("Tensordot", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Norm_Orders_MatchHandComputation()
    {
        Tensor x = Tf.Constant(new double[] { 3, -4, 0, 1, -2, 2 }, [2, 3]);
        AssertTensor.Close([System.Math.Sqrt(34)], Tf.Linalg.Norm(x), new Shape());
        AssertTensor.Close([5, 3], Tf.Linalg.Norm(x, 2, axis: 1), new Shape(2));
        AssertTensor.Close([7, 5], Tf.Linalg.Norm(x, 1, axis: -1), new Shape(2));
        AssertTensor.Close([4, 2], Tf.Linalg.Norm(x, double.PositiveInfinity, axis: 1, keepdims: true), new Shape(2, 1));
        AssertTensor.Close([3, 4, 2], Tf.Linalg.Norm(x, "inf", axis: 0), new Shape(3));
        AssertTensor.Close([5, 3], Tf.Linalg.Norm(Tf.Cast(x, DType.Float32), axis: 1), new Shape(2));
        AssertTensor.Close([5, 3], Tf.Linalg.Norm(Tf.Cast(x, DType.Float16), axis: 1), new Shape(2), 1e-2);
        Assert.Throws<ArgumentException>(() => Tf.Linalg.Norm(x, 3));
        var e = Assert.Throws<ArgumentException>(() => Tf.Linalg.Norm(Tf.Constant(new[] { 1, 2 })));
        Assert.Contains("Norm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Norm_Gradients_MatchFiniteDifferences()
    {
        Tensor[] x = GradientCheck.RandomInputs(12, [[3, 4]], 0.2, 2);
        Tensor[] signed = [Tf.Multiply(x[0], Tf.Constant(new double[] { 1, -1, 1, -1 }, [4]))];
        GradientCheck.FirstOrder(v => Tf.Linalg.Norm(v[0], axis: 1), signed);
        GradientCheck.SecondOrder(v => Tf.Linalg.Norm(v[0], axis: 1), signed);
        GradientCheck.FirstOrder(v => Tf.Linalg.Norm(v[0], 1, axis: 0), signed);
        GradientCheck.SecondOrder(v => Tf.Linalg.Norm(v[0], 1, axis: 0), signed);
        GradientCheck.FirstOrder(v => Tf.Linalg.Norm(v[0], double.PositiveInfinity, axis: 1), signed);
        GradientCheck.SecondOrder(v => Tf.Linalg.Norm(v[0], double.PositiveInfinity), signed);
    }

    private static int[] Swap(int[] shape, bool transpose)
    {
        var s = (int[])shape.Clone();
        if (transpose)
        {
            (s[^1], s[^2]) = (s[^2], s[^1]);
        }

        return s;
    }

    private static double[] RandomValues(Random random, int count, bool integer)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = integer ? random.Next(-5, 6) : (random.NextDouble() * 2) - 1;
        }

        return values;
    }

    // Reference: broadcast batch indices by their own loops, every element by a triple loop in double.
    private static double[] Naive(double[] a, double[] b, int[] batchA, int[] batchB, int[] batchC, int m, int n, int k, bool ta, bool tb)
    {
        int batches = new Shape(batchC).Size;
        var c = new double[batches * m * n];
        var index = new int[batchC.Length];
        for (int batch = 0; batch < batches; batch++)
        {
            int rem = batch;
            for (int d = batchC.Length - 1; d >= 0; d--)
            {
                index[d] = rem % batchC[d];
                rem /= batchC[d];
            }

            int offA = Offset(index, batchA) * m * k, offB = Offset(index, batchB) * k * n;
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double av = a[offA + (ta ? (p * m) + i : (i * k) + p)];
                        double bv = b[offB + (tb ? (j * k) + p : (p * n) + j)];
                        sum += av * bv;
                    }

                    c[(batch * m * n) + (i * n) + j] = sum;
                }
            }
        }

        return c;
    }

    private static int Offset(int[] index, int[] dims)
    {
        int lead = index.Length - dims.Length, offset = 0;
        for (int d = 0; d < dims.Length; d++)
        {
            offset = (offset * dims[d]) + (dims[d] == 1 ? 0 : index[lead + d]);
        }

        return offset;
    }
}
