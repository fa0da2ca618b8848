using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary><c>Tf.Linalg.Norm(x, ord, int[] axis)</c>: matrix norms over a pair of axes.</summary>
public class MatrixNormTests
{
    // [[1, -2, 3], [-4, 5, -6]]: column sums |.| 5, 7, 9; row sums 6, 15; squares sum to 91.
    private static Tensor Matrix => Tf.Constant(new double[,] { { 1, -2, 3 }, { -4, 5, -6 } });

    [Theory]
    [InlineData("fro", 9.539392014169456)]
    [InlineData("euclidean", 9.539392014169456)]
    [InlineData("1", 9)]
    [InlineData("inf", 15)]
    public void Norm_MatrixOrders_MatchHandComputation(string ord, double expected)
    {
        Tensor norm = Tf.Linalg.Norm(Matrix, ord, [0, 1]);
        Assert.Equal(0, norm.Rank);
        AssertTensor.Close([expected], norm, tolerance: 1e-12);
    }

    [Fact]
    public void Norm_Spectral_IsTheLargestSingularValue()
    {
        // A·Aᵀ = [[14, -32], [-32, 77]]: eigenvalues (91 ± √8065) / 2.
        AssertTensor.Close([Math.Sqrt((91 + Math.Sqrt(8065)) / 2)], Tf.Linalg.Norm(Matrix, "2", [0, 1]), tolerance: 1e-12);
        Tensor batch = Tf.Stack([Matrix, Matrix * 2.0]);
        Tensor keep = Tf.Linalg.Norm(Tf.Transpose(batch, [1, 0, 2]), "2", [0, 2], keepdims: true);
        Assert.Equal(new Shape(1, 2, 1), keep.Shape);
        AssertTensor.Close([9.508032000695724, 19.016064001391448], keep, tolerance: 1e-12);
        AssertTensor.Close(Tf.Linalg.Norm(Matrix, "2", [0, 1]), Tf.Cast(Tf.Linalg.Norm(Tf.Cast(Matrix, DType.Float32), "2", [1, 0]), DType.Float64), 1e-6);
    }

    [Fact]
    public void Norm_BatchOfMatricesWithNegativeAxesAndKeepdims_NormPerMatrix()
    {
        Tensor batch = Tf.Stack([Matrix, Matrix * 2.0]);
        Tensor norms = Tf.Linalg.Norm(batch, "inf", [-2, -1], keepdims: true);
        AssertTensor.Close([15, 30], norms, new Shape(2, 1, 1));
        AssertTensor.Close([9, 18], Tf.Linalg.Norm(batch, "1", [1, 2]), new Shape(2));
    }

    [Fact]
    public void Norm_SwappedAxes_TransposesTheRoles()
    {
        // Axes (1, 0) treat the columns as rows: its 1-norm is the original's inf-norm.
        AssertTensor.Close([15], Tf.Linalg.Norm(Matrix, "1", [1, 0]), tolerance: 1e-12);
    }

    [Theory]
    [InlineData("fro")]
    [InlineData("1")]
    [InlineData("inf")]
    [InlineData("2")]
    public void Norm_MatrixOrders_GradientsFirstAndSecondOrder(string ord)
    {
        // Distinct magnitudes so the max picks one column/row and no |x| sits at its kink.
        Tensor[] inputs = [Tf.Constant(new double[,] { { 1.3, -2.1, 3.7 }, { -4.2, 5.9, -0.6 } })];
        Tensor F(Tensor[] a) => Tf.Linalg.Norm(a[0], ord, [0, 1]);
        GradientCheck.FirstOrder(F, inputs);
        GradientCheck.SecondOrder(F, inputs);
    }

    [Fact]
    public void Norm_BadAxesOrOrd_ThrowsNamingShape()
    {
        var same = Assert.Throws<ArgumentException>(() => Tf.Linalg.Norm(Matrix, "fro", [1, 1]));
        Assert.Contains("(2, 3)", same.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Linalg.Norm(Matrix, "fro", [0, 2]));
        Assert.Throws<ArgumentException>(() => Tf.Linalg.Norm(Matrix, "fro", [0, 1, 0]));
        var nuclear = Assert.Throws<ArgumentException>(() => Tf.Linalg.Norm(Matrix, "nuc", [0, 1]));
        Assert.Contains("nuc", nuclear.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Linalg.Norm(Tf.Constant(new[,] { { 1, 2 } }), "fro", [0, 1]));
    }

    [Fact]
    public void Norm_SingleAxisArray_IsTheVectorNorm()
    {
        AssertTensor.Close(Tf.Linalg.Norm(Matrix, "1", 1), Tf.Linalg.Norm(Matrix, "1", [1]));
    }
}
