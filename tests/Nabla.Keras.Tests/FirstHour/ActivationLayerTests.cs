using Nabla;
using Nabla.Keras;

namespace FirstHour;

/// <summary>Keras's activation layers and <c>tf.nn</c>'s names, against formulas evaluated in double here.</summary>
public class ActivationLayerTests
{
    private static readonly double[] s_inputs = [-3, -1.5, -0.25, 0, 0.5, 2, 7];

    private static void AssertLayer(Layer layer, Func<double, double> expected)
    {
        Tensor y = layer.Apply(Tf.Constant(s_inputs, new Shape(1, s_inputs.Length)));
        Assert.Equal(DType.Float32, y.DType);
        float[] got = y.ToArray<float>();
        for (int i = 0; i < s_inputs.Length; i++)
        {
            Assert.Equal(expected(s_inputs[i]), got[i], 5);
        }
    }

    [Fact]
    public void ReLU_DefaultsAndOptions_FollowKerasFormula()
    {
        AssertLayer(new ReLU(), x => Math.Max(x, 0));
        AssertLayer(new ReLU(maxValue: 6), x => Math.Clamp(x, 0, 6));
        AssertLayer(new ReLU(maxValue: 1.5), x => Math.Clamp(x, 0, 1.5));
        AssertLayer(new ReLU(maxValue: 4, negativeSlope: 0.1, threshold: 0.5), x => x >= 0.5 ? Math.Min(x, 4) : 0.1 * (x - 0.5));
        Assert.Throws<ArgumentException>(() => new ReLU(negativeSlope: -1));
    }

    [Fact]
    public void LeakyReLU_ELU_Softmax_MatchFormulas()
    {
        AssertLayer(new LeakyReLU(), x => x > 0 ? x : 0.3 * x);
        AssertLayer(new LeakyReLU(negativeSlope: 0.05), x => x > 0 ? x : 0.05 * x);
        AssertLayer(new ELU(), x => x > 0 ? x : Math.Exp(x) - 1);
        AssertLayer(new ELU(alpha: 0.5), x => x > 0 ? x : 0.5 * (Math.Exp(x) - 1));
        double total = s_inputs.Sum(Math.Exp);
        AssertLayer(new Softmax(), x => Math.Exp(x) / total);
    }

    [Fact]
    public void ActivationLayers_AutomaticNames_AreKerasSnakeCase()
    {
        Backend.ClearSession();
        Assert.Equal("re_lu", new ReLU().Name);
        Assert.Equal("leaky_re_lu", new LeakyReLU().Name);
        Assert.Equal("p_re_lu", new PReLU().Name);
        Assert.Equal("softmax", new Softmax().Name);
        Assert.Equal("elu", new ELU().Name);
    }

    [Fact]
    public void PReLU_SharedAxes_LearnsOneSlopePerChannel()
    {
        var layer = new PReLU(alphaInitializer: Keras.Initializers.Constant(0.25), sharedAxes: [1, 2]);
        Tensor x = Tf.Reshape(Tf.Constant(new[] { -4f, 1f, -2f, 3f, 5f, -6f, -1f, 2f }), [1, 2, 2, 2]);
        Tensor y = layer.Apply(x);
        Assert.Equal(new Shape(1, 1, 2), layer.Alpha!.Shape);
        Assert.Equal([-1f, 1f, -0.5f, 3f, 5f, -1.5f, -0.25f, 2f], y.ToArray<float>());

        using var tape = new GradientTape();
        Tensor loss = Tf.ReduceSum(layer.Apply(x));
        Tensor?[] grads = tape.Gradient(loss, layer.TrainableVariables);
        // d/dalpha of alpha * x for the negative x of each channel: channel 0 has -4, -2, -1; channel 1 has -6.
        Assert.Equal([-7f, -6f], grads[0]!.ToArray<float>());
    }

    [Fact]
    public void NnNames_SigmoidTanhSwishSoftsign_MatchTheirFormulas()
    {
        Tensor x = Tf.Constant(s_inputs);
        double[] sigmoid = Tf.Nn.Sigmoid(x).ToArray<double>();
        double[] tanh = Tf.Nn.Tanh(x).ToArray<double>();
        double[] swish = Tf.Nn.Swish(x).ToArray<double>();
        double[] softsign = Tf.Nn.Softsign(x).ToArray<double>();
        for (int i = 0; i < s_inputs.Length; i++)
        {
            double v = s_inputs[i];
            Assert.Equal(1 / (1 + Math.Exp(-v)), sigmoid[i], 12);
            Assert.Equal(Math.Tanh(v), tanh[i], 12);
            Assert.Equal(v / (1 + Math.Exp(-v)), swish[i], 12);
            Assert.Equal(v / (1 + Math.Abs(v)), softsign[i], 12);
        }

        var e = Assert.Throws<ArgumentException>(() => Tf.Nn.Softsign(Tf.Constant(new[] { 1, 2 })));
        Assert.Contains("Softsign", e.Message, StringComparison.Ordinal);
        Assert.Contains("int32", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("leaky_relu")]
    [InlineData("softsign")]
    [InlineData("hard_sigmoid")]
    [InlineData("hard_silu")]
    [InlineData("mish")]
    [InlineData("log_softmax")]
    public void DenseActivationByName_KerasNames_Resolve(string name)
    {
        Func<double, double> f = name switch
        {
            "leaky_relu" => x => x > 0 ? x : 0.2 * x,
            "softsign" => x => x / (1 + Math.Abs(x)),
            "hard_sigmoid" => x => Math.Clamp((x + 3) / 6, 0, 1),
            "hard_silu" => x => x * Math.Clamp((x + 3) / 6, 0, 1),
            "mish" => x => x * Math.Tanh(Math.Log(1 + Math.Exp(x))),
            _ => x => x - Math.Log(s_inputs.Sum(Math.Exp)),
        };
        AssertLayer(new Activation(name), f);
    }
}
