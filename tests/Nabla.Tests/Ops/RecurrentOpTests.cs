using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>
/// Tf.Nn.SimpleRnn, Lstm and Gru: the fused whole-sequence ops against a float64 step-by-step re-implementation of
/// Keras's cell formulas (gate orders i, f, c, o and z, r, h), their gradients at first and second order against
/// finite differences, masks, one tape entry per sequence, and errors.
/// </summary>
public class RecurrentOpTests
{
    private const int Batch = 2, Time = 4, Units = 3, Features = 2;

    public static TheoryData<string, string, bool> ForwardCases
    {
        get
        {
            var data = new TheoryData<string, string, bool>();
            foreach (string cell in Cells)
            {
                foreach (string dtype in new[] { "float32", "float64" })
                {
                    data.Add(cell, dtype, false);
                    data.Add(cell, dtype, true);
                }
            }

            return data;
        }
    }

    public static TheoryData<string, bool> GradientCases
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (string cell in Cells)
            {
                data.Add(cell, false);
                data.Add(cell, true);
            }

            return data;
        }
    }

    private static string[] Cells => ["simple_tanh", "simple_relu", "lstm", "gru_after", "gru_after_nobias", "gru_before"];

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Recurrent_Forward_MatchesStepByStepReference(string cell, string dtypeName, bool masked)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        Tensor[] inputs = Inputs(cell, seed: 3);
        bool[]? mask = masked ? Mask() : null;
        Tensor[] cast = [.. inputs.Select(t => Tf.Cast(t, dtype))];
        Tensor actual = Run(cell, cast, mask is null ? null : Tf.Constant(mask, new Shape(Batch, Time)));
        double[] expected = Reference(cell, [.. inputs.Select(AssertTensor.ToDoubles)], mask);
        Assert.Equal(dtype, actual.DType);
        AssertTensor.Close(expected, actual, new Shape(Batch, Time, States(cell) * Units), dtype == DType.Float32 ? 2e-5 : 1e-12);
    }

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Recurrent_Gradients_MatchFiniteDifferences(string cell, bool masked)
    {
        Tensor[] inputs = Inputs(cell, seed: 5);
        Tensor? mask = masked ? Tf.Constant(Mask(), new Shape(Batch, Time)) : null;
        GradientCheck.FirstOrder(x => Run(cell, x, mask), inputs);
    }

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Recurrent_SecondOrderGradients_MatchFiniteDifferences(string cell, bool masked)
    {
        Tensor[] inputs = Inputs(cell, seed: 7);
        Tensor? mask = masked ? Tf.Constant(Mask(), new Shape(Batch, Time)) : null;
        GradientCheck.SecondOrder(x => Run(cell, x, mask), inputs, tolerance: 1e-4);
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru_after")]
    [InlineData("simple_tanh")]
    public void Recurrent_WholeSequence_IsOneTapeEntry(string cell)
    {
        Tensor[] inputs = Inputs(cell, seed: 9, time: 50);
        using var tape = new GradientTape();
        tape.Watch(inputs);
        int before = tape.EntryCount;
        Tensor states = cell == "lstm" ? Tf.Nn.Lstm(inputs[0], inputs[1], inputs[2], inputs[3]).Hidden : Run(cell, inputs, null);

        // 50 steps, one entry (the LSTM adds the two slices that split its packed [h, c] output).
        Assert.Equal(cell == "lstm" ? 3 : 1, tape.EntryCount - before);
        Assert.Equal(new Shape(Batch, 50, Units), states.Shape);
    }

    [Fact]
    public void Recurrent_ZeroSteps_GivesEmptyOutputAndZeroGradients()
    {
        Tensor[] inputs = Inputs("lstm", seed: 1, time: 0);
        using var tape = new GradientTape();
        tape.Watch(inputs);
        Tensor states = Run("lstm", inputs, null);
        Assert.Equal(new Shape(Batch, 0, 2 * Units), states.Shape);
        Tensor?[] grads = tape.Gradient(Tf.ReduceSum(states), inputs);
        Assert.All(grads, g => Assert.Equal(0.0, Tf.ReduceSum(Tf.Abs(g!)).Item<double>()));
    }

    [Fact]
    public void Recurrent_BadShapesAndDtypes_ThrowNamingTheOp()
    {
        Tensor[] x = Inputs("lstm", seed: 1);
        var e = Assert.Throws<ArgumentException>(() => Tf.Nn.Lstm(x[0], x[1], x[2], Tf.Zeros([Units, 3 * Units], DType.Float64)));
        Assert.Contains("Lstm", e.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 9)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Tf.Nn.Lstm(x[0], Tf.Zeros([Batch + 1, Units], DType.Float64), x[2], x[3]));
        Assert.Contains("(3, 3)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Tf.Nn.Lstm(Tf.Cast(x[0], DType.Float32), x[1], x[2], x[3]));
        Assert.Contains("float32", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Tf.Nn.Lstm(x[0], x[1], x[2], x[3], Tf.Ones([Batch, Time + 1], DType.Bool)));
        Assert.Contains("mask", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Tf.Nn.Gru(x[0], x[1], x[3]));
        Assert.Contains("Gru", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Tf.Nn.SimpleRnn(x[0], x[1], x[3], activation: "sigmoid"));
        Assert.Contains("sigmoid", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Nn.Gru(x[0], x[1], x[3], Tf.Zeros([3 * Units], DType.Float64), resetAfter: false));
        Assert.Throws<ArgumentException>(() => Tf.Nn.SimpleRnn(Tf.Cast(x[0], DType.Int32), Tf.Cast(x[1], DType.Int32), Tf.Cast(x[3], DType.Int32)));
    }

    private static int Gates(string cell) => cell switch
    {
        "lstm" => 4,
        "gru_after" or "gru_after_nobias" or "gru_before" => 3,
        _ => 1,
    };

    private static int States(string cell) => cell == "lstm" ? 2 : 1;

    private static bool[] Mask() => [true, true, false, true, false, true, true, false];

    // Inputs: projection (batch, time, gates·units), h0, [c0], U, [recurrent bias].
    private static Tensor[] Inputs(string cell, int seed, int time = Time)
    {
        int g = Gates(cell);
        var shapes = new List<Shape> { new(Batch, time, g * Units), new(Batch, Units) };
        if (cell == "lstm")
        {
            shapes.Add(new Shape(Batch, Units));
        }

        shapes.Add(new Shape(Units, g * Units));
        if (cell == "gru_after")
        {
            shapes.Add(new Shape(g * Units));
        }

        return GradientCheck.RandomInputs(seed, [.. shapes], -1, 1);
    }

    private static Tensor Run(string cell, Tensor[] x, Tensor? mask)
    {
        switch (cell)
        {
            case "simple_tanh":
                return Tf.Nn.SimpleRnn(x[0], x[1], x[2], mask);
            case "simple_relu":
                return Tf.Nn.SimpleRnn(x[0], x[1], x[2], mask, "relu");
            case "lstm":
                (Tensor h, Tensor c) = Tf.Nn.Lstm(x[0], x[1], x[2], x[3], mask);
                return Tf.Concat([h, c], 2);
            case "gru_after":
                return Tf.Nn.Gru(x[0], x[1], x[2], x[3], mask);
            case "gru_after_nobias":
                return Tf.Nn.Gru(x[0], x[1], x[2], mask: mask);
            default:
                return Tf.Nn.Gru(x[0], x[1], x[2], mask: mask, resetAfter: false);
        }
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    // Keras's cells, one step at a time, in float64 (written from the formulas of keras/src/layers/rnn/*.py).
    private static double[] Reference(string cell, double[][] x, bool[]? mask)
    {
        int g = Gates(cell), s = States(cell), u = Units;
        double[] xw = x[0], h = (double[])x[1].Clone();
        double[] c = cell == "lstm" ? (double[])x[2].Clone() : [];
        double[] kernel = x[cell == "lstm" ? 3 : 2];
        double[] bias = cell == "gru_after" ? x[3] : new double[g * u];
        var output = new double[Batch * Time * s * u];
        for (int t = 0; t < Time; t++)
        {
            for (int b = 0; b < Batch; b++)
            {
                int row = (b * Time) + t;
                if (mask is null || mask[row])
                {
                    // m = h·U (+ recurrent bias), for all gate columns.
                    var m = new double[g * u];
                    for (int j = 0; j < g * u; j++)
                    {
                        for (int k = 0; k < u; k++)
                        {
                            m[j] += h[(b * u) + k] * kernel[(k * g * u) + j];
                        }
                    }

                    Step(cell, xw.AsSpan(row * g * u, g * u), m, bias, h.AsSpan(b * u, u), c.AsSpan(s == 2 ? b * u : 0, s == 2 ? u : 0), kernel);
                }

                h.AsSpan(b * u, u).CopyTo(output.AsSpan(row * s * u));
                if (s == 2)
                {
                    c.AsSpan(b * u, u).CopyTo(output.AsSpan((row * s * u) + u));
                }
            }
        }

        return output;
    }

    private static void Step(string cell, Span<double> p, double[] m, double[] bias, Span<double> h, Span<double> c, double[] kernel)
    {
        int u = Units;
        var next = new double[u];
        for (int j = 0; j < u; j++)
        {
            switch (cell)
            {
                case "simple_tanh":
                    next[j] = Math.Tanh(p[j] + m[j]);
                    break;
                case "simple_relu":
                    next[j] = Math.Max(0, p[j] + m[j]);
                    break;
                case "lstm":
                    double i = Sigmoid(p[j] + m[j]), f = Sigmoid(p[u + j] + m[u + j]);
                    double gg = Math.Tanh(p[(2 * u) + j] + m[(2 * u) + j]), o = Sigmoid(p[(3 * u) + j] + m[(3 * u) + j]);
                    c[j] = (f * c[j]) + (i * gg);
                    next[j] = o * Math.Tanh(c[j]);
                    break;
                case "gru_before":
                    double zb = Sigmoid(p[j] + m[j]);
                    double hhb = p[(2 * u) + j];
                    for (int k = 0; k < u; k++)
                    {
                        double rk = Sigmoid(p[u + k] + m[u + k]);
                        hhb += rk * h[k] * kernel[(k * 3 * u) + (2 * u) + j];
                    }

                    next[j] = (zb * h[j]) + ((1 - zb) * Math.Tanh(hhb));
                    break;
                default:
                    double z = Sigmoid(p[j] + m[j] + bias[j]), r = Sigmoid(p[u + j] + m[u + j] + bias[u + j]);
                    double hh = Math.Tanh(p[(2 * u) + j] + (r * (m[(2 * u) + j] + bias[(2 * u) + j])));
                    next[j] = (z * h[j]) + ((1 - z) * hh);
                    break;
            }
        }

        next.CopyTo(h);
    }
}
