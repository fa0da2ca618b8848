
namespace Nabla.Tests.TestUtils;

/// <summary>
/// Checks gradients against central finite differences in float64 (JAX's check_grads): first order through one
/// tape, second order through nested tapes, with random weights on the output so that a rule that only works
/// for an all-ones upstream gradient fails.
/// </summary>
public static class GradientCheck
{
    private const double Step = 1e-6;

    /// <summary>Seeded random float64 inputs of the given shapes in [low, high].</summary>
    public static Tensor[] RandomInputs(int seed, Shape[] shapes, double low = -2, double high = 2)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        var random = new Random(seed);
        var inputs = new Tensor[shapes.Length];
        for (int i = 0; i < shapes.Length; i++)
        {
            var values = new double[shapes[i].Size];
            for (int j = 0; j < values.Length; j++)
            {
                values[j] = low + ((high - low) * random.NextDouble());
            }

            inputs[i] = Tf.Constant(values, shapes[i]);
        }

        return inputs;
    }

    /// <summary>Asserts the tape's first-order gradients of sum(w * f(x)) match finite differences.</summary>
    public static void FirstOrder(Func<Tensor[], Tensor> f, Tensor[] inputs, double tolerance = 1e-6, int seed = 7)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        Tensor weights = WeightsFor(f(inputs), seed);
        Tensor Objective(Tensor[] x) => Tf.ReduceSum(Tf.Multiply(Tf.Cast(f(x), DType.Float64), weights));

        Tensor?[] analytic;
        using (var tape = new GradientTape())
        {
            tape.Watch(inputs);
            Tensor y = Objective(inputs);
            analytic = tape.Gradient(y, inputs);
        }

        Compare(Objective, inputs, analytic, tolerance, "first-order");
    }

    /// <summary>
    /// Asserts second-order gradients: the gradient of g(x) = sum_i sum(v_i * df/dx_i) computed through an outer
    /// tape matches finite differences of g.
    /// </summary>
    public static void SecondOrder(Func<Tensor[], Tensor> f, Tensor[] inputs, double tolerance = 1e-5, int seed = 11)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        Tensor weights = WeightsFor(f(inputs), seed);
        var random = new Random(seed + 1);
        var directions = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var v = new double[inputs[i].Size];
            for (int j = 0; j < v.Length; j++)
            {
                v[j] = random.NextDouble() - 0.5;
            }

            directions[i] = Tf.Constant(v, inputs[i].Shape);
        }

        Tensor G(Tensor[] x)
        {
            using var inner = new GradientTape();
            inner.Watch(x);
            Tensor y = Tf.ReduceSum(Tf.Multiply(Tf.Cast(f(x), DType.Float64), weights));
            Tensor?[] grads = inner.Gradient(y, x);
            Tensor total = Tf.Constant(0.0);
            for (int i = 0; i < x.Length; i++)
            {
                if (grads[i] is { } g)
                {
                    total = Tf.Add(total, Tf.ReduceSum(Tf.Multiply(g, directions[i])));
                }
            }

            return total;
        }

        Tensor?[] analytic;
        using (var outer = new GradientTape())
        {
            outer.Watch(inputs);
            Tensor g = G(inputs);
            analytic = outer.Gradient(g, inputs);
        }

        Compare(G, inputs, analytic, tolerance, "second-order");
    }

    private static Tensor WeightsFor(Tensor output, int seed)
    {
        var random = new Random(seed);
        var w = new double[output.Size];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = 0.5 + random.NextDouble();
        }

        return Tf.Constant(w, output.Shape);
    }

    private static void Compare(Func<Tensor[], Tensor> objective, Tensor[] inputs, Tensor?[] analytic, double tolerance, string order)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            double[] numeric = Numeric(objective, inputs, i);
            double[] got = analytic[i] is { } g ? AssertTensor.ToDoubles(g) : new double[numeric.Length];
            Assert.True(analytic[i] is null || analytic[i]!.Shape == inputs[i].Shape,
                $"{order} gradient of input {i} has shape {analytic[i]?.Shape}, expected {inputs[i].Shape}.");
            AssertTensor.Close(numeric, got, tolerance, $"{order} gradient of input {i} (shape {inputs[i].Shape})");
        }
    }

    private static double[] Numeric(Func<Tensor[], Tensor> objective, Tensor[] inputs, int which)
    {
        double[] x = inputs[which].ToArray<double>();
        var result = new double[x.Length];
        var probe = (Tensor[])inputs.Clone();
        for (int j = 0; j < x.Length; j++)
        {
            double saved = x[j];
            x[j] = saved + Step;
            probe[which] = Tf.Constant(x, inputs[which].Shape);
            double plus = objective(probe).Item<double>();
            x[j] = saved - Step;
            probe[which] = Tf.Constant(x, inputs[which].Shape);
            double minus = objective(probe).Item<double>();
            x[j] = saved;
            result[j] = (plus - minus) / (2 * Step);
        }

        return result;
    }
}
