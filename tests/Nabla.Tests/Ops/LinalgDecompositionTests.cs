using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>
/// Tf.Linalg's matrix functions and decompositions: defining identities (reconstruction, orthogonality,
/// triangularity) at float32 and float64 over batches, gradients at first and second order against finite
/// differences for every op, and errors naming the op, shapes and dtypes.
/// </summary>
public class LinalgDecompositionTests
{
    /// <summary>A gradient row: the op (one tensor out, several outputs concatenated) and its input shapes.</summary>
    private sealed record GradientRow(Func<Tensor[], Tensor> F, Shape[] Shapes, double SecondOrderTolerance = 1e-5);

    private static readonly Dictionary<string, GradientRow> s_gradients = new()
    {
        ["Inv"] = new(x => Tf.Linalg.Inv(WellConditioned(x[0])), [new(2, 3, 3)]),
        ["Inv adjoint"] = new(x => Tf.Linalg.Inv(WellConditioned(x[0]), adjoint: true), [new(3, 3)]),
        ["Det"] = new(x => Tf.Linalg.Det(WellConditioned(x[0])), [new(2, 3, 3)]),
        ["Slogdet"] = new(x => Tf.Linalg.Slogdet(Tf.Negative(WellConditioned(x[0]))).LogAbsDeterminant, [new(2, 3, 3)]),
        ["Solve"] = new(x => Tf.Linalg.Solve(WellConditioned(x[0]), x[1]), [new(2, 3, 3), new(2, 3, 2)]),
        ["Solve adjoint"] = new(x => Tf.Linalg.Solve(WellConditioned(x[0]), x[1], adjoint: true), [new(3, 3), new(3, 4)]),
        ["TriangularSolve lower"] = new(x => Tf.Linalg.TriangularSolve(WellConditioned(x[0]), x[1]), [new(3, 3), new(2, 3, 2)]),
        ["TriangularSolve upper adjoint"] = new(x => Tf.Linalg.TriangularSolve(WellConditioned(x[0]), x[1], lower: false, adjoint: true), [new(2, 3, 3), new(3, 2)]),
        ["Cholesky"] = new(x => Tf.Linalg.Cholesky(PositiveDefinite(x[0])), [new(2, 3, 3)]),
        ["Qr tall"] = new(x => Flat(Tf.Linalg.Qr(x[0]).Q, Tf.Linalg.Qr(x[0]).R), [new(4, 3)], 1e-4),
        ["Qr square"] = new(x => Flat(Tf.Linalg.Qr(x[0]).Q, Tf.Linalg.Qr(x[0]).R), [new(2, 3, 3)], 1e-4),
        ["Qr wide"] = new(x => Flat(Tf.Linalg.Qr(x[0]).Q, Tf.Linalg.Qr(x[0]).R), [new(3, 5)], 1e-4),
        ["Qr wide full"] = new(x => Flat(Tf.Linalg.Qr(x[0], fullMatrices: true).Q, Tf.Linalg.Qr(x[0], fullMatrices: true).R), [new(2, 4)], 1e-4),
        ["Svd values"] = new(x => Tf.Linalg.Svd(x[0]).S, [new(2, 4, 3)]),
        ["Svd tall"] = new(x => SvdAll(x[0], false), [new(4, 3)], 1e-4),
        ["Svd wide"] = new(x => SvdAll(x[0], false), [new(3, 5)], 1e-4),
        ["Svd square"] = new(x => SvdAll(x[0], false), [new(3, 3)], 1e-4),
        ["Svd tall full"] = new(x => SvdAll(x[0], true), [new(4, 3)], 1e-4),
        ["Eigh"] = new(x => Flat(Tf.Linalg.Eigh(x[0]).E, Tf.Linalg.Eigh(x[0]).V), [new(2, 3, 3)], 1e-4),
        ["Spectral norm"] = new(x => Tf.Linalg.Norm(x[0], "2", [-2, -1]), [new(2, 3, 4)]),
        ["Diag"] = new(x => Tf.Linalg.Diag(x[0]), [new(2, 3)]),
        ["Diag k=-1"] = new(x => Tf.Linalg.Diag(x[0], -1), [new(3)]),
        ["DiagPart k=1"] = new(x => Tf.Linalg.DiagPart(x[0], 1), [new(2, 3, 4)]),
        ["SetDiag"] = new(x => Tf.Linalg.SetDiag(x[0], x[1]), [new(2, 3, 4), new(2, 3)]),
        ["BandPart"] = new(x => Tf.Linalg.BandPart(x[0], 1, 0), [new(2, 4, 3)]),
        ["Trace"] = new(x => Tf.Linalg.Trace(x[0]), [new(2, 3, 3)]),
    };

    public static TheoryData<string> GradientRows() => [.. s_gradients.Keys];

    public static TheoryData<string> FloatDTypes() => ["float32", "float64"];

    [Theory]
    [MemberData(nameof(GradientRows))]
    public void Gradient_FirstAndSecondOrder_MatchFiniteDifferences(string name)
    {
        GradientRow row = s_gradients[name];
        Tensor[] inputs = GradientCheck.RandomInputs(name.Length, row.Shapes, -1, 1);
        GradientCheck.FirstOrder(row.F, inputs);
        GradientCheck.SecondOrder(row.F, inputs, row.SecondOrderTolerance);
    }

    [Theory]
    [MemberData(nameof(FloatDTypes))]
    public void InvDetSlogdet_MatchIdentities(string dtypeName)
    {
        DType dtype = Parse(dtypeName);
        double tolerance = dtype == DType.Float64 ? 1e-11 : 2e-5;
        Tensor a = Tf.Cast(WellConditioned(Random([2, 3, 4, 4], 1)), dtype);
        Tensor inverse = Tf.Linalg.Inv(a);
        Assert.Equal(dtype, inverse.DType);
        Near(Eyes([2, 3], 4), Tf.MatMul(a, inverse), tolerance);
        Near(Eyes([2, 3], 4), Tf.MatMul(Tf.Linalg.Inv(a, adjoint: true), a, transposeB: true), tolerance);

        double[] values = AssertTensor.ToDoubles(a);
        double[] expected = [.. Enumerable.Range(0, 6).Select(b => Cofactor(values.AsSpan(b * 16, 16).ToArray(), 4))];
        AssertTensor.Close(expected, Tf.Linalg.Det(a), new Shape(2, 3), tolerance);
        (Tensor sign, Tensor logAbs) = Tf.Linalg.Slogdet(a);
        AssertTensor.Close(expected, Tf.Multiply(sign, Tf.Exp(logAbs)), new Shape(2, 3), tolerance);
    }

    [Fact]
    public void Slogdet_HugeAndSingular_StayFinite()
    {
        // det(10·I₆₀) = 1e60 overflows float32; its log does not.
        Tensor big = Tf.Multiply(Tf.Eye(60), 10f);
        (Tensor sign, Tensor logAbs) = Tf.Linalg.Slogdet(big);
        AssertTensor.Close([1], sign);
        AssertTensor.Close([60 * Math.Log(10)], logAbs, tolerance: 1e-6);
        Assert.True(float.IsPositiveInfinity(Tf.Linalg.Det(big).Item<float>()));
        Tensor singular = Tf.Constant(new double[,] { { 1, 2 }, { 2, 4 } });
        Assert.Equal(0.0, Tf.Linalg.Det(singular).Item<double>());
        (Tensor s0, Tensor l0) = Tf.Linalg.Slogdet(singular);
        Assert.Equal(0.0, s0.Item<double>());
        Assert.Equal(double.NegativeInfinity, l0.Item<double>());
        Assert.Equal(1.0, Tf.Linalg.Det(Tf.Zeros([0, 0], DType.Float64)).Item<double>());
    }

    [Theory]
    [MemberData(nameof(FloatDTypes))]
    public void SolveAndTriangularSolve_Reconstruct(string dtypeName)
    {
        DType dtype = Parse(dtypeName);
        double tolerance = dtype == DType.Float64 ? 1e-11 : 2e-5;
        Tensor a = Tf.Cast(WellConditioned(Random([2, 4, 4], 2)), dtype);
        Tensor b = Tf.Cast(Random([2, 4, 3], 3), dtype);
        AssertTensor.Close(b, Tf.MatMul(a, Tf.Linalg.Solve(a, b)), tolerance);
        AssertTensor.Close(b, Tf.MatMul(a, Tf.Linalg.Solve(a, b, adjoint: true), transposeA: true), tolerance);
        foreach (bool lower in new[] { true, false })
        {
            Tensor t = lower ? Tf.Linalg.BandPart(a, -1, 0) : Tf.Linalg.BandPart(a, 0, -1);
            foreach (bool adjoint in new[] { false, true })
            {
                // The solve reads only its triangle: the full matrix gives the same answer.
                Tensor x = Tf.Linalg.TriangularSolve(a, b, lower, adjoint);
                AssertTensor.Close(b, Tf.MatMul(t, x, transposeA: adjoint), tolerance);
            }
        }

        // Batch dimensions broadcast: one matrix against a batch of right-hand sides.
        Tensor shared = Tf.Linalg.TriangularSolve(Tf.Slice(a, [0, 0, 0], [1, 4, 4]), Tf.Reshape(b, [2, 1, 4, 3]));
        Assert.Equal(new Shape(2, 1, 4, 3), shared.Shape);
    }

    [Theory]
    [MemberData(nameof(FloatDTypes))]
    public void Cholesky_ReconstructsAndIsLower(string dtypeName)
    {
        DType dtype = Parse(dtypeName);
        Tensor a = Tf.Cast(PositiveDefinite(Random([3, 5, 5], 4)), dtype);
        Tensor l = Tf.Linalg.Cholesky(a);
        AssertTensor.Close(a, Tf.MatMul(l, l, transposeB: true), dtype == DType.Float64 ? 1e-12 : 2e-5);
        AssertTensor.Close(Tf.Linalg.BandPart(l, -1, 0), l, 0);
    }

    [Theory]
    [InlineData("float32", 5, 3, false)]
    [InlineData("float64", 5, 3, false)]
    [InlineData("float32", 3, 5, true)]
    [InlineData("float64", 5, 3, true)]
    [InlineData("float64", 4, 4, false)]
    public void Qr_ReconstructsOrthonormalTimesUpper(string dtypeName, int m, int n, bool full)
    {
        DType dtype = Parse(dtypeName);
        double tolerance = dtype == DType.Float64 ? 1e-12 : 2e-6;
        Tensor a = Tf.Cast(Random([2, m, n], 5), dtype);
        (Tensor q, Tensor r) = Tf.Linalg.Qr(a, full);
        int k = full ? m : Math.Min(m, n);
        Assert.Equal(new Shape(2, m, k), q.Shape);
        Assert.Equal(new Shape(2, k, n), r.Shape);
        AssertTensor.Close(a, Tf.MatMul(q, r), tolerance);
        Near(Eyes([2], k), Tf.MatMul(q, q, transposeA: true), tolerance);
        AssertTensor.Close(Tf.Linalg.BandPart(r, 0, -1), r, 0);
    }

    [Theory]
    [InlineData("float32", 5, 3, false)]
    [InlineData("float64", 5, 3, false)]
    [InlineData("float32", 3, 6, false)]
    [InlineData("float64", 3, 6, true)]
    [InlineData("float32", 6, 3, true)]
    [InlineData("float64", 4, 4, false)]
    public void Svd_ReconstructsWithOrthonormalVectors(string dtypeName, int m, int n, bool full)
    {
        DType dtype = Parse(dtypeName);
        double tolerance = dtype == DType.Float64 ? 1e-12 : 3e-6;
        Tensor a = Tf.Cast(Random([2, m, n], 6), dtype);
        (Tensor s, Tensor u, Tensor v) = Tf.Linalg.Svd(a, full);
        int k = Math.Min(m, n);
        Assert.Equal(new Shape(2, k), s.Shape);
        Assert.Equal(new Shape(2, m, full ? m : k), u.Shape);
        Assert.Equal(new Shape(2, n, full ? n : k), v.Shape);
        Near(Eyes([2], full ? m : k), Tf.MatMul(u, u, transposeA: true), tolerance);
        Near(Eyes([2], full ? n : k), Tf.MatMul(v, v, transposeA: true), tolerance);
        Tensor uk = Tf.Slice(u, [0, 0, 0], [2, m, k]), vk = Tf.Slice(v, [0, 0, 0], [2, n, k]);
        AssertTensor.Close(a, Tf.MatMul(Tf.Multiply(uk, Tf.ExpandDims(s, 1)), vk, transposeB: true), tolerance);

        // The singular values are the square roots of AᵀA's (or AAᵀ's) eigenvalues, descending.
        Tensor gram = m >= n ? Tf.MatMul(a, a, transposeA: true) : Tf.MatMul(a, a, transposeB: true);
        Tensor fromEigen = Tf.Reverse(Tf.Sqrt(Tf.Maximum(Tf.Linalg.Eigvalsh(Tf.Cast(gram, DType.Float64)), 0.0)), [-1]);
        AssertTensor.Close(fromEigen, Tf.Cast(s, DType.Float64), dtype == DType.Float64 ? 1e-10 : 2e-6);
    }

    [Theory]
    [MemberData(nameof(FloatDTypes))]
    public void Eigh_DiagonalizesSymmetricMatrices(string dtypeName)
    {
        DType dtype = Parse(dtypeName);
        double tolerance = dtype == DType.Float64 ? 1e-12 : 3e-6;
        Tensor x = Random([3, 5, 5], 7);
        Tensor a = Tf.Cast(Tf.Add(x, Tf.Linalg.MatrixTranspose(x)), dtype);
        (Tensor e, Tensor v) = Tf.Linalg.Eigh(a);
        AssertTensor.Close(Tf.MatMul(a, v), Tf.Multiply(v, Tf.ExpandDims(e, 1)), tolerance * 4);
        Near(Eyes([3], 5), Tf.MatMul(v, v, transposeA: true), tolerance);
        Assert.Equal(AssertTensor.ToDoubles(Tf.Sort(e)), AssertTensor.ToDoubles(e));
    }

    [Fact]
    public void DiagFamily_MatchesHandValues()
    {
        Tensor d = Tf.Constant(new[,] { { 1, 2 }, { 3, 4 } });
        AssertTensor.Close([1, 0, 0, 2, 3, 0, 0, 4], Tf.Linalg.Diag(d), new Shape(2, 2, 2), 0);
        AssertTensor.Close([0, 1, 0, 0, 0, 2, 0, 0, 0], Tf.Linalg.Diag(Tf.Constant(new[] { 1, 2 }), 1), new Shape(3, 3), 0);
        Tensor m = Tf.Reshape(Tf.Range(1, 13), [3, 4]);
        AssertTensor.Close([1, 6, 11], Tf.Linalg.DiagPart(m), new Shape(3), 0);
        AssertTensor.Close([2, 7, 12], Tf.Linalg.DiagPart(m, 1), new Shape(3), 0);
        AssertTensor.Close([5, 10], Tf.Linalg.DiagPart(m, -1), new Shape(2), 0);
        AssertTensor.Close([1, 0, 3, 4, 5, 6, 0, 8, 9, 10, 11, 0], Tf.Linalg.SetDiag(m, Tf.Constant(new[] { 0, 0, 0 }), 1), new Shape(3, 4), 0);
        AssertTensor.Close([1, 2, 0, 0, 5, 6, 7, 0, 0, 10, 11, 12], Tf.Linalg.BandPart(m, 1, 1), new Shape(3, 4), 0);
        AssertTensor.Close([1, 0, 0, 0, 5, 6, 0, 0, 9, 10, 11, 0], Tf.Linalg.BandPart(m, -1, 0), new Shape(3, 4), 0);
        AssertTensor.Close([18], Tf.Linalg.Trace(m), new Shape(), 0);
        AssertTensor.Close(Tf.Transpose(m), Tf.Linalg.Adjoint(m), 0);
    }

    [Fact]
    public void Errors_NameOpShapeAndDType()
    {
        AssertError(() => Tf.Linalg.Inv(Tf.Zeros([2, 3])), "MatrixInverse", "(2, 3)");
        AssertError(() => Tf.Linalg.Det(Tf.Zeros([3])), "MatrixDeterminant", "(3,)");
        AssertError(() => Tf.Linalg.Cholesky(Tf.Zeros([2, 2], DType.Int32)), "Cholesky", "int32");
        AssertError(() => Tf.Linalg.Eigh(Tf.Zeros([2, 2], DType.Float16)), "SelfAdjointEigV2", "float16");
        AssertError(() => Tf.Linalg.Svd(Tf.Zeros([4])), "Svd", "(4,)");
        AssertError(() => Tf.Linalg.Qr(Tf.Zeros([3], DType.Float64)), "Qr", "(3,)");
        AssertError(() => Tf.Linalg.Inv(Tf.Constant(new double[,] { { 1, 2 }, { 2, 4 } })), "MatrixInverse", "not invertible");
        AssertError(() => Tf.Linalg.Solve(Tf.Zeros([2, 2]), Tf.Ones([2, 1])), "MatrixSolve", "not invertible");
        AssertError(() => Tf.Linalg.Solve(Tf.Eye(3), Tf.Ones([2, 1])), "MatrixSolve", "(2, 1)");
        AssertError(() => Tf.Linalg.Solve(Tf.Eye(2), Tf.Ones([2, 1], DType.Float64)), "MatrixSolve", "float64");
        AssertError(() => Tf.Linalg.TriangularSolve(Tf.Eye(2), Tf.Ones([3, 1])), "MatrixTriangularSolve", "(3, 1)");
        AssertError(() => Tf.Linalg.Cholesky(Tf.Constant(new double[,] { { 1, 2 }, { 2, 1 } })), "Cholesky", "not successful");
        AssertError(() => Tf.Linalg.DiagPart(Tf.Zeros([2, 3]), 3), "MatrixDiagPartV3", "k = 3");
        AssertError(() => Tf.Linalg.SetDiag(Tf.Zeros([2, 3]), Tf.Zeros([3])), "MatrixSetDiagV3", "(2, 3)");
        AssertError(() => Tf.Linalg.Diag(Tf.Constant(1)), "MatrixDiagV3", "()");
        AssertError(() => Tf.Linalg.BandPart(Tf.Zeros([3]), 0, 0), "MatrixBandPart", "(3,)");
    }

    [Fact]
    public void Gradients_UndefinedInTensorFlow_ThrowNotSupported()
    {
        foreach (Func<Tensor, Tensor> f in new Func<Tensor, Tensor>[] { x => Tf.Linalg.Qr(x, true).R, x => Tf.Linalg.Svd(x, true).U })
        {
            var x = new Variable(Random([5, 2], 8));
            using var tape = new GradientTape();
            Tensor y = Tf.ReduceSum(f(x));
            Assert.Throws<NotSupportedException>(() => tape.Gradient(y, x));
        }
    }

    private static void AssertError(Func<object> f, string op, string detail)
    {
        var error = Assert.Throws<ArgumentException>(f);
        Assert.Contains(op, error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    private static void Near(Tensor expected, Tensor actual, double tolerance)
        => AssertTensor.Close(Tf.Cast(expected, DType.Float64), Tf.Cast(actual, DType.Float64), tolerance);

    private static DType Parse(string name) => DType.All.First(d => d.Name == name);

    private static Tensor Random(int[] shape, int seed) => GradientCheck.RandomInputs(seed, [new Shape(shape)], -1, 1)[0];

    // x + n·I: diagonally dominant enough to be far from singular for entries in [-1, 1].
    private static Tensor WellConditioned(Tensor x) => Tf.Add(x, Tf.Multiply(Tf.Eye(x.Shape[^1], dtype: x.DType), (double)x.Shape[^1]));

    private static Tensor PositiveDefinite(Tensor x) => Tf.Add(Tf.MatMul(x, x, transposeB: true), Tf.Eye(x.Shape[^1], dtype: x.DType));

    private static Tensor Flat(params Tensor[] parts) => Tf.Concat([.. parts.Select(p => Tf.Reshape(p, [-1]))], 0);

    private static Tensor SvdAll(Tensor x, bool full)
    {
        (Tensor s, Tensor u, Tensor v) = Tf.Linalg.Svd(x, full);
        return Flat(s, u, v);
    }

    private static Tensor Eyes(int[] batch, int n)
        => Tf.BroadcastTo(Tf.Eye(n, dtype: DType.Float64), [.. batch, n, n]);

    private static double Cofactor(double[] a, int n)
    {
        if (n == 1)
        {
            return a[0];
        }

        double det = 0;
        for (int c = 0; c < n; c++)
        {
            double[] minor = [.. Enumerable.Range(n, (n - 1) * n).Where(i => i % n != c).Select(i => a[i])];
            det += (c % 2 == 0 ? 1 : -1) * a[c] * Cofactor(minor, n - 1);
        }

        return det;
    }
}
