using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Seed;

/// <summary>The seed notebook's cells In[3] to In[23], with API.md's exact names.</summary>
public class SeedCoreCellTests
{
    private static readonly long[] s_arange25 = Arange(25);

    private static long[] Arange(int n)
    {
        var x = new long[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = i;
        }

        return x;
    }

    [Fact]
    public void Cell3_VariableFromIntArray_IsInt32()
    {
        var v = new Variable(new[] { 1, 2 });
        Assert.Equal(DType.Int32, v.DType);
        Assert.Equal(new Shape(2), v.Shape);
        Assert.Equal("<Variable 'Variable:0' shape=(2,) dtype=int32, numpy=array([1, 2], dtype=int32)>", v.ToString());
    }

    [Fact]
    public void Cell4_VariableWithDType_IsFloat32()
    {
        var v = new Variable(new[] { 1, 2 }, DType.Float32);
        Assert.Equal("<Variable 'Variable:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>", v.ToString());
    }

    [Fact]
    public void Cell5_VariableWithIncompatibleShape_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new Variable(new[] { 1, 2, 3, 4 }, DType.Float32, shape: [2, 2]));
        Assert.StartsWith(
            "In this Variable creation, the initial value's shape ((4,)) is not compatible with the explicitly supplied `shape` argument ((2, 2)).",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cell5b_VariableFromMatrix_KeepsShape()
    {
        var v = new Variable(new[,] { { 1, 2 }, { 3, 4 } }, DType.Float32);
        Assert.Equal(new Shape(2, 2), v.Shape);
        Assert.Equal("<Variable 'Variable:0' shape=(2, 2) dtype=float32, numpy=\narray([[1., 2.],\n       [3., 4.]], dtype=float32)>", v.ToString());
    }

    [Fact]
    public void Constants_ShapeReshapesOrFills()
    {
        Assert.Equal("<Tensor: shape=(3,), dtype=int32, numpy=array([1, 2, 3], dtype=int32)>", $"{Tf.Constant(new[] { 1, 2, 3 }):r}");
        Assert.Equal("Tensor([1 2 3], shape=(3,), dtype=int32)", Tf.Constant(new[] { 1, 2, 3 }).ToString());
        Assert.Equal([1, 2, 3, 4], Tf.Constant(new[,] { { 1, 2 }, { 3, 4 } }, shape: [2, 2]).ToArray<int>());
        Tensor reshaped = Tf.Constant(new[] { 1, 2, 3, 4 }, shape: [2, 2]);
        Assert.Equal(new Shape(2, 2), reshaped.Shape);
        Assert.Equal([1, 2, 3, 4], reshaped.ToArray<int>());
        Tensor filled = Tf.Constant(-1, shape: [2, 2]);
        Assert.Equal(DType.Int32, filled.DType);
        Assert.Equal([-1, -1, -1, -1], filled.ToArray<int>());
        Assert.Throws<ArgumentException>(() => Tf.Constant(new[] { 1, 2, 3 }, shape: [2, 2]));
    }

    [Fact]
    public void Cells7To12_Int64Operations()
    {
        Tensor c = Tf.Constant(s_arange25);
        Assert.Equal(DType.Int64, c.DType);
        Assert.Equal(new Shape(25), c.Shape);

        Tensor squared = Tf.Square(s_arange25);
        Assert.Equal(DType.Int64, squared.DType);
        Assert.Equal(576L, squared.ToArray<long>()[24]);

        Tensor reshaped = Tf.Reshape(s_arange25, [5, 5]);
        Assert.Equal(new Shape(5, 5), reshaped.Shape);
        Assert.Equal(DType.Int64, reshaped.DType);

        Tensor cast = Tf.Cast(s_arange25, DType.Float32);
        Assert.Equal(DType.Float32, cast.DType);
        Assert.Equal(24f, cast.ToArray<float>()[24]);

        Assert.Equal(squared.ToArray<long>(), Tf.Multiply(Tf.Constant(s_arange25), Tf.Constant(s_arange25)).ToArray<long>());
        Tensor doubled = Tf.Constant(s_arange25) + Tf.Constant(s_arange25);
        Assert.Equal(48L, doubled.ToArray<long>()[24]);
        Assert.Equal(DType.Int64, doubled.DType);
    }

    [Fact]
    public void Cell13_Interpolation_PrintsValuesOnly()
    {
        Assert.Equal("Hello 25", $"Hello {Tf.Square(5)}");
        Assert.True(Tf.ExecutingEagerly());
    }

    [Fact]
    public void Cells14And15_BroadcastAndPow_StayInt32()
    {
        Tensor added = Tf.Add(Tf.Constant(new[] { 1, 2, 3, 4 }), 1);
        Assert.Equal(DType.Int32, added.DType);
        Assert.Equal([2, 3, 4, 5], added.ToArray<int>());

        Tensor powered = Tf.Constant(new[] { 1, 2, 3 }).Pow(2);
        Assert.Equal(DType.Int32, powered.DType);
        Assert.Equal([1, 4, 9], powered.ToArray<int>());
    }

    [Fact]
    public void Cells16And17_InteropWithDotNetArrays()
    {
        Assert.Equal(25, Tf.Multiply(Tf.Constant(5), Tf.Constant(5)).Item<int>());

        var ndarray = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                ndarray[i, j] = 1;
            }
        }

        Tensor tensor = Tf.Multiply(ndarray, 5);
        Assert.Equal(DType.Float64, tensor.DType);
        Assert.Equal("[[5. 5. 5.]\n [5. 5. 5.]\n [5. 5. 5.]]", $"{tensor}");
        double[,] back = (double[,])tensor.ToArray();
        Assert.Equal(5.0, back[2, 1]);
    }

    [Fact]
    public void Cells18To20_VariablesInExpressions()
    {
        Tensor sum = new Variable(1) + 1;
        Assert.IsNotType<Variable>(sum);
        Assert.Equal(2, sum.Item<int>());

        Variable assigned = new Variable(1).AssignAdd(3);
        Assert.Equal(4, assigned.Item<int>());
        Assert.Equal("<Variable 'Variable:0' shape=() dtype=int32, numpy=4>", assigned.ToString());

        Assert.Equal(2, new Variable(1).AssignAdd(1).ReadValue().Item<int>());
    }

    [Fact]
    public void Cell23_CastChangesDType()
        => Assert.Equal(DType.Float32, Tf.Cast(Tf.Constant(5), DType.Float32).DType);

    [Fact]
    public void Variable_AssignWithWrongShapeOrDType_Throws()
    {
        var v = new Variable(new[] { 0, 1, 2, 3 });
        var e = Assert.Throws<ArgumentException>(() => v.AssignAdd(Tf.Constant(new[] { 1, 2 })));
        Assert.Contains("(4,)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => v.Assign(Tf.Constant(new[] { 1f, 2f, 3f, 4f })));
        AssertTensor.Close([0, 1, 2, 3], v);
    }
}
