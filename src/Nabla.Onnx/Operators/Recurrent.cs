namespace Nabla.Onnx;

/// <summary>
/// ONNX's RNN, GRU and LSTM, unrolled over the (statically known) sequence with Nabla's ops, so they are
/// differentiable and trace like any other graph. ONNX's layouts, not Keras's: weights are
/// [directions, gates·hidden, input] with the gates in ONNX's order (LSTM i, o, f, c; GRU z, r, h), biases hold the
/// input and the recurrent bias side by side, X is [seq, batch, input] (layout 1: [batch, seq, input]).
/// Directions forward, reverse and bidirectional; sequence_lens (a step past a sequence's length keeps the state and
/// outputs 0, and the reverse direction starts from each sequence's own last step); the activations, clip,
/// LSTM's peepholes and input_forget, GRU's linear_before_reset.
/// </summary>
internal static partial class OnnxOperators
{
    private enum RecurrentKind
    {
        Rnn,
        Gru,
        Lstm,
    }

    private static void AddRecurrent(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["RNN"] = n => Recurrent(n, RecurrentKind.Rnn);
        ops["GRU"] = n => Recurrent(n, RecurrentKind.Gru);
        ops["LSTM"] = n => Recurrent(n, RecurrentKind.Lstm);
    }

    /// <summary>One direction's weights: W and R transposed to [input, gates·hidden] and [hidden, gates·hidden], the two biases.</summary>
    private sealed record DirectionWeights(Tensor Wt, Tensor Rt, Tensor InputBias, Tensor RecurrentBias, Tensor? Peepholes);

    private static Tensor[] Recurrent(NodeContext n, RecurrentKind kind)
    {
        int gates = kind switch { RecurrentKind.Rnn => 1, RecurrentKind.Gru => 3, _ => 4 };
        bool batchMajor = n.Int("layout", 0) != 0;
        Tensor x = n.Input(0);
        if (batchMajor)
        {
            x = Tf.Transpose(x, [1, 0, 2]);
        }

        int[] xShape = KnownShape(n, x).ToArray();
        (int steps, int batch) = (xShape[0], xShape[1]);
        string direction = n.String("direction", "forward");
        int directions = direction switch
        {
            "forward" or "reverse" => 1,
            "bidirectional" => 2,
            _ => throw new ArgumentException($"{n.What}: direction '{direction}' is not forward, reverse or bidirectional."),
        };
        Tensor w = n.Input(1), r = n.Input(2);
        int hidden = n.HasAttribute("hidden_size") ? n.Int32("hidden_size", 0) : r.Shape[^1];
        if (w.Rank != 3 || w.Shape[0] != directions || w.Shape[1] != gates * hidden || r.Shape[0] != directions || r.Shape[1] != gates * hidden || r.Shape[2] != hidden)
        {
            throw new ArgumentException(
                $"{n.What}: W {w.Shape} and R {r.Shape} do not fit {directions} direction(s) of {gates} gate(s) of hidden size {hidden}.");
        }

        Func<Tensor, Tensor>[] activations = RecurrentActivations(n, kind, directions);
        double? clip = n.HasAttribute("clip") ? n.Float("clip", 0f) : null;
        Tensor? lengths = n.OptionalInput(4);
        Tensor[] initialH = InitialState(n, 5, batchMajor, directions, batch, hidden, x.DType);
        Tensor[] initialC = kind == RecurrentKind.Lstm ? InitialState(n, 6, batchMajor, directions, batch, hidden, x.DType) : [];
        Tensor[] ws = Tf.Unstack(w), rs = Tf.Unstack(r);
        Tensor[]? bs = n.OptionalInput(3) is { } b ? Tf.Unstack(b) : null;
        Tensor[]? ps = kind == RecurrentKind.Lstm && n.OptionalInput(7) is { } p ? Tf.Unstack(p) : null;

        var ys = new Tensor[directions];
        var hs = new Tensor[directions];
        var cs = new Tensor[directions];
        for (int d = 0; d < directions; d++)
        {
            Tensor zerosBias = Tf.Zeros(new Shape(gates * hidden), x.DType);
            Tensor[] biases = bs is null ? [zerosBias, zerosBias] : Tf.Split(bs[d], 2);
            var weights = new DirectionWeights(Tf.Transpose(ws[d]), Tf.Transpose(rs[d]), biases[0], biases[1], ps?[d]);
            bool reverse = direction == "reverse" || d == 1;
            Tensor sequence = reverse && lengths is not null ? ReverseWithinLengths(x, lengths, steps, batch) : x;
            // The input projections of every step at once: [seq, batch, gates·hidden].
            Tensor[] projected = Tf.Unstack(Tf.Tensordot(sequence, weights.Wt, [2], [0]) + weights.InputBias);
            Func<Tensor, Tensor>[] f = activations[(d * activations.Length / directions)..((d + 1) * activations.Length / directions)];
            Tensor h = initialH[d], c = kind == RecurrentKind.Lstm ? initialC[d] : h;
            var outputs = new Tensor[steps];
            for (int i = 0; i < steps; i++)
            {
                // Without lengths, the reverse direction walks the steps backwards; with them the input was reversed.
                int t = reverse && lengths is null ? steps - 1 - i : i;
                (Tensor newH, Tensor newC) = kind switch
                {
                    RecurrentKind.Rnn => (Clipped(f[0], clip, projected[t] + Tf.MatMul(h, weights.Rt) + weights.RecurrentBias), c),
                    RecurrentKind.Gru => (GruStep(n, f, clip, weights, projected[t], h, hidden), c),
                    _ => LstmStep(n, f, clip, weights, projected[t], h, c),
                };
                if (lengths is not null)
                {
                    // Past a sequence's length the state stays and the output is 0.
                    Tensor running = Tf.Cast(Tf.ExpandDims(Tf.Less(Tf.Cast(Tf.Constant(new long[] { i }, Shape.Scalar), lengths.DType), lengths), -1), x.DType);
                    Tensor stopped = Scalar(1, x) - running;
                    outputs[t] = newH * running;
                    newH = (newH * running) + (h * stopped);
                    newC = (newC * running) + (c * stopped);
                }
                else
                {
                    outputs[t] = newH;
                }

                (h, c) = (newH, newC);
            }

            Tensor y = Tf.Stack(outputs);
            ys[d] = reverse && lengths is not null ? ReverseWithinLengths(y, lengths, steps, batch) : y;
            hs[d] = h;
            cs[d] = c;
        }

        Tensor yAll = Tf.Stack(ys, 1), hAll = Tf.Stack(hs), cAll = Tf.Stack(cs); // [seq, dir, batch, hidden], [dir, batch, hidden]
        return batchMajor
            ? [Tf.Transpose(yAll, [2, 0, 1, 3]), Tf.Transpose(hAll, [1, 0, 2]), Tf.Transpose(cAll, [1, 0, 2])]
            : [yAll, hAll, cAll];
    }

    private static Tensor Clipped(Func<Tensor, Tensor> activation, double? clip, Tensor x) =>
        activation(clip is { } c ? Tf.ClipByValue(x, Scalar(-c, x), Scalar(c, x)) : x);

    /// <summary>ONNX's GRU step: z, r from the input and the state; the candidate h with linear_before_reset or not.</summary>
    private static Tensor GruStep(NodeContext n, Func<Tensor, Tensor>[] f, double? clip, DirectionWeights w, Tensor projected, Tensor h, int hidden)
    {
        Tensor[] inputParts = Tf.Split(projected, [2 * hidden, hidden], -1);
        Tensor[] recurrentWeights = Tf.Split(w.Rt, [2 * hidden, hidden], -1);
        Tensor[] recurrentBias = Tf.Split(w.RecurrentBias, [2 * hidden, hidden]);
        Tensor[] zr = Tf.Split(Clipped(f[0], clip, inputParts[0] + Tf.MatMul(h, recurrentWeights[0]) + recurrentBias[0]), 2, -1);
        (Tensor z, Tensor r) = (zr[0], zr[1]);
        Tensor candidate = n.Int("linear_before_reset", 0) != 0
            ? Clipped(f[1], clip, inputParts[1] + (r * (Tf.MatMul(h, recurrentWeights[1]) + recurrentBias[1])))
            : Clipped(f[1], clip, inputParts[1] + Tf.MatMul(r * h, recurrentWeights[1]) + recurrentBias[1]);
        return ((Scalar(1, h) - z) * candidate) + (z * h);
    }

    /// <summary>ONNX's LSTM step (gates i, o, f, c; peepholes i, o, f; input_forget couples f to 1 − i).</summary>
    private static (Tensor H, Tensor C) LstmStep(NodeContext n, Func<Tensor, Tensor>[] f, double? clip, DirectionWeights w, Tensor projected, Tensor h, Tensor c)
    {
        Tensor[] g = Tf.Split(projected + Tf.MatMul(h, w.Rt) + w.RecurrentBias, 4, -1);
        Tensor[]? p = w.Peepholes is { } peepholes ? Tf.Split(peepholes, 3) : null;
        Tensor input = Clipped(f[0], clip, p is null ? g[0] : g[0] + (p[0] * c));
        Tensor forget = n.Int("input_forget", 0) != 0
            ? Scalar(1, input) - input
            : Clipped(f[0], clip, p is null ? g[2] : g[2] + (p[2] * c));
        Tensor cell = (forget * c) + (input * Clipped(f[1], clip, g[3]));
        Tensor output = Clipped(f[0], clip, p is null ? g[1] : g[1] + (p[1] * cell));
        return (output * f[2](cell), cell);
    }

    /// <summary>initial_h or initial_c per direction, [batch, hidden] each (zeros when omitted).</summary>
    private static Tensor[] InitialState(NodeContext n, int index, bool batchMajor, int directions, int batch, int hidden, DType dtype)
    {
        if (n.OptionalInput(index) is not { } state)
        {
            return [.. Enumerable.Repeat(Tf.Zeros(new Shape(batch, hidden), dtype), directions)];
        }

        return Tf.Unstack(state, batchMajor ? 1 : 0);
    }

    /// <summary>
    /// Reverses each batch entry's first lengths[b] steps of a [seq, batch, ...] tensor, leaving the steps past its
    /// length in place (its own inverse, so it also puts the reverse direction's outputs back in order).
    /// </summary>
    private static Tensor ReverseWithinLengths(Tensor x, Tensor lengths, int steps, int batch)
    {
        Tensor t = Tf.Reshape(Tf.Range(0, steps, 1, DType.Int64), new Shape(steps, 1));
        Tensor length = Tf.Reshape(Tf.Cast(lengths, DType.Int64), new Shape(1, batch));
        Tensor source = Tf.Where(Tf.Less(t, length), length - Scalar(1, length) - t, t * Tf.OnesLike(length));
        // A one-hot [step, entry, source step] permutation: a product rather than a gather, so it traces with any lengths.
        return Tf.Einsum("tbs,sbi->tbi", Tf.OneHot(source, steps, dtype: x.DType), x);
    }

    /// <summary>
    /// The activations per direction (LSTM: f, g, h; GRU: f, g; RNN: f), by ONNX's names, with activation_alpha and
    /// activation_beta taken in order by the activations that have them (ONNX's operator defaults otherwise).
    /// </summary>
    private static Func<Tensor, Tensor>[] RecurrentActivations(NodeContext n, RecurrentKind kind, int directions)
    {
        string[] defaults = kind switch { RecurrentKind.Rnn => ["Tanh"], RecurrentKind.Gru => ["Sigmoid", "Tanh"], _ => ["Sigmoid", "Tanh", "Tanh"] };
        string[] names = n.Strings("activations") is { Length: > 0 } given ? given : [.. Enumerable.Repeat(defaults, directions).SelectMany(a => a)];
        if (names.Length == defaults.Length && directions == 2)
        {
            names = [.. names, .. names];
        }

        if (names.Length != defaults.Length * directions)
        {
            throw new ArgumentException($"{n.What}: {names.Length} activations given, {defaults.Length * directions} expected.");
        }

        float[] alphas = n.Floats("activation_alpha") ?? [], betas = n.Floats("activation_beta") ?? [];
        int nextAlpha = 0, nextBeta = 0;
        double Alpha(double fallback) => nextAlpha < alphas.Length ? alphas[nextAlpha++] : fallback;
        double Beta(double fallback) => nextBeta < betas.Length ? betas[nextBeta++] : fallback;
        var result = new Func<Tensor, Tensor>[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            result[i] = names[i].ToUpperInvariant() switch
            {
                "SIGMOID" => Tf.Sigmoid,
                "TANH" => Tf.Tanh,
                "RELU" => Tf.Nn.Relu,
                "SOFTSIGN" => Tf.Nn.Softsign,
                "SOFTPLUS" => Tf.Nn.Softplus,
                "LEAKYRELU" => LeakyRelu(Alpha(0.01)),
                "THRESHOLDEDRELU" => ThresholdedRelu(Alpha(1)),
                "ELU" => Elu(Alpha(1)),
                "HARDSIGMOID" => HardSigmoid(Alpha(0.2), Beta(0.5)),
                "AFFINE" => Affine(Alpha(1), Beta(0)),
                "SCALEDTANH" => ScaledTanh(Alpha(1), Beta(1)),
                _ => throw n.Unsupported($"activation '{names[i]}'"),
            };
        }

        return result;

        static Func<Tensor, Tensor> LeakyRelu(double alpha) => x => Tf.Nn.LeakyRelu(x, alpha);
        static Func<Tensor, Tensor> ThresholdedRelu(double alpha) => x => Tf.Where(Tf.Greater(x, Scalar(alpha, x)), x, Tf.ZerosLike(x));
        static Func<Tensor, Tensor> Elu(double alpha) => x => OnnxOperators.Elu(x, alpha);
        static Func<Tensor, Tensor> HardSigmoid(double alpha, double beta) => x => OnnxOperators.HardSigmoid(x, alpha, beta);
        static Func<Tensor, Tensor> Affine(double alpha, double beta) => x => (alpha * x) + Scalar(beta, x);
        static Func<Tensor, Tensor> ScaledTanh(double alpha, double beta) => x => alpha * Tf.Tanh(beta * x);
    }
}
