namespace Nabla.Onnx.Tests.Export;

/// <summary>
/// Every op the exporter writes, traced in a function, exported and run in ONNX Runtime against Nabla's own result;
/// the table is checked to cover <c>ExportOps.Exportable</c>, so a newly mapped op needs a row here.
/// </summary>
public sealed class OpExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nabla-onnx-ops-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Tensor Data(int seed, double low, double high, params int[] dims)
    {
        var random = new Random(seed);
        int size = dims.Aggregate(1, (a, b) => a * b);
        return Tf.Constant([.. Enumerable.Range(0, size).Select(_ => (float)(low + ((high - low) * random.NextDouble())))], new Shape(dims));
    }

    private static readonly Tensor s_any = Data(1, -2, 2, 3, 4), s_other = Data(2, -2, 2, 3, 4), s_positive = Data(3, 0.5, 2, 3, 4);
    private static readonly Tensor s_mask = Tf.Constant(
        new[] { true, true, false, true, true, true, true, true, true, false, false, true, false, true, true }, new Shape(3, 5));

    private static readonly Tensor s_unit = Data(4, -0.9, 0.9, 3, 4), s_aboveOne = Data(5, 1.1, 3, 3, 4), s_images = Data(6, -1, 1, 2, 6, 6, 3);

    /// <summary>Op type (as Nabla names it) → a function of the row's inputs that produces it.</summary>
    public static TheoryData<string> OpTypes => [.. Cases.Keys];

    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, Tensor[] Inputs)> Cases = new(StringComparer.Ordinal)
    {
        ["AddV2"] = (a => a[0] + a[1], [s_any, s_other]),
        ["Sub"] = (a => a[0] - a[1], [s_any, s_other]),
        ["Mul"] = (a => a[0] * a[1], [s_any, s_other]),
        ["RealDiv"] = (a => a[0] / a[1], [s_any, s_positive]),
        ["Maximum"] = (a => Tf.Maximum(a[0], a[1]), [s_any, s_other]),
        ["Minimum"] = (a => Tf.Minimum(a[0], a[1]), [s_any, s_other]),
        ["Pow"] = (a => Tf.Pow(a[0], a[1]), [s_positive, s_any]),
        ["Neg"] = (a => -a[0], [s_any]),
        ["Abs"] = (a => Tf.Abs(a[0]), [s_any]),
        ["Exp"] = (a => Tf.Exp(a[0]), [s_any]),
        ["Log"] = (a => Tf.Log(a[0]), [s_positive]),
        ["Sqrt"] = (a => Tf.Sqrt(a[0]), [s_positive]),
        ["Rsqrt"] = (a => Tf.Rsqrt(a[0]), [s_positive]),
        ["Square"] = (a => Tf.Square(a[0]), [s_any]),
        ["Tanh"] = (a => Tf.Tanh(a[0]), [s_any]),
        ["Sigmoid"] = (a => Tf.Sigmoid(a[0]), [s_any]),
        ["Relu"] = (a => Tf.Nn.Relu(a[0]), [s_any]),
        ["Elu"] = (a => Tf.Nn.Elu(a[0]), [s_any]),
        ["Selu"] = (a => Tf.Nn.Selu(a[0]), [s_any]),
        ["Softplus"] = (a => Tf.Nn.Softplus(a[0]), [s_any]),
        ["LeakyRelu"] = (a => Tf.Nn.LeakyRelu(a[0], 0.1), [s_any]),
        ["Erf"] = (a => Tf.Erf(a[0]), [s_any]),
        ["Sin"] = (a => Tf.Sin(a[0]), [s_any]),
        ["Cos"] = (a => Tf.Cos(a[0]), [s_any]),
        ["Tan"] = (a => Tf.Tan(a[0]), [s_unit]),
        ["Asin"] = (a => Tf.Asin(a[0]), [s_unit]),
        ["Acos"] = (a => Tf.Acos(a[0]), [s_unit]),
        ["Atan"] = (a => Tf.Atan(a[0]), [s_any]),
        ["Sinh"] = (a => Tf.Sinh(a[0]), [s_any]),
        ["Cosh"] = (a => Tf.Cosh(a[0]), [s_any]),
        ["Asinh"] = (a => Tf.Asinh(a[0]), [s_any]),
        ["Acosh"] = (a => Tf.Acosh(a[0]), [s_aboveOne]),
        ["Atanh"] = (a => Tf.Atanh(a[0]), [s_unit]),
        ["Floor"] = (a => Tf.Floor(a[0]), [s_any]),
        ["Ceil"] = (a => Tf.Ceil(a[0]), [s_any]),
        ["Round"] = (a => Tf.Round(a[0]), [s_any]),
        ["Sign"] = (a => Tf.Sign(a[0]), [s_any]),
        ["Reciprocal"] = (a => Tf.Reciprocal(a[0]), [s_positive]),
        ["Equal"] = (a => Tf.Cast(Tf.Equal(Tf.Round(a[0]), Tf.Round(a[1])), DType.Float32), [s_any, s_other]),
        ["Greater"] = (a => Tf.Cast(Tf.Greater(a[0], a[1]), DType.Float32), [s_any, s_other]),
        ["GreaterEqual"] = (a => Tf.Cast(Tf.GreaterEqual(a[0], a[1]), DType.Float32), [s_any, s_other]),
        ["Less"] = (a => Tf.Cast(Tf.Less(a[0], a[1]), DType.Float32), [s_any, s_other]),
        ["LessEqual"] = (a => Tf.Cast(Tf.LessEqual(a[0], a[1]), DType.Float32), [s_any, s_other]),
        ["LogicalAnd"] = (a => Tf.Cast(Tf.LogicalAnd(Tf.Greater(a[0], 0f), Tf.Greater(a[1], 0f)), DType.Float32), [s_any, s_other]),
        ["LogicalOr"] = (a => Tf.Cast(Tf.LogicalOr(Tf.Greater(a[0], 0f), Tf.Greater(a[1], 0f)), DType.Float32), [s_any, s_other]),
        ["LogicalNot"] = (a => Tf.Cast(Tf.LogicalNot(Tf.Greater(a[0], 0f)), DType.Float32), [s_any]),
        ["IsNan"] = (a => Tf.Cast(Tf.IsNan(Tf.Log(a[0])), DType.Float32), [s_any]),
        ["SelectV2"] = (a => Tf.Where(Tf.Greater(a[0], a[1]), a[0], a[1]), [s_any, s_other]),
        ["Identity"] = (a => Tf.Identity(a[0]) * 2f, [s_any]),
        ["StopGradient"] = (a => Tf.StopGradient(a[0]) * 2f, [s_any]),
        ["Cast"] = (a => Tf.Cast(Tf.Cast(a[0] * 3f, DType.Int32), DType.Float32), [s_any]),
        ["MatMul"] = (a => Tf.MatMul(Tf.MatMul(a[0], a[1], transposeB: true), a[0]) + Tf.MatMul(a[0], Tf.MatMul(a[0], a[1], transposeA: true)), [s_any, s_other]),
        ["Reshape"] = (a => Tf.Reshape(a[0], [2, 6]), [s_any]),
        ["Transpose"] = (a => Tf.Transpose(a[0]), [s_any]),
        ["Softmax"] = (a => Tf.Nn.Softmax(a[0], 0), [s_any]),
        ["LogSoftmax"] = (a => Tf.Nn.LogSoftmax(a[0]), [s_any]),
        ["ConcatV2"] = (a => Tf.Concat([a[0], a[1]], 1), [s_any, s_other]),
        ["Sum"] = (a => Tf.ReduceSum(a[0], [1]) + Tf.ReduceSum(a[0]), [s_any]),
        ["Mean"] = (a => Tf.ReduceMean(a[0], [0], keepdims: true), [s_any]),
        ["Max"] = (a => Tf.ReduceMax(a[0], [1]), [s_any]),
        ["Min"] = (a => Tf.ReduceMin(a[0]), [s_any]),
        ["Prod"] = (a => Tf.ReduceProd(a[0], [1]), [s_positive]),
        ["Conv2D"] = (a => Tf.Concat(
            [Tf.Reshape(Tf.Nn.Conv2D(a[0], Data(7, -1, 1, 3, 3, 3, 4), [2, 1], "SAME"), [-1]),
             Tf.Reshape(Tf.Nn.Conv2D(a[0], Data(8, -1, 1, 2, 2, 3, 4), [1, 1], "VALID", [2, 2]), [-1])], 0), [s_images]),
        ["MaxPool"] = (a => Tf.Nn.MaxPool2D(a[0], 2, 2, "VALID") + Tf.Nn.MaxPool2D(a[0], 3, 2, "SAME"), [s_images]),
        ["AvgPool"] = (a => Tf.Nn.AvgPool2D(a[0], [3, 3], [2, 2], "SAME"), [s_images]),
        // A strided slice (the indexer with a step) is a Slice and a Gather: the last term.
        ["GatherV2"] = (a => Tf.Gather(a[0], Tf.Constant(new[] { 3, 0, 0, 2 }), 1) + Tf.Gather(a[0], Tf.Constant(new[] { 2, 1, 0 }), 0)
            + a[0][.., TensorIndex.Slice(3, null, -1)], [s_any]),
        ["Slice"] = (a => Tf.Slice(a[0], [1, 0], [2, 3]) + a[0][1.., ..3], [s_any]),
        // The recurrent ops as the Keras layers call them (input projection, states, recurrent kernel), unmasked and
        // with a mask that is not a prefix, each state sequence in the result (LSTM's cell state too).
        ["Lstm"] = (a =>
        {
            (Tensor h, Tensor c) = Tf.Nn.Lstm(a[0], a[1], a[2], a[3]);
            (Tensor hm, Tensor cm) = Tf.Nn.Lstm(a[0], a[1], a[2], a[3], s_mask);
            return Tf.Concat([h, c, hm, cm], 2);
        }, [Data(9, -1, 1, 3, 5, 8), Data(10, -1, 1, 3, 2), Data(11, -1, 1, 3, 2), Data(12, -1, 1, 2, 8)]),
        ["Gru"] = (a => Tf.Concat(
            [Tf.Nn.Gru(a[0], a[1], a[2], a[3]), Tf.Nn.Gru(a[0], a[1], a[2], a[3], s_mask), Tf.Nn.Gru(a[0], a[1], a[2], resetAfter: false),
             Tf.Nn.Gru(a[0], a[1], a[2], mask: s_mask, resetAfter: false)], 2),
            [Data(13, -1, 1, 3, 5, 6), Data(14, -1, 1, 3, 2), Data(15, -1, 1, 2, 6), Data(16, -1, 1, 6)]),
        ["SimpleRnn"] = (a => Tf.Concat(
            [Tf.Nn.SimpleRnn(a[0], a[1], a[2]), Tf.Nn.SimpleRnn(a[0], a[1], a[2], s_mask, "relu"), Tf.Nn.SimpleRnn(a[0], a[1], a[2], activation: "relu")], 2),
            [Data(17, -1, 1, 3, 5, 2), Data(18, -1, 1, 3, 2), Data(19, -1, 1, 2, 2)]),
        ["NotEqual"] = (a => Tf.Cast(Tf.NotEqual(Tf.Round(a[0]), Tf.Round(a[1])), DType.Float32), [s_any, s_other]),
        ["Any"] = (a => Tf.Cast(Tf.ReduceAny(Tf.Greater(a[0], 1f), [1]), DType.Float32) + Tf.Cast(Tf.ReduceAny(Tf.Greater(a[0], 1.9f)), DType.Float32), [s_any]),
        ["All"] = (a => Tf.Cast(Tf.ReduceAll(Tf.Greater(a[0], -1f), [0], keepdims: true), DType.Float32), [s_any]),
        ["ReverseV2"] = (a => Tf.Reverse(a[0], [1]) + Tf.Reverse(a[0], [0, 1]), [s_any]),
        ["Cumsum"] = (a => Tf.CumSum(a[0], 1) + Tf.CumSum(a[0], 0, exclusive: true) + Tf.CumSum(a[0], -1, reverse: true), [s_any]),
        ["PadV2"] = (a => Tf.Pad(a[0], new[,] { { 1, 0 }, { 2, 1 } }, constantValue: 0.5) + Tf.Pad(a[0], new[,] { { 0, 1 }, { 3, 0 } }), [s_any]),
    };

    [Fact]
    public void Cases_CoverEveryExportableOp() =>
        Assert.Equal(OnnxExporter.ExportableOps.Order(StringComparer.Ordinal), Cases.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(OpTypes))]
    public void Export_Op_OnnxRuntimeMatchesNabla(string opType)
    {
        (Func<Tensor[], Tensor> f, Tensor[] inputs) = Cases[opType];
        var function = Tf.Function<Tensor[], Tensor>(f);
        ConcreteFunction concrete = function.GetConcreteFunction([inputs]);
        Assert.Contains(concrete.Graph.GetOperations(), op => op.Type == opType);
        string path = Path.Combine(_folder, opType + ".onnx");
        OnnxExporter.Export(concrete, path);

        Tensor expected = f(inputs);
        Tensor actual = OrtRunner.Run(path, inputs)[0];
        Assert.Equal(expected.Shape, actual.Shape);
        float[] e = expected.ToArray<float>(), a = actual.ToArray<float>();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5 + (1e-5 * Math.Abs(e[i])), $"{opType} element {i}: Nabla {e[i]}, ONNX Runtime {a[i]}");
        }
    }

    [Fact]
    public void Export_OpWithoutCounterpart_ThrowsNamingIt()
    {
        var function = Tf.Function((Tensor x) => Tf.CumProd(x, 1));
        ConcreteFunction concrete = function.GetConcreteFunction(s_any);
        string path = Path.Combine(_folder, "cumprod.onnx");
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(concrete, path));
        Assert.Contains("Cumprod", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(path));
    }
}
