using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>
/// The convolution family beyond plain Conv2D: grouped and depthwise Conv2D, DepthwiseConv2D, Conv1D,
/// Conv2DTranspose, SeparableConv2D and the 1-D pools. One row per case: forward against the float64 reference in
/// <see cref="ConvReference"/> for every floating dtype, gradients to second order against finite differences, and
/// errors naming the op and the shapes.
/// </summary>
public class ConvFamilyOpTests
{
    private sealed record Row(int[][] Shapes, Func<Tensor[], Tensor> Op, Func<double[][], (double[] Values, int[] Shape)> Reference);

    private static readonly Dictionary<string, Row> s_rows = new()
    {
        ["Conv2D groups 2 SAME"] = new(
            [[2, 5, 5, 4], [3, 3, 2, 6]],
            a => Tf.Nn.Conv2D(a[0], a[1], 1, "SAME"),
            v => ConvReference.Conv2D(v[0], [2, 5, 5, 4], v[1], [3, 3, 2, 6], 1, 1, true)),
        ["Conv2D groups 3 strides (2, 1) VALID dilations (1, 2)"] = new(
            [[1, 7, 8, 6], [2, 3, 2, 3]],
            a => Tf.Nn.Conv2D(a[0], a[1], [2, 1], "VALID", [1, 2]),
            v => ConvReference.Conv2D(v[0], [1, 7, 8, 6], v[1], [2, 3, 2, 3], 2, 1, false, 1, 2)),
        ["Conv2D one channel per group, multiplier 2, stride 2 SAME"] = new(
            [[2, 5, 4, 3], [3, 2, 1, 6]],
            a => Tf.Nn.Conv2D(a[0], a[1], 2, "SAME"),
            v => ConvReference.Conv2D(v[0], [2, 5, 4, 3], v[1], [3, 2, 1, 6], 2, 2, true)),
        ["Conv2D one channel per group, dilation 2 SAME"] = new(
            [[1, 6, 6, 4], [2, 2, 1, 4]],
            a => Tf.Nn.Conv2D(a[0], a[1], 1, "SAME", 2),
            v => ConvReference.Conv2D(v[0], [1, 6, 6, 4], v[1], [2, 2, 1, 4], 1, 1, true, 2, 2)),
        ["DepthwiseConv2D multiplier 1 SAME"] = new(
            [[2, 5, 6, 3], [3, 3, 3, 1]],
            a => Tf.Nn.DepthwiseConv2D(a[0], a[1], 1, "SAME"),
            v => ConvReference.Depthwise(v[0], [2, 5, 6, 3], v[1], [3, 3, 3, 1], 1, 1, true)),
        ["DepthwiseConv2D multiplier 2 stride 2 VALID"] = new(
            [[1, 7, 7, 2], [3, 2, 2, 2]],
            a => Tf.Nn.DepthwiseConv2D(a[0], a[1], 2, "VALID"),
            v => ConvReference.Depthwise(v[0], [1, 7, 7, 2], v[1], [3, 2, 2, 2], 2, 2, false)),
        ["DepthwiseConv2D multiplier 3 dilation 2 SAME"] = new(
            [[1, 6, 5, 2], [2, 2, 2, 3]],
            a => Tf.Nn.DepthwiseConv2D(a[0], a[1], 1, "SAME", 2),
            v => ConvReference.Depthwise(v[0], [1, 6, 5, 2], v[1], [2, 2, 2, 3], 1, 1, true, 2, 2)),
        ["Conv1D SAME"] = new(
            [[2, 7, 3], [3, 3, 4]],
            a => Tf.Nn.Conv1D(a[0], a[1], 1, "SAME"),
            v => Squeezed(ConvReference.Conv2D(v[0], [2, 1, 7, 3], v[1], [1, 3, 3, 4], 1, 1, true))),
        ["Conv1D groups 2 stride 2 VALID dilation 2"] = new(
            [[2, 11, 4], [2, 2, 4]],
            a => Tf.Nn.Conv1D(a[0], a[1], [1, 2, 1], "VALID", [2]),
            v => Squeezed(ConvReference.Conv2D(v[0], [2, 1, 11, 4], v[1], [1, 2, 2, 4], 1, 2, false, 1, 2))),
        ["Conv2DTranspose SAME stride 2"] = new(
            [[2, 3, 3, 4], [3, 3, 2, 4]],
            a => Tf.Nn.Conv2DTranspose(a[0], a[1], [2, 6, 6, 2], 2, "SAME"),
            v => (ConvReference.Conv2DTranspose(v[0], [2, 3, 3, 4], v[1], [3, 3, 2, 4], [2, 6, 6, 2], 2, 2, true), [2, 6, 6, 2])),
        ["Conv2DTranspose VALID"] = new(
            [[1, 3, 4, 3], [2, 3, 2, 3]],
            a => Tf.Nn.Conv2DTranspose(a[0], a[1], [1, 4, 6, 2], 1, "VALID"),
            v => (ConvReference.Conv2DTranspose(v[0], [1, 3, 4, 3], v[1], [2, 3, 2, 3], [1, 4, 6, 2], 1, 1, false), [1, 4, 6, 2])),
        ["Conv2DTranspose VALID stride 2, one row and column of output padding"] = new(
            [[1, 3, 3, 2], [3, 3, 1, 2]],
            a => Tf.Nn.Conv2DTranspose(a[0], a[1], [1, 8, 8, 1], 2, "VALID"),
            v => (ConvReference.Conv2DTranspose(v[0], [1, 3, 3, 2], v[1], [3, 3, 1, 2], [1, 8, 8, 1], 2, 2, false), [1, 8, 8, 1])),
        ["Conv2DTranspose groups 2 dilation 2 SAME"] = new(
            [[1, 4, 4, 4], [2, 2, 3, 4]],
            a => Tf.Nn.Conv2DTranspose(a[0], a[1], [1, 4, 4, 6], 1, "SAME", 2),
            v => (ConvReference.Conv2DTranspose(v[0], [1, 4, 4, 4], v[1], [2, 2, 3, 4], [1, 4, 4, 6], 1, 1, true, 2, 2), [1, 4, 4, 6])),
        ["SeparableConv2D SAME"] = new(
            [[2, 5, 5, 3], [3, 3, 3, 2], [1, 1, 6, 4]],
            a => Tf.Nn.SeparableConv2D(a[0], a[1], a[2], 1, "SAME"),
            v => Pointwise(ConvReference.Depthwise(v[0], [2, 5, 5, 3], v[1], [3, 3, 3, 2], 1, 1, true), v[2], 4)),
        ["SeparableConv2D stride 2 VALID"] = new(
            [[1, 6, 7, 2], [2, 2, 2, 1], [1, 1, 2, 3]],
            a => Tf.Nn.SeparableConv2D(a[0], a[1], a[2], 2, "VALID"),
            v => Pointwise(ConvReference.Depthwise(v[0], [1, 6, 7, 2], v[1], [2, 2, 2, 1], 2, 2, false), v[2], 3)),
        ["MaxPool1D SAME window 3 stride 2"] = new(
            [[2, 7, 3]],
            a => Tf.Nn.MaxPool1D(a[0], 3, 2, "SAME"),
            v => Squeezed(ConvReference.Pool(v[0], [2, 1, 7, 3], 1, 3, 1, 2, true, average: false))),
        ["AvgPool1D VALID window 2 stride 1"] = new(
            [[2, 7, 3]],
            a => Tf.Nn.AvgPool1D(a[0], 2, 1, "VALID"),
            v => Squeezed(ConvReference.Pool(v[0], [2, 1, 7, 3], 1, 2, 1, 1, false, average: true))),
        ["AvgPool1D SAME window 3 stride 2"] = new(
            [[1, 8, 2]],
            a => Tf.Nn.AvgPool1D(a[0], [3], [1, 2, 1], "SAME"),
            v => Squeezed(ConvReference.Pool(v[0], [1, 1, 8, 2], 1, 3, 1, 2, true, average: true))),
    };

    private static readonly string[] s_dtypes = ["float32", "float64", "float16", "bfloat16"];

    public static TheoryData<string> Rows => [.. s_rows.Keys];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Forward_EveryFloatDType_MatchesFloat64Reference(string name)
    {
        Row row = s_rows[name];
        Tensor[] v = GradientCheck.RandomInputs(21, [.. row.Shapes.Select(s => new Shape(s))]);
        foreach (string dtypeName in s_dtypes)
        {
            DType dtype = DType.All.First(d => d.Name == dtypeName);
            Tensor[] inputs = [.. v.Select(t => Tf.Cast(t, dtype))];
            (double[] expected, int[] shape) = row.Reference([.. inputs.Select(AssertTensor.ToDoubles)]);
            Tensor y = row.Op(inputs);
            Assert.Equal(dtype, y.DType);
            AssertTensor.Close(expected, y, new Shape(shape), AssertTensor.Tolerance(dtype) * 20);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Gradient_FirstOrder_MatchesFiniteDifferences(string name)
    {
        Row row = s_rows[name];
        GradientCheck.FirstOrder(row.Op, GradientCheck.RandomInputs(22, [.. row.Shapes.Select(s => new Shape(s))]));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Gradient_SecondOrder_MatchesFiniteDifferences(string name)
    {
        Row row = s_rows[name];
        Tensor[] inputs = GradientCheck.RandomInputs(23, [.. row.Shapes.Select(s => new Shape(s))]);

        // Max pooling is piecewise linear: square it so that its second derivative is not zero everywhere.
        Func<Tensor[], Tensor> f = name.StartsWith("MaxPool", StringComparison.Ordinal) ? a => Tf.Square(row.Op(a)) : row.Op;
        GradientCheck.SecondOrder(f, inputs);
    }

    public static TheoryData<string, string, string> ErrorCases => new()
    {
        { "grouped depth", "Conv2D", "input depth must be evenly divisible by filter depth: 5 vs 2" },
        { "groups and output depth", "Conv2D", "output depth must be evenly divisible by number of groups: 3 vs 2" },
        { "depthwise depth", "DepthwiseConv2dNative", "input and filter must have the same depth: 3 vs 2" },
        { "depthwise filter rank", "DepthwiseConv2dNative", "filter must be rank 4 (HWCM), got shape (3, 3, 3)" },
        { "depthwise negative output", "DepthwiseConv2dNative", "negative" },
        { "depthwise int32", "DepthwiseConv2dNative", "int32" },
        { "conv1d input rank", "Conv1D", "input must be rank 3 (NWC), got shape (1, 4, 4, 3)" },
        { "conv1d stride", "Conv1D", "stride must be 1 or 3 positive integers" },
        { "conv1d depth", "Conv1D", "input depth must be evenly divisible by filter depth: 3 vs 2" },
        { "conv1d dtypes", "Conv1D", "float64" },
        { "transpose channels", "Conv2DTranspose", "input channels does not match filter's input channels, 3 != 4" },
        { "transpose output shape", "Conv2DTranspose", "input must have shape (1, 4, 4, 4)" },
        { "transpose output rank", "Conv2DTranspose", "output_shape must be 4" },
        { "separable pointwise", "SeparableConv2D", "pointwise_filter must have shape (1, 1, 6, out_channels)" },
        { "maxpool1d rank", "MaxPool1D", "input must be rank 3 (NWC), got shape (2, 7)" },
        { "avgpool1d ksize", "AvgPool1D", "ksize must be 1 or 3 positive integers" },
        { "avgpool1d window too large", "AvgPool1D", "negative" },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void BadArguments_Throw_NamingOpAndShapes(string name, string op, string fragment)
    {
        Action action = name switch
        {
            "grouped depth" => () => Tf.Nn.Conv2D(Tf.Zeros([1, 4, 4, 5]), Tf.Zeros([2, 2, 2, 4]), 1, "SAME"),
            "groups and output depth" => () => Tf.Nn.Conv2D(Tf.Zeros([1, 4, 4, 4]), Tf.Zeros([2, 2, 2, 3]), 1, "SAME"),
            "depthwise depth" => () => Tf.Nn.DepthwiseConv2D(Tf.Zeros([1, 4, 4, 3]), Tf.Zeros([2, 2, 2, 1]), 1, "SAME"),
            "depthwise filter rank" => () => Tf.Nn.DepthwiseConv2D(Tf.Zeros([1, 4, 4, 3]), Tf.Zeros([3, 3, 3]), 1, "SAME"),
            "depthwise negative output" => () => Tf.Nn.DepthwiseConv2D(Tf.Zeros([1, 2, 2, 3]), Tf.Zeros([4, 4, 3, 1]), 1, "VALID"),
            "depthwise int32" => () => Tf.Nn.DepthwiseConv2D(Tf.Zeros([1, 4, 4, 3], DType.Int32), Tf.Zeros([2, 2, 3, 1], DType.Int32), 1, "SAME"),
            "conv1d input rank" => () => Tf.Nn.Conv1D(Tf.Zeros([1, 4, 4, 3]), Tf.Zeros([2, 3, 2]), 1, "SAME"),
            "conv1d stride" => () => Tf.Nn.Conv1D(Tf.Zeros([1, 4, 3]), Tf.Zeros([2, 3, 2]), [1, 2], "SAME"),
            "conv1d depth" => () => Tf.Nn.Conv1D(Tf.Zeros([1, 4, 3]), Tf.Zeros([2, 2, 2]), 1, "SAME"),
            "conv1d dtypes" => () => Tf.Nn.Conv1D(Tf.Zeros([1, 4, 3]), Tf.Zeros([2, 3, 2], DType.Float64), 1, "SAME"),
            "transpose channels" => () => Tf.Nn.Conv2DTranspose(Tf.Zeros([1, 2, 2, 3]), Tf.Zeros([2, 2, 2, 4]), [1, 4, 4, 2], 2, "SAME"),
            "transpose output shape" => () => Tf.Nn.Conv2DTranspose(Tf.Zeros([1, 3, 3, 4]), Tf.Zeros([2, 2, 2, 4]), [1, 8, 8, 2], 2, "SAME"),
            "transpose output rank" => () => Tf.Nn.Conv2DTranspose(Tf.Zeros([1, 3, 3, 4]), Tf.Zeros([2, 2, 2, 4]), [1, 6, 6], 2, "SAME"),
            "separable pointwise" => () => Tf.Nn.SeparableConv2D(Tf.Zeros([1, 4, 4, 3]), Tf.Zeros([2, 2, 3, 2]), Tf.Zeros([1, 1, 5, 4]), 1, "SAME"),
            "maxpool1d rank" => () => Tf.Nn.MaxPool1D(Tf.Zeros([2, 7]), 2, 2, "VALID"),
            "avgpool1d ksize" => () => Tf.Nn.AvgPool1D(Tf.Zeros([2, 7, 3]), 0, 1, "VALID"),
            _ => () => Tf.Nn.AvgPool1D(Tf.Zeros([2, 2, 3]), 4, 1, "VALID"),
        };
        var ex = Assert.Throws<ArgumentException>(action);
        Assert.Contains(op, ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DepthwiseAndGrouped_NonContiguousAndEmptyInputs_MatchContiguous()
    {
        Tensor nchw = GradientCheck.RandomInputs(24, [[2, 4, 5, 6]])[0];
        Tensor nhwc = Tf.Transpose(nchw, [0, 2, 3, 1]);
        Tensor contiguous = Tf.Constant(nhwc.ToArray<double>(), nhwc.Shape);
        Tensor f = GradientCheck.RandomInputs(25, [[3, 3, 4, 2]])[0];
        AssertTensor.Close(Tf.Nn.DepthwiseConv2D(contiguous, f, 1, "SAME"), Tf.Nn.DepthwiseConv2D(nhwc, f, 1, "SAME"), 0);
        Tensor w = GradientCheck.RandomInputs(26, [[2, 2, 2, 4]])[0];
        AssertTensor.Close(Tf.Nn.Conv2D(contiguous, w, 1, "VALID"), Tf.Nn.Conv2D(nhwc, w, 1, "VALID"), 0);

        Assert.Equal(new Shape(0, 4, 5, 12), Tf.Nn.DepthwiseConv2D(Tf.Zeros([0, 4, 5, 6]), Tf.Zeros([3, 3, 6, 2]), 1, "SAME").Shape);
        Assert.Equal(new Shape(0, 3, 4, 4), Tf.Nn.Conv2D(Tf.Zeros([0, 4, 5, 6]), Tf.Zeros([2, 2, 3, 4]), 1, "VALID").Shape);
        Assert.Equal(new Shape(0, 5, 2), Tf.Nn.Conv1D(Tf.Zeros([0, 5, 3]), Tf.Zeros([3, 3, 2]), 1, "SAME").Shape);
    }

    [Fact]
    public void Conv2DTranspose_IsTheAdjointOfConv2D()
    {
        // <conv(x, w), y> = <x, conv_transpose(y, w)> for every x and y: the defining property, checked in float64.
        Tensor[] v = GradientCheck.RandomInputs(27, [[2, 7, 6, 4], [3, 2, 2, 6], [2, 4, 3, 6]]);
        Tensor conv = Tf.Nn.Conv2D(v[0], v[1], 2, "SAME");
        Assert.Equal(v[2].Shape, conv.Shape);
        Tensor back = Tf.Nn.Conv2DTranspose(v[2], v[1], [2, 7, 6, 4], 2, "SAME");
        double left = Tf.ReduceSum(conv * v[2]).Item<double>(), right = Tf.ReduceSum(v[0] * back).Item<double>();
        Assert.Equal(left, right, 1e-9);
    }

    private static (double[] Values, int[] Shape) Squeezed((double[] Values, int[] Shape) result) =>
        (result.Values, [result.Shape[0], result.Shape[2], result.Shape[3]]);

    /// <summary>A 1×1 convolution: y[p, o] = Σ_c x[p, c] · w[0, 0, c, o].</summary>
    private static (double[] Values, int[] Shape) Pointwise((double[] Values, int[] Shape) x, double[] w, int outChannels)
    {
        int channels = x.Shape[3], positions = x.Values.Length / channels;
        var y = new double[positions * outChannels];
        for (int p = 0; p < positions; p++)
        {
            for (int o = 0; o < outChannels; o++)
            {
                double sum = 0;
                for (int c = 0; c < channels; c++)
                {
                    sum += x.Values[(p * channels) + c] * w[(c * outChannels) + o];
                }

                y[(p * outChannels) + o] = sum;
            }
        }

        return (y, [x.Shape[0], x.Shape[1], x.Shape[2], outChannels]);
    }
}
