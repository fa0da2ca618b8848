using Nabla.Keras.Initializers;

namespace Nabla.Keras.Tests;

/// <summary>
/// The convolution, pooling and resizing layers: output shapes (Keras's formulas), Keras 3's weight names and shapes,
/// values computed by hand, gradients against finite differences, and errors naming the layer and the shapes.
/// </summary>
public class ConvLayersTests
{
    public static TheoryData<string, int[], int[]> ShapeCases => new()
    {
        { "conv1d_same", [2, 7, 3], [2, 7, 4] },
        { "conv1d_causal_dilated_groups", [2, 7, 4], [2, 7, 6] },
        { "conv1d_valid_stride2", [2, 9, 3], [2, 4, 5] },
        { "conv2d_groups", [2, 5, 5, 4], [2, 5, 5, 6] },
        { "conv2d_transpose_valid_stride2", [2, 3, 4, 3], [2, 7, 9, 2] },
        { "conv2d_transpose_same_stride2", [2, 3, 4, 3], [2, 6, 8, 2] },
        { "conv2d_transpose_output_padding", [1, 3, 3, 2], [1, 8, 7, 2] },
        { "conv2d_transpose_same_output_padding", [1, 3, 3, 2], [1, 6, 6, 2] },
        { "conv2d_transpose_dilated", [1, 4, 4, 2], [1, 6, 6, 3] },
        { "depthwise_same", [2, 5, 6, 3], [2, 5, 6, 6] },
        { "depthwise_valid_stride2", [1, 7, 7, 2], [1, 3, 3, 2] },
        { "separable_same", [2, 6, 6, 3], [2, 6, 6, 4] },
        { "separable_valid_dilated", [1, 7, 7, 2], [1, 3, 3, 5] },
        { "max_pooling1d", [2, 7, 3], [2, 3, 3] },
        { "max_pooling1d_same", [2, 7, 3], [2, 4, 3] },
        { "average_pooling1d_stride2", [2, 7, 3], [2, 3, 3] },
        { "average_pooling1d_same", [2, 7, 3], [2, 4, 3] },
        { "global_max_pooling1d", [2, 7, 3], [2, 3] },
        { "global_average_pooling1d", [2, 7, 3], [2, 3] },
        { "global_max_pooling2d", [2, 4, 5, 3], [2, 3] },
        { "global_max_pooling2d_keepdims", [2, 4, 5, 3], [2, 1, 1, 3] },
        { "up_sampling_nearest", [2, 3, 4, 2], [2, 6, 12, 2] },
        { "up_sampling_bilinear", [1, 3, 2, 2], [1, 6, 6, 2] },
        { "zero_padding", [2, 3, 4, 2], [2, 6, 7, 2] },
        { "cropping", [2, 6, 7, 2], [2, 3, 4, 2] },
    };

    public static TheoryData<string, string[]> WeightCases => new()
    {
        { "conv1d_same", ["conv1d/kernel:0 (3, 3, 4)", "conv1d/bias:0 (4,)"] },
        { "conv1d_causal_dilated_groups", ["conv1d/kernel:0 (2, 2, 6)", "conv1d/bias:0 (6,)"] },
        { "conv2d_groups", ["conv2d/kernel:0 (3, 3, 2, 6)", "conv2d/bias:0 (6,)"] },
        { "conv2d_transpose_valid_stride2", ["conv2d_transpose/kernel:0 (3, 3, 2, 3)", "conv2d_transpose/bias:0 (2,)"] },
        { "depthwise_same", ["depthwise_conv2d/kernel:0 (3, 3, 3, 2)", "depthwise_conv2d/bias:0 (6,)"] },
        { "separable_same", ["separable_conv2d/depthwise_kernel:0 (3, 3, 3, 2)", "separable_conv2d/pointwise_kernel:0 (1, 1, 6, 4)", "separable_conv2d/bias:0 (4,)"] },
        { "max_pooling1d", [] },
        { "up_sampling_nearest", [] },
    };

    private static Layer Make(string kind, DType dtype) => kind switch
    {
        "conv1d_same" => new Conv1D(4, 3, padding: "same", activation: "tanh", biasInitializer: new RandomNormal(seed: 1), dtype: dtype),
        "conv1d_causal_dilated_groups" => new Conv1D(6, 2, padding: "causal", dilationRate: 2, groups: 2, biasInitializer: new RandomNormal(seed: 2), dtype: dtype),
        "conv1d_valid_stride2" => new Conv1D(5, 3, strides: 2, dtype: dtype),
        "conv2d_groups" => new Conv2D(6, [3, 3], padding: "same", groups: 2, biasInitializer: new RandomNormal(seed: 3), dtype: dtype),
        "conv2d_transpose_valid_stride2" => new Conv2DTranspose(2, [3], [2], biasInitializer: new RandomNormal(seed: 4), dtype: dtype),
        "conv2d_transpose_same_stride2" => new Conv2DTranspose(2, 3, 2, "same", activation: "sigmoid", dtype: dtype),
        "conv2d_transpose_output_padding" => new Conv2DTranspose(2, [3], [2], outputPadding: [1, 0], dtype: dtype),
        "conv2d_transpose_same_output_padding" => new Conv2DTranspose(2, [3], [2], "same", outputPadding: [1], dtype: dtype),
        "conv2d_transpose_dilated" => new Conv2DTranspose(3, [2], dilationRate: [2], dtype: dtype),
        "depthwise_same" => new DepthwiseConv2D([3], padding: "same", depthMultiplier: 2, biasInitializer: new RandomNormal(seed: 5), dtype: dtype),
        "depthwise_valid_stride2" => new DepthwiseConv2D(3, 2, activation: "relu", dtype: dtype),
        "separable_same" => new SeparableConv2D(4, [3], padding: "same", depthMultiplier: 2, biasInitializer: new RandomNormal(seed: 6), dtype: dtype),
        "separable_valid_dilated" => new SeparableConv2D(5, [3], dilationRate: [2], dtype: dtype),
        "max_pooling1d" => new MaxPooling1D(3, 2, dtype: dtype),
        "max_pooling1d_same" => new MaxPooling1D(padding: "same", dtype: dtype),
        "average_pooling1d_stride2" => new AveragePooling1D(3, 2, dtype: dtype),
        "average_pooling1d_same" => new AveragePooling1D(3, 2, "same", dtype: dtype),
        "global_max_pooling1d" => new GlobalMaxPooling1D(dtype: dtype),
        "global_average_pooling1d" => new GlobalAveragePooling1D(dtype: dtype),
        "global_max_pooling2d" => new GlobalMaxPooling2D(dtype: dtype),
        "global_max_pooling2d_keepdims" => new GlobalMaxPooling2D(keepDims: true, dtype: dtype),
        "up_sampling_nearest" => new UpSampling2D([2, 3], dtype: dtype),
        "up_sampling_bilinear" => new UpSampling2D([2, 3], "bilinear", dtype: dtype),
        "zero_padding" => new ZeroPadding2D(new[,] { { 1, 2 }, { 3, 0 } }, dtype: dtype),
        _ => new Cropping2D(new[,] { { 1, 2 }, { 3, 0 } }, dtype: dtype),
    };

    private static Tensor Input(int[] shape, DType dtype, int seed = 3)
    {
        var random = new Random(seed);
        var values = new double[new Shape(shape).Size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextDouble() * 4) - 2;
        }

        return Tf.Cast(Tf.Constant(values, new Shape(shape)), dtype);
    }

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void Layer_OutputShape_MatchesKerasFormula(string kind, int[] input, int[] expected)
    {
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            Tensor y = Make(kind, dtype).Apply(Input(input, dtype), training: true);
            Assert.Equal(new Shape(expected), y.Shape);
            Assert.Equal(dtype, y.DType);
        }
    }

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void Layer_Gradients_MatchFiniteDifferences(string kind, int[] input, int[] expected)
    {
        Assert.NotEmpty(expected);
        LayerGradientCheck.Check(Make(kind, DType.Float64), Input(input, DType.Float64, seed: 4), what: kind);
    }

    [Theory]
    [MemberData(nameof(WeightCases))]
    public void Layer_Weights_HaveKerasNamesAndShapes(string kind, string[] expected)
    {
        Backend.ClearSession();
        int[] input = kind switch
        {
            "conv1d_same" or "max_pooling1d" => [2, 7, 3],
            "conv1d_causal_dilated_groups" => [2, 7, 4],
            "conv2d_groups" => [2, 5, 5, 4],
            "separable_same" or "depthwise_same" => [2, 6, 6, 3],
            _ => [2, 3, 4, 3],
        };
        Layer layer = Make(kind, DType.Float32);
        layer.Apply(Input(input, DType.Float32));
        Assert.Equal(expected, layer.Variables.Select(v => $"{v.Name} {v.Shape}"));
        Assert.Equal(layer.Variables.Count, layer.TrainableVariables.Count);
    }

    [Fact]
    public void Conv1D_CausalSameValidAndGroups_HandComputed()
    {
        Tensor x = Tf.Constant(new float[] { 1, 2, 3, 4 }, [1, 4, 1]);
        Assert.Equal([1f, 3, 5, 7], new Conv1D(1, 2, padding: "causal", kernelInitializer: new Ones()).Apply(x).ToArray<float>());
        Assert.Equal([1f, 2, 4, 6], new Conv1D(1, 2, padding: "causal", dilationRate: 2, kernelInitializer: new Ones()).Apply(x).ToArray<float>());
        Assert.Equal([3f, 6, 9, 7], new Conv1D(1, 3, padding: "same", kernelInitializer: new Ones()).Apply(x).ToArray<float>());
        Assert.Equal([6f, 9], new Conv1D(1, 3, kernelInitializer: new Ones()).Apply(x).ToArray<float>());

        // Two groups of one channel: output 0 sees channel 0 only, output 1 channel 1 only.
        var grouped = new Conv1D(2, 1, groups: 2, biasInitializer: new Constant(0.5));
        Tensor pair = Tf.Constant(new float[] { 1, 10, 2, 20 }, [1, 2, 2]);
        grouped.Apply(pair);
        grouped.Kernel!.Assign(Tf.Constant(new float[] { 2, 3 }, [1, 1, 2]));
        Assert.Equal([2.5f, 30.5f, 4.5f, 60.5f], grouped.Apply(pair).ToArray<float>());
    }

    [Fact]
    public void Conv2DTranspose_HandComputed()
    {
        Tensor x = Tf.Constant(new float[] { 1, 2, 3, 4 }, [1, 2, 2, 1]);
        Assert.Equal([1f, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4],
            new Conv2DTranspose(1, [2], [2], kernelInitializer: new Ones()).Apply(x).ToArray<float>());
        Assert.Equal([1f, 3, 2, 4, 10, 6, 3, 7, 4], new Conv2DTranspose(1, [2], kernelInitializer: new Ones()).Apply(x).ToArray<float>());

        // SAME, stride 2, 3x3 window: output row r collects input rows i with 2i <= r <= 2i + 2 (no padding on top).
        var same = new Conv2DTranspose(1, [3], [2], "same", kernelInitializer: new Ones(), biasInitializer: new Constant(0.5));
        Assert.Equal([1.5f, 1.5f, 3.5f, 2.5f, 1.5f, 1.5f, 3.5f, 2.5f, 4.5f, 4.5f, 10.5f, 6.5f, 3.5f, 3.5f, 7.5f, 4.5f], same.Apply(x).ToArray<float>());
    }

    [Fact]
    public void DepthwiseAndSeparable_HandComputed()
    {
        // Channel 0 [[1, 2], [3, 4]], channel 1 ten times that; kernel[., ., c, m] = (m + 1) for c = 0, -(m + 1) for c = 1.
        Tensor x = Tf.Constant(new float[] { 1, 10, 2, 20, 3, 30, 4, 40 }, [1, 2, 2, 2]);
        float[] kernel = [.. Enumerable.Range(0, 4).SelectMany(_ => new float[] { 1, 2, -1, -2 })];
        var depthwise = new DepthwiseConv2D(2, depthMultiplier: 2);
        depthwise.Apply(x);
        depthwise.Kernel!.Assign(Tf.Constant(kernel, [2, 2, 2, 2]));
        Assert.Equal([10f, 20, -100, -200], depthwise.Apply(x).ToArray<float>());

        var separable = new SeparableConv2D(1, [2], depthMultiplier: 2, biasInitializer: new Constant(1));
        separable.Apply(x);
        separable.DepthwiseKernel!.Assign(Tf.Constant(kernel, [2, 2, 2, 2]));
        separable.PointwiseKernel!.Assign(Tf.Constant(new float[] { 1, 1, 1, 0.5f }, [1, 1, 4, 1]));
        Assert.Equal([10f + 20 - 100 - 100 + 1], separable.Apply(x).ToArray<float>());
    }

    [Fact]
    public void PoolsAndGlobalPools_HandComputed()
    {
        Tensor x = Tf.Constant(new float[] { 1, 3, 2, 5, 4 }, [1, 5, 1]);
        Assert.Equal([3f, 5], new MaxPooling1D().Apply(x).ToArray<float>());
        Assert.Equal([2f, 3.5f], new AveragePooling1D().Apply(x).ToArray<float>());
        Assert.Equal([3f, 5, 4], new MaxPooling1D(padding: "same").Apply(x).ToArray<float>());
        float[] avg = new AveragePooling1D(3, 1, "same").Apply(x).ToArray<float>();
        Assert.Equal([2, 2, 10 / 3.0, 11 / 3.0, 4.5], avg.Select(v => (double)v), new DoubleTolerance(1e-6));

        Tensor steps = Tf.Constant(new float[] { 1, -2, 4, 0, -3, 5 }, [1, 3, 2]);
        Assert.Equal([4f, 5], new GlobalMaxPooling1D().Apply(steps).ToArray<float>());
        Assert.Equal([2 / 3.0, 1], new GlobalAveragePooling1D().Apply(steps).ToArray<float>().Select(v => (double)v), new DoubleTolerance(1e-6));
        Assert.Equal(new Shape(1, 1, 2), new GlobalAveragePooling1D(keepDims: true).Apply(steps).Shape);
        Assert.Equal([5f], new GlobalMaxPooling2D().Apply(Tf.Reshape(steps, [1, 3, 2, 1])).ToArray<float>());
    }

    [Fact]
    public void UpSamplingPaddingCropping_HandComputed()
    {
        Tensor row = Tf.Constant(new float[] { 1, 2 }, [1, 1, 2, 1]);
        Assert.Equal([1f, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2], new UpSampling2D([2, 3]).Apply(row).ToArray<float>());
        Assert.Equal([1f, 1.25f, 1.75f, 2, 1, 1.25f, 1.75f, 2], new UpSampling2D(2, "bilinear").Apply(row).ToArray<float>());

        // tf.image.resize of [[1, 2], [3, 4]] to 4x4, bilinear with half-pixel centres.
        Tensor square = Tf.Constant(new double[] { 1, 2, 3, 4 }, [1, 2, 2, 1]);
        Assert.Equal([1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4],
            new UpSampling2D(2, "bilinear", dtype: DType.Float64).Apply(square).ToArray<double>(), new DoubleTolerance(1e-12));

        Tensor five = Tf.Constant(new float[] { 5 }, [1, 1, 1, 1]);
        Assert.Equal([0f, 0, 0, 5, 0, 0], new ZeroPadding2D(new[,] { { 1, 0 }, { 0, 2 } }).Apply(five).ToArray<float>());
        Assert.Equal(new Shape(1, 3, 5, 1), new ZeroPadding2D([1, 2]).Apply(five).Shape);
        Assert.Equal((1, 1, 1, 1), new ZeroPadding2D().Padding);

        Tensor grid = Tf.Reshape(Tf.Range(1f, 13f), [1, 3, 4, 1]);
        Assert.Equal([6f], new Cropping2D(new[,] { { 1, 1 }, { 1, 2 } }).Apply(grid).ToArray<float>());
        Assert.Equal([2f, 3, 4, 6, 7, 8], new Cropping2D(new[,] { { 0, 1 }, { 1, 0 } }).Apply(grid).ToArray<float>());
        Assert.Equal(new Shape(1, 1, 2, 1), new Cropping2D(1).Apply(grid).Shape);
    }

    public static TheoryData<string, string> ErrorCases => new()
    {
        { "filters not divisible by groups", "Conv2D: The number of filters must be evenly divisible by the number of groups. Received: groups=3, filters=4." },
        { "channels not divisible by groups", "The number of input channels must be evenly divisible by the number of groups. Received groups=2, but the input has 3 channels (full input shape is (1, 5, 5, 3))" },
        { "strides and dilation", "Conv1D: `strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2,) and dilation_rate=(2,)" },
        { "zero kernel", "Conv1D: The `kernelSize` argument must be a tuple of 1 integers. Received kernelSize=(0,), including values {0} that do not satisfy `value > 0`." },
        { "causal 2-D", "Conv2D: padding must be \"valid\" or \"same\", got \"causal\"" },
        { "output padding", "Conv2DTranspose: `output_padding` must be < `strides`. output_padding=(2, 2), strides=(2, 2)" },
        { "depth multiplier", "DepthwiseConv2D: Invalid value for argument `depthMultiplier`. Expected a strictly positive value. Received depthMultiplier=0." },
        { "depthwise channels", "DepthwiseConv2D depthwise_conv2d: expected inputs (batch, height, width, channels) with 3 channels, got shape (1, 5, 5, 4)" },
        { "separable rank", "SeparableConv2D separable_conv2d: inputs must be rank 4 (batch, height, width, channels), got shape (5, 5, 3)" },
        { "pool rank", "MaxPooling1D max_pooling1d: inputs must be rank 3 (batch, steps, channels), got shape (1, 5, 5, 3)" },
        { "cropping too large", "Cropping2D cropping2d: Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input. Received: input_shape=(1, 3, 4, 1)" },
        { "interpolation", "UpSampling2D: interpolation must be \"nearest\" or \"bilinear\", got \"bicubic\"" },
        { "padding elements", "ZeroPadding2D: `padding` should have two elements. Received: padding=(1, 2, 3)" },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void BadArguments_Throw_NamingLayerAndShapes(string name, string fragment)
    {
        Backend.ClearSession();
        Action action = name switch
        {
            "filters not divisible by groups" => () => _ = new Conv2D(4, 3, groups: 3),
            "channels not divisible by groups" => () => new Conv2D(4, 3, groups: 2).Apply(Tf.Zeros([1, 5, 5, 3])),
            "strides and dilation" => () => _ = new Conv1D(2, 3, strides: 2, dilationRate: 2),
            "zero kernel" => () => _ = new Conv1D(2, 0),
            "causal 2-D" => () => _ = new Conv2D(2, 3, padding: "causal"),
            "output padding" => () => _ = new Conv2DTranspose(2, [3], [2], outputPadding: [2]),
            "depth multiplier" => () => _ = new DepthwiseConv2D(3, depthMultiplier: 0),
            "depthwise channels" => () => new DepthwiseConv2D(3, inputShape: [5, 5, 3]).Apply(Tf.Zeros([1, 5, 5, 4])),
            "separable rank" => () => new SeparableConv2D(2, 3).Apply(Tf.Zeros([5, 5, 3])),
            "pool rank" => () => new MaxPooling1D().Apply(Tf.Zeros([1, 5, 5, 3])),
            "cropping too large" => () => new Cropping2D(new[,] { { 2, 1 }, { 0, 0 } }).Apply(Tf.Zeros([1, 3, 4, 1])),
            "interpolation" => () => _ = new UpSampling2D(2, "bicubic"),
            _ => () => _ = new ZeroPadding2D([1, 2, 3]),
        };
        var ex = Assert.Throws<ArgumentException>(action);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }
}
