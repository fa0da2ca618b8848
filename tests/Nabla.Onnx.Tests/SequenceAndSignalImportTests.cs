using System.Numerics;
using Nabla.Onnx.Protobuf;
using static Nabla.Onnx.Tests.OnnxBuilder;

namespace Nabla.Onnx.Tests;

/// <summary>
/// The importer's sequence and optional values (OnnxModel.Run), and operators added with them: DFT/STFT against a
/// direct complex sum, the quantization round trip against ONNX's formula, ReverseSequence and NonMaxSuppression,
/// gradients through sequences and the DFT, and the refusal of what still is not supported.
/// </summary>
public class SequenceAndSignalImportTests
{
    private const int Int64Type = 7, UInt8 = 2;

    private static ValueInfoProto SequenceValue(string name, int elementType)
    {
        var type = new TypeProto { SequenceType = new TypeProto.Types.Sequence { ElemType = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType } } } };
        return new ValueInfoProto { Name = name, Type = type };
    }

    private static TensorProto Int64Initializer(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = Int64Type };
        t.Int64Data.AddRange(values);
        if (values.Length != 1)
        {
            t.Dims.Add(values.Length);
        }

        return t;
    }

    /// <summary>x (6, 2) split into pieces of 2 rows, the middle one erased, x's first row inserted at the front, concatenated.</summary>
    private static byte[] SequenceModel(int elementType, TensorProto[] initializers, bool inputs) => Model(
        [
            Node("SplitToSequence", ["x", "two"], ["pieces"]),
            Node("SequenceErase", ["pieces", "one"], ["erased"]),
            Node("SequenceAt", ["pieces", "zero"], ["first"]),
            Node("Slice", ["first", "starts", "ends"], ["row"]),
            Node("SequenceInsert", ["erased", "row", "zero"], ["inserted"]),
            Node("ConcatFromSequence", ["inserted"], ["y"], Int("axis", 0)),
            Node("SequenceLength", ["inserted"], ["count"]),
        ],
        inputs ? [Value("x", elementType, 6, 2)] : [],
        [Value("y", elementType, 5, 2), SequenceValue("inserted", elementType), Value("count", Int64Type)],
        [.. initializers, Int64Initializer("zero", 0), Int64Initializer("one", 1), Int64Initializer("two", 2), Int64Vector("starts", 0), Int64Vector("ends", 1)]);

    private static TensorProto Int64Vector(string name, params long[] values)
    {
        TensorProto t = Int64Initializer(name, values);
        if (values.Length == 1)
        {
            t.Dims.Add(1);
        }

        return t;
    }

    [Fact]
    public void Sequences_SplitEraseInsertConcat_EagerAndTracedMatchTheListOperations()
    {
        OnnxModel model = Load(SequenceModel(Float, [], inputs: true));
        float[] values = [.. Enumerable.Range(0, 12).Select(i => (float)i)];
        Tensor x = Tf.Constant(values, new Shape(6, 2));
        object[] eager = model.Run(x);
        // Pieces rows (0,1), (2,3), (4,5); the middle erased; row 0 in front: rows 0, 0, 1, 4, 5.
        float[] expected = [.. new[] { 0, 0, 1, 4, 5 }.SelectMany(r => new[] { values[2 * r], values[(2 * r) + 1] })];
        Assert.Equal(expected, ((Tensor)eager[0]).ToArray<float>());
        var sequence = Assert.IsType<OnnxSequence>(eager[1]);
        Assert.Equal([new Shape(1, 2), new Shape(2, 2), new Shape(2, 2)], sequence.Select(t => t.Shape));
        Assert.Equal(3L, ((Tensor)eager[2]).Item<long>());

        // Traced: the tensors in the sequence are nodes of the trace, so the function can return them.
        var traced = Tf.Function<Tensor[], Tensor[]>(args => [.. model.Run(args[0]).Select(v => v is OnnxSequence s ? s[2] : (Tensor)v)]);
        Tensor[] outputs = traced.Invoke([x]);
        Assert.Equal(expected, outputs[0].ToArray<float>());
        Assert.Equal(sequence[2].ToArray<float>(), outputs[1].ToArray<float>());

        ArgumentException e = Assert.Throws<ArgumentException>(() => model.Call(x));
        Assert.Contains("'inserted' is a sequence", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sequences_GradientsFlowThroughTheirTensors()
    {
        // Only y and count are outputs here: the sequence output is dropped for the gradient check.
        byte[] bytes = SequenceModel(Float64, [Initializer("x", ImportGradientTests.Draw(new Random(3), 12), 6, 2)], inputs: false);
        ModelProto proto = ModelProto.Parser.ParseFrom(bytes);
        proto.Graph.Output.RemoveAt(2);
        proto.Graph.Output.RemoveAt(1);
        ImportGradientTests.CheckGradients(Google.Protobuf.MessageExtensions.ToByteArray(proto));
    }

    [Fact]
    public void SequenceInput_ChecksItsKindAndElementDType()
    {
        byte[] bytes = Model([Node("ConcatFromSequence", ["s"], ["y"], Int("axis", 0), Int("new_axis", 1))], [SequenceValue("s", Float)], [Value("y", Float, 2, 3)]);
        OnnxModel model = Load(bytes);
        Tensor a = Tf.Constant(new[] { 1f, 2f, 3f }, new Shape(3)), b = Tf.Constant(new[] { 4f, 5f, 6f }, new Shape(3));
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], ((Tensor)model.Run(new OnnxSequence([a, b], DType.Float32))[0]).ToArray<float>());
        ArgumentException kind = Assert.Throws<ArgumentException>(() => model.Run(a));
        Assert.Contains("is a sequence of float32", kind.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new OnnxSequence([a, Tf.Cast(b, DType.Float64)], DType.Float32));
    }

    [Fact]
    public void Optional_HasAndGetElement()
    {
        byte[] bytes = Model(
            [Node("Optional", ["x"], ["o"]), Node("OptionalHasElement", ["o"], ["has"]), Node("OptionalGetElement", ["o"], ["y"])],
            [Value("x", Float, 2)],
            [Value("has", 9), Value("y", Float, 2)]);
        Tensor[] outputs = Load(bytes).Call(Tf.Constant(new[] { 7f, 8f }, new Shape(2)));
        Assert.True(outputs[0].Item<bool>());
        Assert.Equal([7f, 8f], outputs[1].ToArray<float>());
        Assert.False(OnnxOptional.Empty.HasValue);
    }

    /// <summary>The DFT by its definition, Σₜ x(t)·e^(∓2πitk/N) (divided by N for the inverse), in complex doubles.</summary>
    private static Complex[] DirectDft(Complex[] x, bool inverse)
    {
        int n = x.Length;
        var result = new Complex[n];
        for (int k = 0; k < n; k++)
        {
            for (int t = 0; t < n; t++)
            {
                result[k] += x[t] * Complex.Exp(new Complex(0, (inverse ? 2 : -2) * Math.PI * t * k / n));
            }

            result[k] /= inverse ? n : 1;
        }

        return result;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Dft_MatchesTheDirectSum(bool inverse, bool onesided)
    {
        const int n = 7;
        var random = new Random(5);
        double[] values = ImportGradientTests.Draw(random, 2 * 2 * n);   // (2, 7, 2): two complex signals
        byte[] bytes = Model(
            [Node("DFT", ["x"], ["y"], Int("axis", 1), Int("inverse", inverse ? 1 : 0), Int("onesided", onesided ? 1 : 0))],
            [], [Value("y", Float64, 2, onesided ? (n / 2) + 1 : n, 2)], [Initializer("x", values, 2, n, 2)]);
        double[] actual = Load(bytes).Call()[0].ToArray<double>();
        int bins = onesided ? (n / 2) + 1 : n;
        for (int b = 0; b < 2; b++)
        {
            Complex[] signal = [.. Enumerable.Range(0, n).Select(t => new Complex(values[(((b * n) + t) * 2)], values[(((b * n) + t) * 2) + 1]))];
            Complex[] expected = DirectDft(signal, inverse);
            for (int k = 0; k < bins; k++)
            {
                Assert.Equal(expected[k].Real, actual[((b * bins) + k) * 2], 12);
                Assert.Equal(expected[k].Imaginary, actual[(((b * bins) + k) * 2) + 1], 12);
            }
        }
    }

    [Fact]
    public void DftAndStft_GradientsMatchFiniteDifferences()
    {
        var random = new Random(8);
        byte[] bytes = Model(
            [
                Node("DFT", ["x"], ["spectrum"], Int("axis", 1)),
                Node("STFT", ["signal", "step", "window"], ["frames"]),
            ],
            [],
            [Value("spectrum", Float64, 1, 5, 2), Value("frames", Float64, 1, 3, 3, 2)],
            [
                Initializer("x", ImportGradientTests.Draw(random, 5), 1, 5, 1),
                Initializer("signal", ImportGradientTests.Draw(random, 8), 1, 8, 1),
                Initializer("window", ImportGradientTests.Draw(random, 4), 4),
                Int64Initializer("step", 2),
            ]);
        ImportGradientTests.CheckGradients(bytes);
    }

    [Theory]
    [InlineData("bilinear", "reflection", 0)]
    [InlineData("bicubic", "border", 1)]
    public void GridSample_GradientsInImageAndGridMatchFiniteDifferences(string mode, string padding, int alignCorners)
    {
        // Grid points inside and outside [−1, 1], none on a pixel edge (where floor's kink would upset the difference).
        var random = new Random(12);
        double[] grid = [.. ImportGradientTests.Draw(random, 2 * 3 * 2).Select(v => (v * 1.3) + 0.013)];
        byte[] bytes = Model(
            [Node("GridSample", ["x", "grid"], ["y"], String("mode", mode), String("padding_mode", padding), Int("align_corners", alignCorners))],
            [], [Value("y", Float64, 1, 2, 2, 3)],
            [Initializer("x", ImportGradientTests.Draw(random, 2 * 3 * 4), 1, 2, 3, 4), Initializer("grid", grid, 1, 2, 3, 2)],
            opset: 16);
        ImportGradientTests.CheckGradients(bytes, tolerance: 1e-5);
    }

    [Fact]
    public void QuantizeLinear_RoundsHalfToEvenAndSaturates_DequantizeInverts()
    {
        float[] x = [-3f, -0.25f, 0.25f, 0.75f, 1.25f, 100f, 300f, 0.26f];   // x / scale: −6, −0.5, 0.5, 1.5, 2.5 (halves), 200, 600, 0.52
        const float scale = 0.5f;
        const byte zeroPoint = 3;
        var zp = new TensorProto { Name = "zp", DataType = UInt8 };
        zp.Int32Data.Add(zeroPoint);
        byte[] bytes = Model(
            [Node("QuantizeLinear", ["x", "scale", "zp"], ["q"]), Node("DequantizeLinear", ["q", "scale", "zp"], ["y"])],
            [Value("x", Float, x.Length)],
            [Value("q", UInt8, x.Length), Value("y", Float, x.Length)],
            [Initializer("scale", [scale], 1), zp]);
        Tensor[] outputs = Load(bytes).Call(Tf.Constant(x, new Shape(x.Length)));
        byte[] expected = [.. x.Select(v => (byte)Math.Clamp(Math.Round(v / scale, MidpointRounding.ToEven) + zeroPoint, 0, 255))];
        Assert.Equal(expected, outputs[0].ToArray<byte>());
        Assert.Equal(expected.Select(q => (q - zeroPoint) * scale), outputs[1].ToArray<float>());
    }

    [Fact]
    public void ReverseSequence_ReversesEachBatchItemsPrefix()
    {
        // x (steps 4, batch 3), time-major; lengths 4, 1, 3.
        float[] x = [.. Enumerable.Range(0, 12).Select(i => (float)i)];
        byte[] bytes = Model(
            [Node("ReverseSequence", ["x", "lengths"], ["y"], Int("time_axis", 0), Int("batch_axis", 1))],
            [Value("x", Float, 4, 3)], [Value("y", Float, 4, 3)], [Int64Initializer("lengths", 4, 1, 3)]);
        float[] actual = Load(bytes).Call(Tf.Constant(x, new Shape(4, 3)))[0].ToArray<float>();
        long[] lengths = [4, 1, 3];
        for (int t = 0; t < 4; t++)
        {
            for (int b = 0; b < 3; b++)
            {
                long source = t < lengths[b] ? lengths[b] - 1 - t : t;
                Assert.Equal(x[(source * 3) + b], actual[(t * 3) + b]);
            }
        }
    }

    [Fact]
    public void UnsupportedValueKinds_AreNamedBeforeRunning()
    {
        var map = new TypeProto { MapType = new TypeProto.Types.Map { KeyType = Int64Type, ValueType = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = Float } } } };
        byte[] bytes = Model([Node("Identity", ["m"], ["y"])], [new ValueInfoProto { Name = "m", Type = map }], [Value("y", Float, 1)]);
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => Load(bytes));
        Assert.Contains("value 'm' that is not a tensor", e.Message, StringComparison.Ordinal);
    }
}
