namespace Nabla.Keras.Tests.Recurrent;

/// <summary>
/// Keras's recurrent layers re-implemented in float64, one sample and one step at a time, from the formulas of
/// keras/src/layers/rnn/{simple_rnn,lstm,gru}.py and the TensorFlow backend's rnn(): x·kernel + bias, gates in Keras's
/// order (i, f, c, o; z, r, h), a masked step keeping the states and repeating the previous output (zeros before
/// any output, or always zeros with zeroOutputForMask), go_backwards processing (and returning) the reversed sequence.
/// </summary>
internal static class RnnReference
{
    public sealed record Options(
        string Cell,
        int Units,
        string Activation = "tanh",
        string RecurrentActivation = "sigmoid",
        bool GoBackwards = false,
        bool ZeroOutputForMask = false);

    /// <summary>Outputs (batch, time, units) in processing order, and the final states ([h] or [h, c]), flat row-major.</summary>
    public static (double[] Outputs, double[][] States) Run(Options o, double[] x, int batch, int time, int features, double[] kernel,
        double[] recurrentKernel, double[]? bias, bool[]? mask = null, double[][]? initial = null)
    {
        int u = o.Units, gates = o.Cell switch { "lstm" => 4, "gru_after" or "gru_before" => 3, _ => 1 }, width = gates * u;
        int stateCount = o.Cell == "lstm" ? 2 : 1;
        var outputs = new double[batch * time * u];
        var final = new double[stateCount][];
        for (int s = 0; s < stateCount; s++)
        {
            final[s] = new double[batch * u];
        }

        for (int b = 0; b < batch; b++)
        {
            double[] h = initial is null ? new double[u] : initial[0][(b * u)..((b + 1) * u)];
            double[] c = initial is null || stateCount == 1 ? new double[u] : initial[1][(b * u)..((b + 1) * u)];
            var previousOutput = new double[u];
            for (int step = 0; step < time; step++)
            {
                int t = o.GoBackwards ? time - 1 - step : step;
                double[] output;
                if (mask is null || mask[(b * time) + t])
                {
                    var p = new double[width];
                    for (int j = 0; j < width; j++)
                    {
                        p[j] = bias is null ? 0 : bias[j];
                        for (int f = 0; f < features; f++)
                        {
                            p[j] += x[(((b * time) + t) * features) + f] * kernel[(f * width) + j];
                        }
                    }

                    (h, c) = Step(o, p, h, c, recurrentKernel, bias);
                    output = h;
                }
                else
                {
                    output = o.ZeroOutputForMask ? new double[u] : previousOutput;
                }

                output.CopyTo(outputs, ((b * time) + step) * u);
                previousOutput = output;
            }

            h.CopyTo(final[0], b * u);
            if (stateCount == 2)
            {
                c.CopyTo(final[1], b * u);
            }
        }

        return (outputs, final);
    }

    public static double Activate(string name, double v) => name switch
    {
        "tanh" => Math.Tanh(v),
        "sigmoid" => 1 / (1 + Math.Exp(-v)),
        "relu" => Math.Max(0, v),
        "linear" => v,
        _ => throw new ArgumentException(name),
    };

    private static (double[] H, double[] C) Step(Options o, double[] p, double[] h, double[] c, double[] kernel, double[]? bias)
    {
        int u = o.Units, width = p.Length;
        double Act(double v) => Activate(o.Activation, v);
        double Rec(double v) => Activate(o.RecurrentActivation, v);
        double Product(double[] left, int column)
        {
            double sum = 0;
            for (int k = 0; k < u; k++)
            {
                sum += left[k] * kernel[(k * width) + column];
            }

            return sum;
        }

        var next = new double[u];
        var nextC = new double[u];
        for (int j = 0; j < u; j++)
        {
            switch (o.Cell)
            {
                case "simple":
                    next[j] = Act(p[j] + Product(h, j));
                    break;
                case "lstm":
                    double i = Rec(p[j] + Product(h, j)), f = Rec(p[u + j] + Product(h, u + j));
                    double g = Act(p[(2 * u) + j] + Product(h, (2 * u) + j)), og = Rec(p[(3 * u) + j] + Product(h, (3 * u) + j));
                    nextC[j] = (f * c[j]) + (i * g);
                    next[j] = og * Act(nextC[j]);
                    break;
                case "gru_after":
                    // bias is (2, 3u): row 0 went into p, row 1 is the recurrent bias.
                    double RecurrentBias(int col) => bias is null ? 0 : bias[width + col];
                    double z = Rec(p[j] + Product(h, j) + RecurrentBias(j));
                    double r = Rec(p[u + j] + Product(h, u + j) + RecurrentBias(u + j));
                    double hh = Act(p[(2 * u) + j] + (r * (Product(h, (2 * u) + j) + RecurrentBias((2 * u) + j))));
                    next[j] = (z * h[j]) + ((1 - z) * hh);
                    break;
                default:
                    double zb = Rec(p[j] + Product(h, j));
                    var resetH = new double[u];
                    for (int k = 0; k < u; k++)
                    {
                        resetH[k] = Rec(p[u + k] + Product(h, u + k)) * h[k];
                    }

                    double hhb = Act(p[(2 * u) + j] + Product(resetH, (2 * u) + j));
                    next[j] = (zb * h[j]) + ((1 - zb) * hhb);
                    break;
            }
        }

        return (next, o.Cell == "lstm" ? nextC : c);
    }
}
