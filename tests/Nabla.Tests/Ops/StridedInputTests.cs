using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>
/// Non-contiguous inputs across the op families (ARCHITECTURE.md §3.10, PyTorch OpInfo's "noncontiguous"
/// samples): each op is fed inputs produced by <c>Tf.Transpose</c> or by a slice <c>x[.., 1..]</c>, and must give
/// exactly the result of the equal tensor built from a .NET array; gradients through the transposed or sliced
/// input must match finite differences.
/// </summary>
public class StridedInputTests
{
    /// <summary>How an op's input is produced from a base tensor.</summary>
    public enum Layout
    {
        /// <summary><c>Tf.Transpose(base)</c> where the base has the reversed shape.</summary>
        Transposed,

        /// <summary><c>base[.., ..., 1..]</c> where the base is one longer on its last axis.</summary>
        Sliced,
    }

    internal sealed record Row(string Name, int[][] Shapes, Func<Tensor[], Tensor> F, double Low = -2, double High = 2, bool Differentiable = true);

    private static readonly int[] s_gatherIndices = [2, 0, 2, 1];

    private static readonly Row[] s_rows =
    [
        // Unary
        new("Exp", [[3, 4]], x => Tf.Exp(x[0])),
        new("Sin", [[3, 4]], x => Tf.Sin(x[0])),
        new("Tanh", [[3, 4]], x => Tf.Tanh(x[0])),
        new("Sigmoid", [[3, 4]], x => Tf.Sigmoid(x[0])),
        new("Abs", [[3, 4]], x => Tf.Abs(x[0])),
        new("Negative", [[3, 4]], x => Tf.Negative(x[0])),
        new("Square", [[3, 4]], x => Tf.Square(x[0])),
        new("Sqrt", [[3, 4]], x => Tf.Sqrt(x[0]), 0.5, 2),
        new("Log", [[3, 4]], x => Tf.Log(x[0]), 0.5, 2),
        new("Relu", [[3, 4]], x => Tf.Nn.Relu(x[0])),
        new("Softplus", [[3, 4]], x => Tf.Nn.Softplus(x[0])),
        new("Floor", [[3, 4]], x => Tf.Floor(x[0]), Differentiable: false),

        // Binary, same shapes and broadcast
        new("Add", [[3, 4], [3, 4]], x => Tf.Add(x[0], x[1])),
        new("Add broadcast row", [[3, 4], [4]], x => Tf.Add(x[0], x[1])),
        new("Subtract broadcast column", [[3, 4], [3, 1]], x => Tf.Subtract(x[0], x[1])),
        new("Multiply broadcast both", [[3, 1], [1, 4]], x => Tf.Multiply(x[0], x[1])),
        new("Divide", [[3, 4], [3, 4]], x => Tf.Divide(x[0], x[1]), 0.5, 2),
        new("Pow", [[3, 4], [4]], x => Tf.Pow(x[0], x[1]), 0.5, 2),
        new("Maximum", [[3, 4], [3, 4]], x => Tf.Maximum(x[0], x[1])),
        new("SquaredDifference", [[3, 4], [1, 4]], x => Tf.SquaredDifference(x[0], x[1])),
        new("Less", [[3, 4], [4]], x => Tf.Less(x[0], x[1]), Differentiable: false),
        new("Where", [[3, 4], [3, 4]], x => Tf.Where(Tf.Greater(x[0], x[1]), x[0], x[1])),

        // Reductions over each axis, all axes, keepdims
        new("ReduceSum axis 0", [[3, 4]], x => Tf.ReduceSum(x[0], 0)),
        new("ReduceSum axis 1", [[3, 4]], x => Tf.ReduceSum(x[0], 1)),
        new("ReduceSum all", [[3, 4]], x => Tf.ReduceSum(x[0])),
        new("ReduceSum rank 3 axis 1 keepdims", [[2, 3, 4]], x => Tf.ReduceSum(x[0], 1, keepdims: true)),
        new("ReduceMean axis 0", [[3, 4]], x => Tf.ReduceMean(x[0], 0)),
        new("ReduceMax axis 1", [[3, 4]], x => Tf.ReduceMax(x[0], 1)),
        new("ReduceMin axis 0", [[3, 4]], x => Tf.ReduceMin(x[0], 0)),
        new("ReduceProd axis 1", [[3, 4]], x => Tf.ReduceProd(x[0], 1)),
        new("ReduceLogSumExp axis 0", [[3, 4]], x => Tf.ReduceLogSumExp(x[0], 0)),
        new("ReduceVariance axis 1", [[3, 4]], x => Tf.ReduceVariance(x[0], 1)),
        new("ArgMax axis 0", [[3, 4]], x => Tf.ArgMax(x[0], 0), Differentiable: false),
        new("ArgMin axis 1", [[3, 4]], x => Tf.ArgMin(x[0], 1), Differentiable: false),

        // MatMul, every transpose flag
        new("MatMul", [[3, 4], [4, 5]], x => Tf.MatMul(x[0], x[1])),
        new("MatMul transposeA", [[4, 3], [4, 5]], x => Tf.MatMul(x[0], x[1], transposeA: true)),
        new("MatMul transposeB", [[3, 4], [5, 4]], x => Tf.MatMul(x[0], x[1], transposeB: true)),
        new("MatMul transposeA transposeB", [[4, 3], [5, 4]], x => Tf.MatMul(x[0], x[1], transposeA: true, transposeB: true)),
        new("MatMul batched", [[2, 3, 4], [4, 2]], x => Tf.MatMul(x[0], x[1])),

        // Softmax, Concat, Gather, CumSum
        new("Softmax", [[3, 4]], x => Tf.Nn.Softmax(x[0])),
        new("Softmax axis 0", [[3, 4]], x => Tf.Nn.Softmax(x[0], 0)),
        new("LogSoftmax", [[3, 4]], x => Tf.Nn.LogSoftmax(x[0])),
        new("Concat axis 0", [[3, 4], [2, 4]], x => Tf.Concat([x[0], x[1]], 0)),
        new("Concat axis 1", [[3, 4], [3, 2]], x => Tf.Concat([x[0], x[1]], 1)),
        new("Gather axis 0", [[3, 4]], x => Tf.Gather(x[0], s_gatherIndices)),
        new("Gather axis 1", [[3, 4]], x => Tf.Gather(x[0], s_gatherIndices[..3], 1)),
        new("CumSum axis 0", [[3, 4]], x => Tf.CumSum(x[0], 0)),
        new("CumSum axis 1 exclusive reverse", [[3, 4]], x => Tf.CumSum(x[0], 1, exclusive: true, reverse: true)),
        new("CumProd axis 1", [[3, 4]], x => Tf.CumProd(x[0], 1), 0.5, 2),
        new("Asin", [[3, 4]], x => Tf.Asin(x[0]), -0.9, 0.9),
        new("Cosh", [[3, 4]], x => Tf.Cosh(x[0])),
        new("SegmentMax", [[3, 4]], x => Tf.SegmentMax(x[0], Tf.Constant(new[] { 0, 0, 1 }))),
        new("UnsortedSegmentMean", [[3, 4]], x => Tf.UnsortedSegmentMean(x[0], Tf.Constant(new[] { 1, -1, 1 }), 2)),
        new("Sort axis 0", [[3, 4]], x => Tf.Sort(x[0], 0)),
        new("TopK values", [[3, 4]], x => Tf.Nn.TopK(x[0], 2).Values),
        new("BooleanMask", [[3, 4]], x => Tf.BooleanMask(x[0], Tf.Constant(new[] { true, false, true }))),
        new("Linalg Inv", [[3, 3]], x => Tf.Linalg.Inv(Tf.Add(x[0], Tf.Multiply(Tf.Eye(3, dtype: x[0].DType), 4.0)))),
        new("Linalg Svd values", [[3, 4]], x => Tf.Linalg.Svd(x[0]).S),
        new("Linalg DiagPart k=1", [[3, 4]], x => Tf.Linalg.DiagPart(x[0], 1)),
        new("Linalg SetDiag", [[4, 3], [3]], x => Tf.Linalg.SetDiag(x[0], x[1])),
        new("Linalg Diag k=-1", [[2, 3]], x => Tf.Linalg.Diag(x[0], -1)),
        new("Linalg BandPart", [[3, 4]], x => Tf.Linalg.BandPart(x[0], 1, 0)),
        new("Linalg Cholesky", [[3, 4]], x => Tf.Linalg.Cholesky(ShiftedGram(x[0]))),
        new("Linalg Eigh", [[3, 3]], x => EighVectorsTimesValues(x[0])),
        new("Linalg Qr", [[4, 3]], x => QrProduct(x[0])),
        new("Linalg Qr wide", [[3, 5]], x => QrProduct(x[0])),
        new("Linalg TriangularSolve", [[3, 3], [3, 2]], x => Tf.Linalg.TriangularSolve(ShiftedDiagonal(x[0]), x[1])),
        new("Linalg TriangularSolve upper adjoint", [[3, 3], [3, 2]], x => Tf.Linalg.TriangularSolve(ShiftedDiagonal(x[0]), x[1], lower: false, adjoint: true)),
        new("Linalg Solve", [[3, 3], [3, 2]], x => Tf.Linalg.Solve(ShiftedDiagonal(x[0]), x[1])),
        new("Strided slice step -2 with new axis", [[3, 4]], x => x[0][TensorIndex.Slice(step: -2), Tf.NewAxis]),
        new("Einsum abc,cd->abd", [[2, 3, 4], [4, 2]], x => Tf.Einsum("abc,cd->abd", x[0], x[1])),
    ];

    // x + 4 I for square x of any size (entries in [-2, 2] make it well conditioned for a triangular or LU solve).
    internal static Tensor ShiftedDiagonal(Tensor x) => Tf.Linalg.SetDiag(x, Tf.Add(Tf.Linalg.DiagPart(x), 4.0));

    // x xᵀ + 4 I: symmetric positive definite for x of any size.
    internal static Tensor ShiftedGram(Tensor x) => ShiftedDiagonal(Tf.MatMul(x, x, transposeB: true));

    // Both results of Eigh on the symmetric x + xᵀ: each eigenvector scaled by its eigenvalue.
    internal static Tensor EighVectorsTimesValues(Tensor x)
    {
        (Tensor e, Tensor v) = Tf.Linalg.Eigh(Tf.Add(x, Tf.Linalg.MatrixTranspose(x)));
        return Tf.Multiply(v, Tf.ExpandDims(e, -2));
    }

    // Both results of Qr, combined so that neither gradient is Q·R's (which would be A's own).
    internal static Tensor QrProduct(Tensor x)
    {
        (Tensor q, Tensor r) = Tf.Linalg.Qr(x);
        return Tf.MatMul(Tf.Square(q), r);
    }

    /// <summary>The rows, one per op family shape: also the catalog that graph mode's traced-versus-eager tests run.</summary>
    internal static IReadOnlyList<Row> Rows => s_rows;

    private static readonly DType[] s_forwardDTypes = [DType.Float64, DType.Float32];

    public static TheoryData<string, Layout, string> ForwardCases()
    {
        var data = new TheoryData<string, Layout, string>();
        foreach (Row row in s_rows)
        {
            foreach (Layout layout in Enum.GetValues<Layout>())
            {
                foreach (DType dtype in s_forwardDTypes)
                {
                    data.Add(row.Name, layout, dtype.Name);
                }
            }
        }

        return data;
    }

    public static TheoryData<string, Layout> GradientCases()
    {
        var data = new TheoryData<string, Layout>();
        foreach (Row row in s_rows.Where(r => r.Differentiable))
        {
            foreach (Layout layout in Enum.GetValues<Layout>())
            {
                data.Add(row.Name, layout);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Op_NonContiguousInput_EqualsContiguousInput(string name, Layout layout, string dtypeName)
    {
        Row row = Find(name);
        DType dtype = s_forwardDTypes.Single(d => d.Name == dtypeName);
        Tensor[] bases = BaseInputs(row, layout);

        var strided = new Tensor[bases.Length];
        var contiguous = new Tensor[bases.Length];
        for (int i = 0; i < bases.Length; i++)
        {
            strided[i] = Apply(layout, Tf.Cast(bases[i], dtype));
            Assert.Equal(new Shape(row.Shapes[i]), strided[i].Shape);
            contiguous[i] = FromArray(ExpectedValues(layout, bases[i]), row.Shapes[i], dtype);
        }

        Tensor expected = row.F(contiguous);
        Tensor actual = row.F(strided);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.DType, actual.DType);
        // Exactly equal: the same values in the same shape must take the same kernel path.
        Assert.Equal(AssertTensor.ToDoubles(expected), AssertTensor.ToDoubles(actual));
    }

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Op_GradientThroughNonContiguousInput_MatchesFiniteDifferences(string name, Layout layout)
    {
        Row row = Find(name);
        Tensor[] bases = BaseInputs(row, layout);
        GradientCheck.FirstOrder(x => row.F(x.Select(b => Apply(layout, b)).ToArray()), bases, tolerance: 1e-5);
    }

    private static Row Find(string name) => s_rows.Single(r => r.Name == name);

    /// <summary>float64 base tensors whose transpose (or slice) has the row's input shapes.</summary>
    private static Tensor[] BaseInputs(Row row, Layout layout)
    {
        Shape[] shapes = row.Shapes.Select(s => new Shape(BaseShape(layout, s))).ToArray();
        return GradientCheck.RandomInputs(42, shapes, row.Low, row.High);
    }

    private static int[] BaseShape(Layout layout, int[] shape)
    {
        int[] b = (int[])shape.Clone();
        if (layout == Layout.Transposed)
        {
            Array.Reverse(b);
        }
        else
        {
            b[^1]++;
        }

        return b;
    }

    private static Tensor Apply(Layout layout, Tensor x)
    {
        if (layout == Layout.Transposed)
        {
            return Tf.Transpose(x);
        }

        var index = new TensorIndex[x.Rank];
        for (int i = 0; i < index.Length - 1; i++)
        {
            index[i] = ..;
        }

        index[^1] = 1..;
        return x[index];
    }

    /// <summary>The values of <c>Apply(layout, x)</c>, computed on a .NET array with plain index arithmetic.</summary>
    private static double[] ExpectedValues(Layout layout, Tensor x)
    {
        double[] src = x.ToArray<double>();
        int[] dims = x.Shape.ToArray();
        int rank = dims.Length;
        int[] outDims = BaseShape(layout, dims);
        if (layout == Layout.Sliced)
        {
            outDims[^1] -= 2; // BaseShape added one; the slice removes one from the base's last axis.
        }

        int[] srcStrides = new int[rank];
        for (int k = rank - 1, s = 1; k >= 0; s *= dims[k], k--)
        {
            srcStrides[k] = s;
        }

        int size = outDims.Aggregate(1, (a, b) => a * b);
        var result = new double[size];
        var idx = new int[rank];
        for (int flat = 0; flat < size; flat++)
        {
            for (int k = rank - 1, rest = flat; k >= 0; k--)
            {
                idx[k] = rest % outDims[k];
                rest /= outDims[k];
            }

            int offset = 0;
            for (int k = 0; k < rank; k++)
            {
                offset += layout == Layout.Transposed
                    ? idx[k] * srcStrides[rank - 1 - k]
                    : (idx[k] + (k == rank - 1 ? 1 : 0)) * srcStrides[k];
            }

            result[flat] = src[offset];
        }

        return result;
    }

    private static Tensor FromArray(double[] values, int[] shape, DType dtype)
    {
        if (dtype == DType.Float32)
        {
            return Tf.Constant(values.Select(v => (float)v).ToArray(), new Shape(shape));
        }

        return Tf.Constant(values, new Shape(shape));
    }
}
