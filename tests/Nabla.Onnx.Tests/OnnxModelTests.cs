using static Nabla.Onnx.Tests.OnnxBuilder;

namespace Nabla.Onnx.Tests;

public class OnnxModelTests
{
    private const int Features = 4, Hidden = 5, Classes = 3;

    /// <summary>x (N, 4) → MatMul W1 → Add B1 → Relu → Gemm(W2ᵀ, B2) → logits; Softmax → probabilities.</summary>
    private static (byte[] Bytes, double[] W1, double[] B1, double[] W2, double[] B2) Mlp(bool float64, int seed = 3)
    {
        var random = new Random(seed);
        double[] Draw(int n) => [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5)];
        double[] w1 = Draw(Features * Hidden), b1 = Draw(Hidden), w2 = Draw(Classes * Hidden), b2 = Draw(Classes);
        int type = float64 ? Float64 : Float;
        Protobuf.TensorProto Init(string name, double[] v, params int[] dims) =>
            float64 ? Initializer(name, v, dims) : Initializer(name, Array.ConvertAll(v, d => (float)d), dims);
        byte[] bytes = Model(
            [
                Node("MatMul", ["x", "W1"], ["h0"]),
                Node("Add", ["h0", "B1"], ["h1"]),
                Node("Relu", ["h1"], ["h"]),
                Node("Gemm", ["h", "W2", "B2"], ["logits"], Int("transB", 1)),
                Node("Softmax", ["logits"], ["probabilities"], Int("axis", -1)),
            ],
            [Value("x", type, null, Features)],
            [Value("logits", type, null, Classes), Value("probabilities", type, null, Classes)],
            [Init("W1", w1, Features, Hidden), Init("B1", b1, Hidden), Init("W2", w2, Classes, Hidden), Init("B2", b2, Classes)]);
        return (bytes, w1, b1, w2, b2);
    }

    /// <summary>The MLP's logits computed with plain loops in double precision.</summary>
    private static double[] ReferenceLogits(double[] x, int rows, double[] w1, double[] b1, double[] w2, double[] b2)
    {
        var logits = new double[rows * Classes];
        for (int r = 0; r < rows; r++)
        {
            var h = new double[Hidden];
            for (int j = 0; j < Hidden; j++)
            {
                double s = b1[j];
                for (int k = 0; k < Features; k++)
                {
                    s += x[(r * Features) + k] * w1[(k * Hidden) + j];
                }

                h[j] = Math.Max(s, 0);
            }

            for (int c = 0; c < Classes; c++)
            {
                double s = b2[c];
                for (int j = 0; j < Hidden; j++)
                {
                    s += h[j] * w2[(c * Hidden) + j];
                }

                logits[(r * Classes) + c] = s;
            }
        }

        return logits;
    }

    [Fact]
    public void Load_Mlp_ReadsNamesSpecsAndInitializers()
    {
        OnnxModel model = Load(Mlp(float64: false).Bytes);
        Assert.Equal(["x"], model.InputNames);
        Assert.Equal(["logits", "probabilities"], model.OutputNames);
        Assert.Equal(new TensorSpec(new int?[] { null, Features }, DType.Float32, "x"), model.InputSpecs[0]);
        Assert.Equal(17, model.Opset);
        Assert.Equal(new Shape(Classes, Hidden), model.Initializers["W2"].Shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Call_Mlp_MatchesLoopReference(bool float64)
    {
        var (bytes, w1, b1, w2, b2) = Mlp(float64);
        OnnxModel model = Load(bytes);
        var random = new Random(11);
        double[] x = [.. Enumerable.Range(0, 6 * Features).Select(_ => (random.NextDouble() * 2) - 1)];
        Tensor input = Tf.Constant(x, new Shape(6, Features));
        Tensor[] outputs = model.Call(float64 ? input : Tf.Cast(input, DType.Float32));

        double[] expected = ReferenceLogits(x, 6, w1, b1, w2, b2);
        double[] logits = Tf.Cast(outputs[0], DType.Float64).ToArray<double>();
        double tolerance = float64 ? 1e-12 : 1e-5;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(logits[i] - expected[i]) <= tolerance, $"logit {i}: {logits[i]} vs {expected[i]}");
        }

        double[] rowSums = Tf.Cast(Tf.ReduceSum(outputs[1], 1), DType.Float64).ToArray<double>();
        Assert.All(rowSums, s => Assert.True(Math.Abs(s - 1) < 1e-5));
    }

    [Fact]
    public void Function_TracedMlp_MatchesEagerForTwoBatchSizes()
    {
        OnnxModel model = Load(Mlp(float64: false).Bytes);
        var function = model.Function();
        foreach (int rows in new[] { 2, 7 })
        {
            var random = new Random(rows);
            float[] x = [.. Enumerable.Range(0, rows * Features).Select(_ => (float)random.NextDouble())];
            Tensor input = Tf.Constant(x, new Shape(rows, Features));
            Tensor[] eager = model.Call(input), traced = function.Invoke([input]);
            Assert.Equal(eager[0].ToArray<float>(), traced[0].ToArray<float>());
            Assert.Equal(eager[1].ToArray<float>(), traced[1].ToArray<float>());
        }

        Assert.InRange(function.TracingCount, 1, 2);
    }

    [Fact]
    public void MakeTrainable_OneSgdStep_GradientsMatchFiniteDifferencesAndLossFalls()
    {
        OnnxModel model = Load(Mlp(float64: true).Bytes);
        IReadOnlyList<Variable> variables = model.MakeTrainable();
        Assert.Equal(4, variables.Count);
        var random = new Random(5);
        Tensor x = Tf.Constant([.. Enumerable.Range(0, 8 * Features).Select(_ => (random.NextDouble() * 2) - 1)], new Shape(8, Features));
        Tensor labels = Tf.Constant(new long[] { 0, 1, 2, 0, 1, 2, 0, 1 }, new Shape(8));
        Tensor Loss() => Tf.ReduceMean(Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(labels, model.Call(x)[0]));

        Tensor?[] gradients;
        Tensor before;
        using (var tape = new GradientTape())
        {
            before = Loss();
            gradients = tape.Gradient(before, [.. variables]);
        }

        Assert.All(gradients, g => Assert.NotNull(g));

        // One element of each weight against a central finite difference.
        const double h = 1e-6;
        for (int v = 0; v < variables.Count; v++)
        {
            Variable variable = variables[v];
            double[] original = variable.ToArray<double>();
            double[] plus = (double[])original.Clone(), minus = (double[])original.Clone();
            plus[1] += h;
            minus[1] -= h;
            variable.Assign(Tf.Constant(plus, variable.Shape));
            double lossPlus = Loss().ToArray<double>()[0];
            variable.Assign(Tf.Constant(minus, variable.Shape));
            double lossMinus = Loss().ToArray<double>()[0];
            variable.Assign(Tf.Constant(original, variable.Shape));
            double numeric = (lossPlus - lossMinus) / (2 * h);
            Assert.True(Math.Abs(gradients[v]!.ToArray<double>()[1] - numeric) < 1e-6, $"{variable.Name}: {gradients[v]!.ToArray<double>()[1]} vs {numeric}");
        }

        for (int v = 0; v < variables.Count; v++)
        {
            variables[v].AssignSub(0.5 * gradients[v]!);
        }

        Assert.True(Loss().ToArray<double>()[0] < before.ToArray<double>()[0]);
    }

    [Fact]
    public void Load_UnsupportedOperatorsAndDTypes_NamesThemAll()
    {
        byte[] bytes = Model(
            [Node("StringNormalizer", ["x"], ["y"]), Node("NoSuchOp", ["y"], ["z"]), Node("Relu", ["z"], ["out"])],
            [Value("x", Unsigned16, 2)],
            [Value("out", Float, 2)]);
        var e = Assert.Throws<NotSupportedException>(() => Load(bytes));
        Assert.Contains("operator StringNormalizer", e.Message, StringComparison.Ordinal);
        Assert.Contains("operator NoSuchOp", e.Message, StringComparison.Ordinal);
        Assert.Contains("element type uint16 (of 'x')", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Relu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CorruptOrTruncatedFile_ThrowsInvalidData()
    {
        byte[] bytes = Mlp(float64: false).Bytes;
        Assert.Throws<InvalidDataException>(() => Load(bytes[..(bytes.Length / 2)]));
        var random = new Random(1);
        var noise = new byte[200];
        random.NextBytes(noise);
        Assert.ThrowsAny<Exception>(() => Load(noise));
        string path = Path.Combine(Path.GetTempPath(), $"nabla-onnx-{Environment.ProcessId}-truncated.onnx");
        File.WriteAllBytes(path, bytes[..^7]);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Call_WrongInput_NamesTheInputAndShapes()
    {
        OnnxModel model = Load(Mlp(float64: false).Bytes);
        var e = Assert.Throws<ArgumentException>(() => model.Call(Tf.Zeros(new Shape(2, 7))));
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 7)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.Call(Tf.Zeros(new Shape(2, Features), DType.Float64)));
        Assert.Throws<ArgumentException>(() => model.Call());
    }

    [Fact]
    public void TensorProto_RoundTripsEveryDType()
    {
        foreach (DType dtype in DType.All)
        {
            Tensor original = Tf.Cast(Tf.Constant(new double[] { 0, 1, -2.5, 3, 7, -1 }, new Shape(2, 3)), dtype);
            Tensor back = OnnxTensors.ReadTensorProto(OnnxTensors.WriteTensorProto(original, "t"));
            Assert.Equal(dtype, back.DType);
            Assert.Equal(original.Shape, back.Shape);
            Assert.Equal(Tf.Cast(original, DType.Float64).ToArray<double>(), Tf.Cast(back, DType.Float64).ToArray<double>());
        }
    }

    [Fact]
    public void TensorProto_TypedFieldsAndBadSizes()
    {
        var half = new Protobuf.TensorProto { DataType = 10 };
        half.Dims.Add(2);
        half.Int32Data.Add(BitConverter.HalfToUInt16Bits((Half)1.5));
        half.Int32Data.Add(BitConverter.HalfToUInt16Bits((Half)(-2)));
        Tensor t = OnnxTensors.ReadTensorProto(Google.Protobuf.MessageExtensions.ToByteArray(half));
        Assert.Equal(new[] { (Half)1.5, (Half)(-2) }, t.ToArray<Half>());

        half.Dims[0] = 3;   // 3 elements declared, 2 given
        Assert.Throws<InvalidDataException>(() => OnnxTensors.ReadTensorProto(Google.Protobuf.MessageExtensions.ToByteArray(half)));
        var strings = new Protobuf.TensorProto { DataType = 8, Name = "s" };
        var e = Assert.Throws<NotSupportedException>(() => OnnxTensors.ReadTensorProto(Google.Protobuf.MessageExtensions.ToByteArray(strings)));
        Assert.Contains("string", e.Message, StringComparison.Ordinal);
    }
}
