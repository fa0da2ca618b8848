namespace Nabla.Tests.Tensors;

/// <summary>
/// The four texts of a tensor, against the seed notebook's outputs and NumPy's: <c>print(t)</c> (ToString and
/// Console.WriteLine), <c>f"{t}"</c> (interpolation: values), the notebook's display (format "r") and NumPy's repr
/// of the values (format "a").
/// </summary>
public class TensorTextTests
{
    private static long[] Arange(int n) => [.. Enumerable.Range(0, n).Select(i => (long)i)];

    [Fact]
    public void NumPyRepr_SeedCells_MatchTheNotebook()
    {
        Assert.Equal(
            "array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,\n       17, 18, 19, 20, 21, 22, 23, 24])",
            $"{Tf.Constant(Arange(25)):a}");
        Assert.Equal(
            "array([  0,   1,   4,   9,  16,  25,  36,  49,  64,  81, 100, 121, 144,\n       169, 196, 225, 256, 289, 324, 361, 400, 441, 484, 529, 576])",
            $"{Tf.Square(Arange(25)):a}");
        Assert.Equal(
            "array([[ 0,  1,  2,  3,  4],\n       [ 5,  6,  7,  8,  9],\n       [10, 11, 12, 13, 14],\n       [15, 16, 17, 18, 19],\n       [20, 21, 22, 23, 24]])",
            $"{Tf.Reshape(Arange(25), [5, 5]):a}");
        Assert.Equal(
            "array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,\n       13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24.],\n      dtype=float32)",
            $"{Tf.Cast(Arange(25), DType.Float32):a}");
        Assert.Equal("array([[5., 5., 5.],\n       [5., 5., 5.],\n       [5., 5., 5.]])", $"{Tf.Fill([3, 3], 5.0, DType.Float64):a}");
        Assert.Equal("array([-3, -1,  1,  3,  5,  7])", $"{Tf.Constant(new long[] { -3, -1, 1, 3, 5, 7 }):a}");
    }

    [Fact]
    public void NumPyRepr_EdgeShapes_MatchNumPy()
    {
        Assert.Equal("array([], dtype=float32)", $"{Tf.Zeros([0], DType.Float32):a}");
        Assert.Equal("array([], shape=(0, 3), dtype=float64)", $"{Tf.Zeros([0, 3], DType.Float64):a}");
        Assert.Equal("array([[[0, 1],\n        [2, 3]],\n\n       [[4, 5],\n        [6, 7]]])", $"{Tf.Reshape(Arange(8), [2, 2, 2]):a}");
        Assert.Equal("array([   0,    1,    2, ..., 1997, 1998, 1999])", $"{Tf.Constant(Arange(2000)):a}");
        Assert.Equal("array([ True, False])", $"{Tf.Constant(new[] { true, false }):a}");
        Assert.Equal("array([1, 2], dtype=int32)", $"{Tf.Constant(new[] { 1, 2 }):a}");
        Assert.Equal("27.0", $"{Tf.Constant(27f):a}");
    }

    [Fact]
    public void PrintForm_ToStringAndWriteLine_AreTensorFlowsStr()
    {
        Tensor scalar = Tf.Constant(108f);
        Assert.Equal("Tensor(108.0, shape=(), dtype=float32)", scalar.ToString());
        var writer = new StringWriter();
        writer.WriteLine(scalar);
        writer.WriteLine(Tf.Fill([3, 3], 5.0, DType.Float64));
        Assert.Equal(
            "Tensor(108.0, shape=(), dtype=float32)\nTensor(\n[[5. 5. 5.]\n [5. 5. 5.]\n [5. 5. 5.]], shape=(3, 3), dtype=float64)\n",
            writer.ToString().ReplaceLineEndings("\n"));
        Assert.Equal("Tensor(108.0, shape=(), dtype=float32) Tensor(6.0, shape=(), dtype=float32)", string.Join(" ", scalar, Tf.Constant(6f)));
    }

    [Fact]
    public void Interpolation_ValuesOnly_ForTensorsAndVariables()
    {
        Assert.Equal("Hello 25", $"Hello {Tf.Square(5)}");
        Assert.Equal("Hello 25", string.Format(System.Globalization.CultureInfo.InvariantCulture, "Hello {0}", Tf.Square(5)));
        Assert.Equal("Weight 2.0 Bias -1.0", $"Weight {new Variable(2.0)} Bias {new Variable(-1.0)}");
        Tensor big = Tf.Constant(Arange(2000));
        Assert.Equal($"x = {big:v}", "x = " + big.ToString("v", null));
        Assert.StartsWith("x = [   0    1    2 ... 1997 1998 1999]", $"x = {big}", StringComparison.Ordinal);
    }

    [Fact]
    public void DisplayForm_FormatR_IsTheNotebooksRepr()
    {
        Assert.Equal("<Tensor: shape=(3,), dtype=int32, numpy=array([1, 2, 3], dtype=int32)>", $"{Tf.Constant(new[] { 1, 2, 3 }):r}");
        Assert.Equal("<Tensor: shape=(), dtype=float32, numpy=27.0>", $"{Tf.Constant(27f):r}");
        Assert.Equal(
            "<Tensor: shape=(2, 2), dtype=int32, numpy=\narray([[-1, -1],\n       [-1, -1]], dtype=int32)>",
            Tf.Constant(-1, shape: [2, 2]).ToString("r", null));
    }

    [Fact]
    public void Variable_PrintsAndDisplaysItsRepr_InterpolatesItsValues()
    {
        var v = new Variable(new[] { 1, 2 });
        const string Repr = "<Variable 'Variable:0' shape=(2,) dtype=int32, numpy=array([1, 2], dtype=int32)>";
        Assert.Equal(Repr, v.ToString());
        Assert.Equal(Repr, $"{v:r}");
        Assert.Equal(Repr, $"{v:s}");
        var writer = new StringWriter();
        writer.Write(v);
        Assert.Equal(Repr, writer.ToString());
        Assert.Equal("[1 2]", $"{v}");
    }

    [Fact]
    public void Format_Unknown_ThrowsListingTheFormats()
    {
        var e = Assert.Throws<FormatException>(() => $"{Tf.Constant(1):x}");
        Assert.Contains("\"v\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"r\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GraphTensor_InterpolatedWhileTracing_ShowsItsGraphForm()
    {
        string? seen = null;
        var f = Tf.Function((Tensor x) =>
        {
            seen = $"{x}";
            return x * 2;
        });
        f.Invoke(Tf.Constant(new[] { 1f, 2f }));
        Assert.NotNull(seen);
        Assert.StartsWith("Tensor(\"", seen, StringComparison.Ordinal);
        Assert.Contains("shape=(2,), dtype=float32)", seen, StringComparison.Ordinal);
    }
}
