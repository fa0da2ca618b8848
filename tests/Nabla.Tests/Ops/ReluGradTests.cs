using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>The fused ReluGrad op (Relu's gradient rule): kernel, op, gradients of Relu through it, errors.</summary>
public class ReluGradTests
{
    public static TheoryData<int> Lengths => [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Kernel_Float_MatchesMultiplyByMask_IncludingNaNInfAndSignedZeros(int length)
    {
        var random = new Random(length);
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-45f, -1e-45f];
        var g = new float[length];
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            g[i] = i % 5 == 0 ? special[random.Next(special.Length)] : (float)(random.NextDouble() * 4 - 2);
            x[i] = i % 3 == 0 ? special[random.Next(special.Length)] : (float)(random.NextDouble() * 4 - 2);
        }

        var y = new float[length];
        ReluGradOp.Apply<float>(g, x, y);

        for (int i = 0; i < length; i++)
        {
            float expected = g[i] * (x[i] > 0 ? 1f : 0f); // TensorFlow: gradients * (features > 0)
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(y[i]));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Kernel_Int64_MatchesMultiplyByMask(int length)
    {
        var random = new Random(length + 1000);
        var g = new long[length];
        var x = new long[length];
        for (int i = 0; i < length; i++)
        {
            g[i] = random.NextInt64(-1000, 1000);
            x[i] = i % 4 == 0 ? 0 : random.NextInt64(-5, 5);
        }

        var y = new long[length];
        ReluGradOp.Apply<long>(g, x, y);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(x[i] > 0 ? g[i] : 0, y[i]);
        }
    }

    [Fact]
    public void ReluGradient_LargeTensor_SplitOverThreads_MatchesMask()
    {
        // Above the partitioner's threshold, so the kernel runs in chunks.
        const int n = 300_001;
        var xs = new float[n];
        var random = new Random(3);
        for (int i = 0; i < n; i++)
        {
            xs[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var x = Tf.Constant(xs, [n]);
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = Tf.Nn.Relu(x) * 3f;
        Tensor dx = tape.Gradient(y, x)!;

        var expected = new double[n];
        for (int i = 0; i < n; i++)
        {
            expected[i] = xs[i] > 0 ? 3 : 0;
        }

        AssertTensor.Close(expected, dx, new Shape(n), 0);
    }

    public static TheoryData<string> FloatingDTypes => ["float16", "bfloat16", "float32", "float64"];

    [Theory]
    [MemberData(nameof(FloatingDTypes))]
    public void ReluGradient_FloatingDTypes_IsUpstreamWherePositive(string dtypeName)
    {
        DType dtype = BinaryCatalog.DTypeNamed(dtypeName);
        Tensor x = Tf.Cast(Tf.Constant(new double[] { -2, -0.0, 0, 1, 3 }), dtype);
        Tensor upstream = Tf.Cast(Tf.Constant(new double[] { 5, 6, 7, 8, 9 }), dtype);
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = Tf.Nn.Relu(x);
        Tensor dx = tape.Gradient([y], [x], [upstream])[0]!;
        Assert.Equal(dtype, dx.DType);
        AssertTensor.Close([0, 0, 0, 8, 9], dx);
    }

    [Theory]
    [InlineData("int32")]
    [InlineData("int64")]
    public void ReluGrad_IntegerDTypes_IsGradientWhereFeaturePositive(string dtypeName)
    {
        DType dtype = BinaryCatalog.DTypeNamed(dtypeName);
        Tensor features = Tf.Cast(Tf.Constant(new double[] { -2, 0, 1, 3 }), dtype);
        Tensor gradients = Tf.Cast(Tf.Constant(new double[] { 5, 6, 7, 8 }), dtype);
        Tensor result = ReluGradOp.Instance.Call(gradients, features);
        Assert.Equal(dtype, result.DType);
        AssertTensor.Close([0, 0, 7, 8], result);
    }


    [Fact]
    public void Relu_GradientsFirstAndSecondOrder_MatchFiniteDifferences()
    {
        // Values kept away from the kink at 0, where finite differences are meaningless.
        Tensor[] inputs = GradientCheck.RandomInputs(5, [new Shape(3, 4)], 0.2, 2);
        Tensor[] shifted = [inputs[0] * Tf.Constant(new double[] { 1, -1, 1, -1 })];
        GradientCheck.FirstOrder(a => Tf.Nn.Relu(a[0]) * a[0], shifted);
        GradientCheck.SecondOrder(a => Tf.Nn.Relu(a[0]) * a[0], shifted);
    }

    [Fact]
    public void ReluGrad_GradientWithRespectToUpstream_FlowsThroughNestedTapes()
    {
        // d/dx of (dRelu(x)·v)/dx = 0 away from 0, but the derivative of the inner gradient with respect to the
        // upstream (here v * x, watched through x) must be ReluGrad again: d/dx [relu'(x) * c*x] = relu'(x) * c.
        var x = Tf.Constant(new double[] { -1.5, 0.5, 2 });
        using var outer = new GradientTape();
        outer.Watch(x);
        Tensor inner;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            Tensor y = Tf.Nn.Relu(x);
            inner = tape.Gradient([y], [x], [x * 3.0])[0]!; // relu'(x) * 3x
        }

        Tensor second = outer.Gradient(inner, x)!;
        AssertTensor.Close([0, 3, 3], second);
    }

    [Fact]
    public void ReluGrad_MismatchedShapes_ThrowsNamingOpShapesAndDTypes()
    {
        var exception = Assert.Throws<ArgumentException>(
            () => ReluGradOp.Instance.Call(Tf.Ones([2, 3]), Tf.Ones([3, 2])));
        Assert.Contains("ReluGrad", exception.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3)", exception.Message, StringComparison.Ordinal);
        Assert.Contains("float32", exception.Message, StringComparison.Ordinal);
    }
}
