using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

public class ConvPoolOpTests
{
    // (input shape, filter shape, stride, padding, dilation)
    public static TheoryData<int[], int[], int, string, int> ConvCases => new()
    {
        { [2, 5, 5, 3], [3, 3, 3, 2], 1, "SAME", 1 },
        { [2, 5, 5, 3], [3, 3, 3, 2], 1, "VALID", 1 },
        { [1, 7, 6, 2], [3, 2, 2, 4], 2, "SAME", 1 },
        { [1, 7, 6, 2], [3, 2, 2, 4], 2, "VALID", 1 },
        { [2, 6, 6, 1], [2, 2, 1, 3], 1, "SAME", 2 },
        { [1, 4, 4, 2], [1, 1, 2, 2], 3, "VALID", 1 },
    };

    private static readonly string[] s_dtypes = ["float32", "float64", "float16", "bfloat16"];

    public static TheoryData<int[], int, int, string> PoolCases => new()
    {
        { [2, 5, 5, 3], 2, 2, "VALID" },
        { [2, 5, 5, 3], 2, 2, "SAME" },
        { [1, 6, 7, 2], 3, 2, "SAME" },
        { [1, 6, 7, 2], 3, 1, "VALID" },
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2D_Forward_MatchesDirectReference(int[] xs, int[] ws, int stride, string padding, int dilation)
    {
        Tensor[] v = GradientCheck.RandomInputs(1, [new Shape(xs), new Shape(ws)]);
        foreach (string name in s_dtypes)
        {
            DType dtype = DType.All.First(d => d.Name == name);
            Tensor x = Tf.Cast(v[0], dtype), w = Tf.Cast(v[1], dtype);
            (double[] expected, int[] shape) = ReferenceConv(AssertTensor.ToDoubles(x), xs, AssertTensor.ToDoubles(w), ws, stride, padding, dilation);
            Tensor y = Tf.Nn.Conv2D(x, w, stride, padding, dilation);
            Assert.Equal(dtype, y.DType);
            AssertTensor.Close(expected, y, new Shape(shape), AssertTensor.Tolerance(dtype) * 20);
        }
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2D_Gradient_MatchesFiniteDifferences(int[] xs, int[] ws, int stride, string padding, int dilation)
    {
        Tensor[] v = GradientCheck.RandomInputs(2, [new Shape(xs), new Shape(ws)]);
        GradientCheck.FirstOrder(a => Tf.Nn.Conv2D(a[0], a[1], stride, padding, dilation), v);
    }

    [Theory]
    [InlineData(1, "SAME", 1)]
    [InlineData(2, "VALID", 1)]
    [InlineData(1, "SAME", 2)]
    public void Conv2D_SecondOrderAndBackpropOps_MatchFiniteDifferences(int stride, string padding, int dilation)
    {
        Tensor[] v = GradientCheck.RandomInputs(3, [[1, 4, 4, 2], [2, 2, 2, 2]]);
        GradientCheck.SecondOrder(a => Tf.Nn.Conv2D(a[0], a[1], stride, padding, dilation), v);

        // The backprop ops are public and differentiable in both their tensor inputs (to second order).
        Tensor dy = Tf.Nn.Conv2D(v[0], v[1], stride, padding, dilation);
        Tensor[] bi = [v[1], GradientCheck.RandomInputs(4, [dy.Shape])[0]];
        Func<Tensor[], Tensor> input = a => Tf.Nn.Conv2DBackpropInput([1, 4, 4, 2], a[0], a[1], [stride], padding, [dilation]);
        GradientCheck.FirstOrder(input, bi);
        GradientCheck.SecondOrder(input, bi);
        Tensor[] bf = [v[0], bi[1]];
        Func<Tensor[], Tensor> filter = a => Tf.Nn.Conv2DBackpropFilter(a[0], [2, 2, 2, 2], a[1], [stride], padding, [dilation]);
        GradientCheck.FirstOrder(filter, bf);
        GradientCheck.SecondOrder(filter, bf);
    }

    [Fact]
    public void Conv2D_HandComputed_AndNonContiguousInput()
    {
        // 1x3x3x1 input 1..9, 2x2 ones filter, VALID: window sums.
        Tensor x = Tf.Constant(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, [1, 3, 3, 1]);
        Tensor y = Tf.Nn.Conv2D(x, Tf.Ones([2, 2, 1, 1]), 1, "VALID");
        AssertTensor.Close([12, 16, 24, 28], y, new Shape(1, 2, 2, 1));
        // SAME on 3x3 with a 2x2 window pads one row/column after (TensorFlow's split).
        AssertTensor.Close([12, 16, 9, 24, 28, 15, 15, 17, 9], Tf.Nn.Conv2D(x, Tf.Ones([2, 2, 1, 1]), 1, "SAME"), new Shape(1, 3, 3, 1));

        Tensor nchw = GradientCheck.RandomInputs(5, [[2, 3, 4, 5]])[0];
        Tensor nhwc = Tf.Transpose(nchw, [0, 2, 3, 1]);
        Tensor w = GradientCheck.RandomInputs(6, [[3, 3, 3, 2]])[0];
        (double[] expected, int[] shape) = ReferenceConv(nhwc.ToArray<double>(), [2, 4, 5, 3], w.ToArray<double>(), [3, 3, 3, 2], 1, "SAME", 1);
        AssertTensor.Close(expected, Tf.Nn.Conv2D(nhwc, w, 1, "SAME"), new Shape(shape), 1e-12);
        Assert.Equal(new Shape(0, 4, 5, 2), Tf.Nn.Conv2D(Tf.Zeros([0, 4, 5, 3]), Tf.Zeros([3, 3, 3, 2]), 1, "SAME").Shape);
    }

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void Pools_Forward_MatchReference(int[] xs, int k, int stride, string padding)
    {
        Tensor v = GradientCheck.RandomInputs(7, [new Shape(xs)])[0];
        foreach (string name in s_dtypes)
        {
            DType dtype = DType.All.First(d => d.Name == name);
            Tensor x = Tf.Cast(v, dtype);
            double[] xd = AssertTensor.ToDoubles(x);
            (double[] max, int[] shape) = ReferencePool(xd, xs, k, stride, padding, average: false);
            (double[] avg, _) = ReferencePool(xd, xs, k, stride, padding, average: true);
            AssertTensor.Close(max, Tf.Nn.MaxPool2D(x, k, stride, padding), new Shape(shape));
            AssertTensor.Close(avg, Tf.Nn.AvgPool2D(x, k, stride, padding), new Shape(shape), AssertTensor.Tolerance(dtype) * 10);
        }
    }

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void Pools_Gradients_MatchFiniteDifferences(int[] xs, int k, int stride, string padding)
    {
        Tensor[] v = GradientCheck.RandomInputs(8, [new Shape(xs)]);
        GradientCheck.FirstOrder(a => Tf.Nn.MaxPool2D(a[0], k, stride, padding), v);
        GradientCheck.FirstOrder(a => Tf.Nn.AvgPool2D(a[0], k, stride, padding), v);
        Tensor[] small = GradientCheck.RandomInputs(9, [[1, 4, 5, 2]]);
        GradientCheck.SecondOrder(a => Tf.Nn.AvgPool2D(a[0], k, stride, padding), small);
        GradientCheck.SecondOrder(a => Tf.Square(Tf.Nn.MaxPool2D(a[0], k, stride, padding)), small);
    }

    [Fact]
    public void MaxPool_Ties_GradientGoesToFirst_AndNaNPropagates()
    {
        Tensor x = Tf.Ones([1, 2, 2, 1]);
        Tensor?[] g;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            Tensor y = Tf.Nn.MaxPool2D(x, 2, 2, "VALID");
            g = tape.Gradient(y, [x]);
        }

        AssertTensor.Close([1, 0, 0, 0], g[0]!, new Shape(1, 2, 2, 1));
        Tensor nan = Tf.Constant(new[] { 1f, float.NaN, 3f, 2f }, [1, 2, 2, 1]);
        AssertTensor.Close([double.NaN], Tf.Nn.MaxPool2D(nan, 2, 2, "VALID"), new Shape(1, 1, 1, 1));
        (Tensor output, Tensor argmax) = Tf.Nn.MaxPoolWithArgmax(Tf.Constant(new[] { 1f, 5f, 3f, 2f, 0f, 7f }, [1, 3, 2, 1]), [2], [2], "SAME");
        AssertTensor.Close([5, 7], output, new Shape(1, 2, 1, 1));
        Assert.Equal([1L, 5L], argmax.ToArray<long>());
    }

    [Fact]
    public void AvgPool_Same_AveragesValidElementsOnly()
    {
        Tensor x = Tf.Constant(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, [1, 3, 3, 1]);
        // 2x2 windows, stride 2, SAME: pad one after; corner windows see 4, 2, 2 and 1 elements.
        AssertTensor.Close([3, 4.5, 7.5, 9], Tf.Nn.AvgPool2D(x, 2, 2, "SAME"), new Shape(1, 2, 2, 1));
        AssertTensor.Close([3], Tf.Nn.AvgPool2D(x, 2, 2, "VALID"), new Shape(1, 1, 1, 1));
        Tensor grad = Tf.Nn.AvgPoolGrad([1, 3, 3, 1], Tf.Ones([1, 2, 2, 1]), [2], [2], "SAME");
        AssertTensor.Close([0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1], grad, new Shape(1, 3, 3, 1));
    }

    [Fact]
    public void ConvAndPools_BadArguments_ThrowNamingOpAndShapes()
    {
        Tensor x = Tf.Zeros([1, 4, 4, 3]);
        Tensor w = Tf.Zeros([2, 2, 3, 2]);
        AssertThrows("Conv2D", "(4, 4, 3)", () => Tf.Nn.Conv2D(Tf.Zeros([4, 4, 3]), w, 1, "SAME"));
        AssertThrows("Conv2D", "(2, 2, 2, 2)", () => Tf.Nn.Conv2D(x, Tf.Zeros([2, 2, 2, 2]), 1, "SAME"));
        AssertThrows("Conv2D", "\"FULL\"", () => Tf.Nn.Conv2D(x, w, 1, "FULL"));
        AssertThrows("Conv2D", "strides", () => Tf.Nn.Conv2D(x, w, 0, "SAME"));
        AssertThrows("Conv2D", "strides", () => Tf.Nn.Conv2D(x, w, [2, 1, 1, 1], "SAME"));
        AssertThrows("Conv2D", "int32", () => Tf.Nn.Conv2D(Tf.Zeros([1, 4, 4, 3], DType.Int32), Tf.Zeros([2, 2, 3, 2], DType.Int32), 1, "SAME"));
        AssertThrows("Conv2D", "negative", () => Tf.Nn.Conv2D(Tf.Zeros([1, 1, 1, 3]), Tf.Zeros([3, 3, 3, 2]), 1, "VALID"));
        AssertThrows("Conv2DBackpropInput", "out_backprop", () => Tf.Nn.Conv2DBackpropInput([1, 4, 4, 3], w, Tf.Zeros([1, 3, 3, 2]), [1], "SAME"));
        AssertThrows("Conv2DBackpropFilter", "out_backprop", () => Tf.Nn.Conv2DBackpropFilter(x, [2, 2, 3, 2], Tf.Zeros([1, 3, 3, 2]), [1], "SAME"));
        AssertThrows("MaxPool", "(1, 4, 4)", () => Tf.Nn.MaxPool2D(Tf.Zeros([1, 4, 4]), 2, 2, "VALID"));
        AssertThrows("AvgPool", "ksize", () => Tf.Nn.AvgPool2D(x, 0, 2, "VALID"));
        AssertThrows("AvgPool", "\"same-ish\"", () => Tf.Nn.AvgPool2D(x, 2, 2, "same-ish"));
        AssertThrows("AvgPoolGrad", "grad", () => Tf.Nn.AvgPoolGrad([1, 4, 4, 3], Tf.Zeros([1, 3, 3, 3]), [2], [2], "VALID"));
    }

    private static void AssertThrows(string op, string fragment, Action action)
    {
        var ex = Assert.Throws<ArgumentException>(action);
        Assert.Contains(op, ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    private static (double[] Values, int[] Shape) ReferenceConv(double[] x, int[] xs, double[] w, int[] ws, int stride, string padding, int dilation)
        => ConvReference.Conv2D(x, xs, w, ws, stride, stride, padding == "SAME", dilation, dilation);

    private static (double[] Values, int[] Shape) ReferencePool(double[] x, int[] xs, int k, int stride, string padding, bool average)
        => ConvReference.Pool(x, xs, k, k, stride, stride, padding == "SAME", average);
}
