namespace Nabla.Keras.Tests.AttentionLayers;

/// <summary>Float64 re-implementations, by plain loops, of the einsum and of the attention layers, for the tests to compare with.</summary>
internal static class AttentionReference
{
    /// <summary>A dense array with its shape (row-major).</summary>
    internal sealed record Array64(double[] Values, int[] Shape)
    {
        public static Array64 Of(Tensor t) => new(Tf.Cast(t, DType.Float64).ToArray<double>(), t.Shape.ToArray());

        public int Offset(params int[] index)
        {
            int offset = 0;
            for (int i = 0; i < Shape.Length; i++)
            {
                offset = (offset * Shape[i]) + index[i];
            }

            return offset;
        }

        public double this[params int[] index] => Values[Offset(index)];
    }

    /// <summary>einsum of two operands by visiting every assignment of the equation's letters (no shortcuts to share bugs with).</summary>
    public static Array64 Einsum(string equation, Array64 a, Array64 b)
    {
        string[] sides = equation.Split("->");
        string[] operands = sides[0].Split(',');
        string aAxes = operands[0], bAxes = operands[1], outAxes = sides[1];
        var sizes = new Dictionary<char, int>();
        for (int i = 0; i < aAxes.Length; i++)
        {
            sizes[aAxes[i]] = a.Shape[i];
        }

        for (int i = 0; i < bAxes.Length; i++)
        {
            sizes[bAxes[i]] = b.Shape[i];
        }

        char[] letters = [.. sizes.Keys];
        int[] outShape = [.. outAxes.Select(c => sizes[c])];
        var result = new Array64(new double[outShape.Aggregate(1, (x, y) => x * y)], outShape);
        var value = new Dictionary<char, int>();
        foreach (char c in letters)
        {
            value[c] = 0;
        }

        while (true)
        {
            result.Values[result.Offset([.. outAxes.Select(c => value[c])])] +=
                a[[.. aAxes.Select(c => value[c])]] * b[[.. bAxes.Select(c => value[c])]];
            int k = letters.Length - 1;
            while (k >= 0 && ++value[letters[k]] == sizes[letters[k]])
            {
                value[letters[k]] = 0;
                k--;
            }

            if (k < 0)
            {
                return result;
            }
        }
    }

    /// <summary>
    /// Keras's multi-head attention on (B, T, D) query, (B, S, Dv) value and (B, S, Dk) key, with weights in Keras's order
    /// (query kernel, bias, key kernel, bias, value kernel, bias, output kernel, bias) and a (B, T, S) mask (true: attend).
    /// Returns the output (B, T, O) and the probabilities (B, N, T, S).
    /// </summary>
    public static (Array64 Output, Array64 Scores) MultiHead(Array64 query, Array64 value, Array64 key, IReadOnlyList<Array64> w, bool[,,]? mask)
    {
        int batch = query.Shape[0], t = query.Shape[1], s = value.Shape[1];
        Array64 wq = w[0], bq = w[1], wk = w[2], bk = w[3], wv = w[4], bv = w[5], wo = w[6], bo = w[7];
        int heads = wq.Shape[1], keyDim = wq.Shape[2], valueDim = wv.Shape[2], outputs = wo.Shape[2];
        var output = new Array64(new double[batch * t * outputs], [batch, t, outputs]);
        var scores = new Array64(new double[batch * heads * t * s], [batch, heads, t, s]);
        for (int b = 0; b < batch; b++)
        {
            for (int n = 0; n < heads; n++)
            {
                double[,] q = Project(query, b, wq, bq, n), k = Project(key, b, wk, bk, n), v = Project(value, b, wv, bv, n);
                for (int i = 0; i < t; i++)
                {
                    var logits = new double[s];
                    for (int j = 0; j < s; j++)
                    {
                        for (int h = 0; h < keyDim; h++)
                        {
                            logits[j] += q[i, h] / Math.Sqrt(keyDim) * k[j, h];
                        }

                        logits[j] = mask is null || mask[b, i, j] ? logits[j] : -1e9;
                    }

                    double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
                    for (int j = 0; j < s; j++)
                    {
                        double p = mask is null || mask[b, i, j] ? Math.Exp(logits[j] - max) / sum : 0;
                        scores.Values[scores.Offset(b, n, i, j)] = p;
                        for (int hv = 0; hv < valueDim; hv++)
                        {
                            for (int o = 0; o < outputs; o++)
                            {
                                output.Values[output.Offset(b, i, o)] += p * v[j, hv] * wo[n, hv, o];
                            }
                        }
                    }
                }
            }

            for (int i = 0; i < t; i++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    output.Values[output.Offset(b, i, o)] += bo[o];
                }
            }
        }

        return (output, scores);
    }

    /// <summary>Keras's Attention layer (dot or concat scores, optional scale) with value, query and causal masks.</summary>
    public static (Array64 Output, Array64 Weights) DotAttention(Array64 query, Array64 value, Array64 key, string mode, double? scale,
        double concatWeight, bool[,]? queryMask, bool[,]? valueMask, bool causal)
    {
        int batch = query.Shape[0], t = query.Shape[1], s = value.Shape[1], dim = query.Shape[2], dimV = value.Shape[2];
        var output = new Array64(new double[batch * t * dimV], [batch, t, dimV]);
        var weights = new Array64(new double[batch * t * s], [batch, t, s]);
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < t; i++)
            {
                var logits = new double[s];
                for (int j = 0; j < s; j++)
                {
                    for (int d = 0; d < dim; d++)
                    {
                        logits[j] += mode == "dot"
                            ? query[b, i, d] * key[b, j, d]
                            : concatWeight * Math.Tanh((scale ?? 1) * (query[b, i, d] + key[b, j, d]));
                    }

                    logits[j] *= mode == "dot" ? scale ?? 1 : 1;
                    bool visible = (valueMask is null || valueMask[b, j]) && (!causal || j <= i);
                    logits[j] -= visible ? 0 : 1e9;
                }

                double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
                for (int j = 0; j < s; j++)
                {
                    double p = Math.Exp(logits[j] - max) / sum;
                    weights.Values[weights.Offset(b, i, j)] = p;
                    for (int d = 0; d < dimV; d++)
                    {
                        output.Values[output.Offset(b, i, d)] += queryMask is null || queryMask[b, i] ? p * value[b, j, d] : 0;
                    }
                }
            }
        }

        return (output, weights);
    }

    /// <summary>Asserts equal lengths and every |expected - actual| within tolerance · (1 + |expected|), naming the first miss.</summary>
    public static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}: element {i} is {actual[i]}, expected {expected[i]}");
        }
    }

    /// <summary>Seeded values in [-scale, scale).</summary>
    public static double[] Random(int seed, int count, double scale = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => ((random.NextDouble() * 2) - 1) * scale)];
    }

    /// <summary>A seeded tensor of <paramref name="shape"/> in <paramref name="dtype"/>.</summary>
    public static Tensor RandomTensor(int seed, int[] shape, DType? dtype = null, double scale = 1) =>
        Tf.Cast(Tf.Constant(Random(seed, shape.Aggregate(1, (x, y) => x * y), scale), new Shape(shape)), dtype ?? DType.Float64);

    /// <summary>Assigns seeded values in [-0.8, 0.8) to every variable (biases too, which start at zero).</summary>
    public static void Randomize(Layer layer, int seed)
    {
        foreach (Variable v in layer.Variables)
        {
            v.Assign(RandomTensor(seed++, v.Shape.ToArray(), v.DType, 0.8));
        }
    }

    /// <summary>The (b, s) entries of a mask tensor.</summary>
    public static bool[,] ToArray2(Tensor mask)
    {
        bool[] flat = mask.ToArray<bool>();
        var result = new bool[mask.Shape[0], mask.Shape[1]];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length);
        return result;
    }

    // One head's projection of sample b: (steps, size).
    private static double[,] Project(Array64 x, int b, Array64 kernel, Array64 bias, int head)
    {
        int steps = x.Shape[1], features = x.Shape[2], size = kernel.Shape[2];
        var result = new double[steps, size];
        for (int i = 0; i < steps; i++)
        {
            for (int h = 0; h < size; h++)
            {
                double sum = bias[head, h];
                for (int d = 0; d < features; d++)
                {
                    sum += x[b, i, d] * kernel[d, head, h];
                }

                result[i, h] = sum;
            }
        }

        return result;
    }
}
