using System.Reflection;

namespace Nabla.Keras.Tests.Recurrent;

/// <summary>Gradients through the recurrent layers against finite differences, and the tape's cost per step.</summary>
public class RecurrentGradientTests
{
    public static TheoryData<string, string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (string cell in new[] { "simple", "lstm", "gru_after", "gru_before" })
            {
                data.Add(cell, "last", "tanh");
                data.Add(cell, "masked_sequences", "tanh");
                data.Add(cell, "backwards", "tanh");
                data.Add(cell, "masked_sequences", cell == "simple" ? "sigmoid" : "relu");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Recurrent_Gradients_MatchFiniteDifferences(string cell, string variant, string activation)
    {
        RecurrentLayer layer = RecurrentLayerTests.Make(cell, variant, activation);
        const int batch = 2, time = 4, features = 3;
        var x = new Variable(Tf.Constant(RecurrentLayerTests.RandomValues(11, batch * time * features), new Shape(batch, time, features)), name: "x");
        layer.EnsureBuilt(x.Shape);
        RecurrentLayerTests.Randomize(layer, 12);
        Tensor? mask = variant.StartsWith("masked", StringComparison.Ordinal)
            ? Tf.Constant(RecurrentLayerTests.Mask(batch, time, 13), new Shape(batch, time))
            : null;
        Tensor[] initial = [.. Enumerable.Range(0, layer.StateCount).Select(s =>
            (Tensor)new Variable(Tf.Constant(RecurrentLayerTests.RandomValues(14 + s, batch * RecurrentLayerTests.Units), new Shape(batch, RecurrentLayerTests.Units))))];
        FiniteDifferences.Check(() =>
        {
            // The output and every final state contribute, so the states' gradients are checked too.
            Tensor[] all = layer.ApplyWithStates(x, initial, mask: mask);
            return all.Select((t, i) => FiniteDifferences.Weighted(t, 20 + i)).Aggregate(Tf.Add);
        }, [.. layer.TrainableVariables, x, .. initial.Cast<Variable>()], $"{cell} {variant} {activation}");
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru_after")]
    [InlineData("simple")]
    public void Recurrent_TapeEntries_DoNotGrowWithTheSequenceLength(string cell)
    {
        int Entries(int time)
        {
            RecurrentLayer layer = RecurrentLayerTests.Make(cell, "sequences");
            Tensor x = Tf.Zeros(new Shape(4, time, 3), DType.Float64);
            layer.EnsureBuilt(x.Shape);
            using var tape = new GradientTape();
            tape.Watch(x);
            layer.Apply(x);
            return EntryCount(tape);
        }

        // The whole time loop is one op; what the layer adds around it does not depend on the length: the variable
        // reads (3), the input projection (reshape, matmul, reshape, bias: 4), the loop (1); the LSTM's slices of its
        // packed [h, c] states (2); the GRU's two bias rows (a second read of the bias, slice and reshape of each: 5).
        int short10 = Entries(10), long100 = Entries(100);
        Assert.Equal(short10, long100);
        Assert.Equal(cell switch { "lstm" => 10, "gru_after" => 13, _ => 8 }, short10);
    }

    /// <summary>The number of ops a tape recorded (GradientTape.EntryCount is internal to Nabla: read for this measurement only).</summary>
    internal static int EntryCount(GradientTape tape) =>
        (int)typeof(GradientTape).GetProperty("EntryCount", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(tape)!;
}

/// <summary>Central finite differences of a scalar function of variables, compared with one tape's gradients.</summary>
internal static class FiniteDifferences
{
    /// <summary>sum(w · t) with fixed pseudo-random weights w in [0.5, 1.5), so that a rule right only for a ones upstream fails.</summary>
    public static Tensor Weighted(Tensor t, int seed)
    {
        var random = new Random(seed);
        double[] w = [.. Enumerable.Range(0, t.Size).Select(_ => 0.5 + random.NextDouble())];
        return Tf.ReduceSum(Tf.Multiply(Tf.Cast(t, DType.Float64), Tf.Constant(w, t.Shape)));
    }

    public static void Check(Func<Tensor> objective, IReadOnlyList<Variable> variables, string what, double tolerance = 1e-6)
    {
        Tensor?[] analytic;
        using (var tape = new GradientTape())
        {
            tape.Watch([.. variables]);
            analytic = tape.Gradient(objective(), [.. variables]);
        }

        for (int p = 0; p < variables.Count; p++)
        {
            Variable v = variables[p];
            double[] values = v.ToArray<double>();
            double[] got = analytic[p] is { } g ? g.ToArray<double>() : new double[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + 1e-6;
                v.Assign(Tf.Constant(values, v.Shape));
                double plus = objective().Item<double>();
                values[i] = saved - 1e-6;
                v.Assign(Tf.Constant(values, v.Shape));
                double minus = objective().Item<double>();
                values[i] = saved;
                v.Assign(Tf.Constant(values, v.Shape));
                double numeric = (plus - minus) / 2e-6;
                Assert.True(Math.Abs(numeric - got[i]) <= tolerance * (1 + Math.Abs(numeric)),
                    $"{what}: d/d{v.Name}[{i}] tape {got[i]} vs finite difference {numeric}");
            }
        }
    }
}
