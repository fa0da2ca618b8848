using Nabla.Onnx.Protobuf;
using static Nabla.Onnx.Tests.OnnxBuilder;

namespace Nabla.Onnx.Tests;

/// <summary>
/// Imported operators written with Nabla's ops are differentiable: for small float64 models, the gradient of a
/// weighted sum of the outputs with respect to every floating-point initializer (made trainable) matches central
/// finite differences element by element, eagerly and inside Tf.Function.
/// </summary>
public class ImportGradientTests
{
    /// <summary>
    /// Checks every element of every trainable initializer of <paramref name="bytes"/>'s model (whose inputs are
    /// all initializers, so the model takes no arguments).
    /// </summary>
    internal static void CheckGradients(byte[] bytes, int seed = 11, double tolerance = 1e-6)
    {
        OnnxModel model = Load(bytes);
        // The float64 initializers are the differentiable operands; float32 ones (Resize's scales) are settings.
        Variable[] variables = [.. model.MakeTrainable().Where(v => v.DType == DType.Float64)];
        Assert.NotEmpty(variables);
        var random = new Random(seed);
        Tensor[] first = model.Call();
        Tensor[] projections = [.. first.Select(o => Tf.Constant([.. Enumerable.Range(0, o.Shape.Size).Select(_ => random.NextDouble() - 0.5)], o.Shape))];
        Tensor Loss(Tensor[] outputs)
        {
            Tensor total = Tf.ReduceSum(outputs[0] * projections[0]);
            for (int i = 1; i < outputs.Length; i++)
            {
                total += Tf.ReduceSum(outputs[i] * projections[i]);
            }

            return total;
        }

        Tensor?[] eager;
        using (var tape = new GradientTape())
        {
            eager = tape.Gradient(Loss(model.Call()), [.. variables]);
        }

        var traced = Tf.Function<Tensor[], Tensor[]>(_ =>
        {
            using var tape = new GradientTape();
            Tensor loss = Loss(model.Call());
            return [.. tape.Gradient(loss, [.. variables]).Select(g => g!)];
        });
        Tensor[] tracedGradients = traced.Invoke([Tf.Constant(new[] { 0.0 }, new Shape(1))]);

        const double h = 1e-6;
        for (int v = 0; v < variables.Length; v++)
        {
            Variable variable = variables[v];
            Assert.True(eager[v] is not null, $"{variable.Name}: no gradient");
            double[] analytic = eager[v]!.ToArray<double>(), tracedValues = tracedGradients[v].ToArray<double>();
            double[] original = variable.ToArray<double>();
            for (int e = 0; e < original.Length; e++)
            {
                double[] moved = (double[])original.Clone();
                moved[e] += h;
                variable.Assign(Tf.Constant(moved, variable.Shape));
                double plus = Loss(model.Call()).ToArray<double>()[0];
                moved[e] -= 2 * h;
                variable.Assign(Tf.Constant(moved, variable.Shape));
                double minus = Loss(model.Call()).ToArray<double>()[0];
                variable.Assign(Tf.Constant(original, variable.Shape));
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(analytic[e] - numeric) <= tolerance * Math.Max(1, Math.Abs(numeric)),
                    $"{variable.Name}[{e}]: analytic {analytic[e]}, numeric {numeric}");
                Assert.True(Math.Abs(tracedValues[e] - analytic[e]) <= 1e-12 * Math.Max(1, Math.Abs(analytic[e])),
                    $"{variable.Name}[{e}]: traced {tracedValues[e]}, eager {analytic[e]}");
            }
        }
    }

    internal static double[] Draw(Random random, int n) => [.. Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2) - 1)];

    [Theory]
    [InlineData("linear", "half_pixel")]
    [InlineData("cubic", "align_corners")]
    [InlineData("nearest", "asymmetric")]
    [InlineData("linear", "tf_crop_and_resize")]
    public void Resize_GradientsMatchFiniteDifferences(string mode, string transformation)
    {
        var random = new Random(3);
        byte[] bytes = Model(
            [Node("Resize", ["x", "roi", "scales"], ["y"], String("mode", mode), String("coordinate_transformation_mode", transformation), Float32("extrapolation_value", 0.5f))],
            [],
            [Value("y", Float64, 1, 2, 5, 4)],
            [
                Initializer("x", Draw(random, 1 * 2 * 3 * 4), 1, 2, 3, 4),
                FloatInitializer("roi", [0, 0, 0.1f, -0.2f, 1, 1, 0.9f, 1.1f], 8),
                FloatInitializer("scales", [1, 1, 1.7f, 1], 4),
            ],
            opset: 13);
        CheckGradients(bytes);
    }

    internal static TensorProto FloatInitializer(string name, float[] values, params int[] dims) => Initializer(name, values, dims);

    internal static TensorProto Int32Initializer(string name, int[] values)
    {
        var t = new TensorProto { Name = name, DataType = 6 };
        t.Dims.Add(values.Length);
        t.Int32Data.AddRange(values);
        return t;
    }
}
