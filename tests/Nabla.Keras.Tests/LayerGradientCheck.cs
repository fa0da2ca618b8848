namespace Nabla.Keras.Tests;

/// <summary>
/// Checks the tape's gradients through a layer against central finite differences in float64: the objective is
/// sum(w · layer.Call(x)) with fixed, uneven weights w, differentiated with respect to every trainable variable of
/// the layer and (unless the input is integer, as an Embedding's) the input itself.
/// </summary>
internal static class LayerGradientCheck
{
    public static void Check(Layer layer, Tensor x, bool training = false, string what = "", double tolerance = 1e-5)
    {
        layer.Apply(x, training);
        var parameters = new List<Variable>(layer.TrainableVariables);
        Variable? xv = x.DType.IsFloating ? new Variable(x, name: "x") : null;
        if (xv is not null)
        {
            parameters.Add(xv);
        }

        Shape outShape = layer.Call(xv ?? x, training).Shape;
        Tensor weights = Tf.Constant(Enumerable.Range(0, outShape.Size).Select(i => 0.5 + (i % 7 / 7.0)).ToArray(), outShape);
        Tensor Objective() => Tf.ReduceSum(Tf.Multiply(layer.Call(xv ?? x, training), weights));

        Tensor?[] analytic;
        using (var tape = new GradientTape())
        {
            tape.Watch([.. parameters]);
            analytic = tape.Gradient(Objective(), [.. parameters]);
        }

        for (int p = 0; p < parameters.Count; p++)
        {
            Variable v = parameters[p];
            double[] values = v.ToArray<double>();
            double[] got = analytic[p] is { } g ? g.ToArray<double>() : new double[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + 1e-6;
                v.Assign(Tf.Constant(values, v.Shape));
                double plus = Objective().Item<double>();
                values[i] = saved - 1e-6;
                v.Assign(Tf.Constant(values, v.Shape));
                double minus = Objective().Item<double>();
                values[i] = saved;
                v.Assign(Tf.Constant(values, v.Shape));
                double numeric = (plus - minus) / 2e-6;
                Assert.True(Math.Abs(numeric - got[i]) <= tolerance * (1 + Math.Abs(numeric)), $"{what}: d/d{v.Name}[{i}] tape {got[i]} vs finite difference {numeric}");
            }
        }
    }
}
