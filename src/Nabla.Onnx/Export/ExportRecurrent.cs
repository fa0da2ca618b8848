namespace Nabla.Onnx;

/// <summary>
/// Nabla's fused recurrent ops (<c>Lstm</c>, <c>Gru</c>, <c>SimpleRnn</c>: the Keras layers' time loops) as ONNX's
/// LSTM, GRU and RNN nodes. Nabla's op takes the input projection <c>x·W + b</c> (batch, time, gates·units), computed
/// by the exported MatMul and Add before it, the recurrent kernel U (units, gates·units) in Keras's gate order, the
/// initial states, and for GRU the recurrent bias. ONNX's node computes <c>X·Wᵀ</c> itself and wants its own gate
/// order (LSTM i, o, f, c against Keras's i, f, c, o; GRU's z, r, h is Keras's), so:
/// <list type="bullet">
/// <item>X is the projection, time-major, and W a permutation matrix that puts its gates in ONNX's order (products by 1
/// and sums of 0: exact);</item>
/// <item>R is U with its gate columns reordered, transposed (ONNX Runtime folds that at load time);</item>
/// <item>B is zeros for the input half (the projection holds that bias) and GRU's recurrent bias
/// (<c>linear_before_reset</c> is Keras's <c>reset_after</c>).</item>
/// </list>
/// Nabla's op returns the states after every step, LSTM's cell state too, which ONNX's LSTM gives only for the
/// last step; and a Keras mask keeps the previous state on any masked step, which ONNX's sequence_lens (a prefix per
/// sequence) cannot say. So an LSTM, and any masked op, is written one ONNX node per step (the time axis is known
/// when traced), each step's states kept where the mask is false with Where; an unmasked GRU or RNN is one node.
/// </summary>
internal static class ExportRecurrent
{
    public static readonly string[] OpTypes = ["Gru", "Lstm", "SimpleRnn"];

    public static void Write(GraphWriter w, GraphOperation op, string[] inputs, string output)
    {
        IReadOnlyDictionary<string, object> a = op.Attributes;
        bool lstm = op.Type == "Lstm";
        string onnx = op.Type switch { "Lstm" => "LSTM", "Gru" => "GRU", _ => "RNN" };
        int gates = op.Type switch { "Lstm" => 4, "Gru" => 3, _ => 1 };
        Shape projection = w.Operation(op.Inputs[0]).Output.Shape;
        int units = w.Operation(op.Inputs[1]).Output.Shape[0];
        int steps = projection.Dimension(1)
            ?? throw new NotSupportedException($"ONNX export: {op.Type} '{op.Name}' needs a known number of time steps (its input is {projection}).");
        int next = lstm ? 4 : 3;
        string? recurrentBias = (bool)a["has_bias"] ? inputs[next++] : null;
        string? mask = (bool)a["has_mask"] ? inputs[next] : null;
        string name = op.Name;
        string axis0 = w.Int64Constant(name + "/axis0", [0]), axis1 = w.Int64Constant(name + "/axis1", [1]);

        // ONNX gate k reads Keras gate order[k].
        int[] order = lstm ? [0, 3, 1, 2] : [.. Enumerable.Range(0, gates)];
        int width = gates * units;
        var permutation = new double[width * width];
        var columns = new long[width];
        for (int k = 0; k < gates; k++)
        {
            for (int j = 0; j < units; j++)
            {
                permutation[(((k * units) + j) * width) + (order[k] * units) + j] = 1;
                columns[(k * units) + j] = (order[k] * units) + j;
            }
        }

        DType dtype = op.Output.DType;
        string weights = w.TensorConstant(name + "/W", Tf.Cast(Tf.Constant(permutation, new Shape(1, width, width)), dtype));
        string reordered = Node(w, "Gather", name + "/R_gates", [inputs[1], w.Int64Constant(name + "/R_columns", columns)], GraphWriter.Attribute("axis", 1));
        string transposed = Node(w, "Transpose", name + "/R_t", [reordered], GraphWriter.Attribute("perm", [1L, 0L]));
        string recurrent = Node(w, "Unsqueeze", name + "/R", [transposed, axis0]);
        string bias = "";
        if (recurrentBias is not null)
        {
            string zeros = w.TensorConstant(name + "/B_input", Tf.Zeros(new Shape(width), dtype));
            string both = Node(w, "Concat", name + "/B_both", [zeros, recurrentBias], GraphWriter.Attribute("axis", 0));
            bias = Node(w, "Unsqueeze", name + "/B", [both, axis0]);
        }

        var attributes = new List<Protobuf.AttributeProto> { GraphWriter.Attribute("hidden_size", units) };
        if (op.Type == "Gru")
        {
            attributes.Add(GraphWriter.Attribute("linear_before_reset", (bool)a["reset_after"] ? 1 : 0));
        }
        else if (op.Type == "SimpleRnn")
        {
            attributes.Add(GraphWriter.Strings("activations", (string)a["activation"] == "relu" ? "Relu" : "Tanh"));
        }

        string x = Node(w, "Transpose", name + "/X", [inputs[0]], GraphWriter.Attribute("perm", [1L, 0L, 2L]));
        // A zero initial state (the Keras layers' default, a constant of the traced batch) is ONNX's default: "".
        string[] initial = [.. inputs[2..(lstm ? 4 : 3)].Select((s, i) => IsZeros(w, op.Inputs[2 + i]) ? "" : Node(w, "Unsqueeze", $"{name}/initial_{i}", [s, axis0]))];
        if (mask is null && !lstm)
        {
            // One node over the whole sequence: Y is (time, 1, batch, units).
            var node = w.AddNode(onnx, name + "/" + onnx, [x, weights, recurrent, bias, "", initial[0]], w.Unique(name + "/Y"), [.. attributes]);
            string squeezed = Node(w, "Squeeze", name + "/Y_squeezed", [node.Output[0], axis1]);
            w.AddNode("Transpose", w.Unique(name + "/batch_major"), [squeezed], output, GraphWriter.Attribute("perm", [1L, 0L, 2L]));
            return;
        }

        string[] states = initial;
        var history = new List<string>[states.Length];
        for (int s = 0; s < states.Length; s++)
        {
            history[s] = [];
        }

        for (int t = 0; t < steps; t++)
        {
            string step = $"{name}/step{t}";
            string xt = Node(w, "Slice", step + "/x", [x, w.Int64Constant(step + "/start", [t]), w.Int64Constant(step + "/end", [t + 1]), axis0]);
            string[] nodeInputs = [xt, weights, recurrent, bias, "", .. states];
            string[] outputs = [.. states.Select((_, s) => w.Unique($"{step}/state{s}"))];
            var node = w.AddNode(onnx, step + "/" + onnx, nodeInputs, outputs[0], [.. attributes]);
            node.Output.Clear();
            node.Output.AddRange(["", .. outputs]);   // Y is not needed: Y_h (and Y_c) are the states after this step
            if (mask is not null)
            {
                // A masked step keeps the previous states (Keras's rule): mask[:, t] as (1, batch, 1).
                string mt = Node(w, "Slice", step + "/mask", [mask, w.Int64Constant(step + "/start", [t]), w.Int64Constant(step + "/end", [t + 1]), axis1]);
                string keep = Node(w, "Unsqueeze", step + "/mask3", [mt, axis0]);
                outputs = [.. outputs.Select((o, s) => Node(w, "Where", $"{step}/kept{s}", [keep, o, states[s].Length > 0 ? states[s] : ZerosLike(w, o, $"{step}/zeros{s}", dtype)]))];
            }

            states = outputs;
            for (int s = 0; s < states.Length; s++)
            {
                history[s].Add(states[s]);
            }
        }

        // (time, batch, units) per state, batch-major, and LSTM's h and c side by side as Nabla's op returns them.
        string[] sequences = [.. history.Select((h, s) => Node(w, "Transpose", $"{name}/sequence{s}",
            [Node(w, "Concat", $"{name}/steps{s}", [.. h], GraphWriter.Attribute("axis", 0))], GraphWriter.Attribute("perm", [1L, 0L, 2L])))];
        w.AddNode(sequences.Length == 1 ? "Identity" : "Concat", w.Unique(name + "/states"), sequences, output,
            sequences.Length == 1 ? [] : [GraphWriter.Attribute("axis", 2)]);
    }

    private static bool IsZeros(GraphWriter w, int id) =>
        w.Operation(id) is { Type: "Const", Value: { } value } && value is not Variable && Tf.ReduceAll(Tf.Equal(value, Tf.ZerosLike(value))).Item<bool>();

    /// <summary>Zeros of <paramref name="like"/>'s (runtime) shape and dtype.</summary>
    private static string ZerosLike(GraphWriter w, string like, string stem, DType dtype)
    {
        string shape = Node(w, "Shape", stem + "/shape", [like]);
        var zero = new Protobuf.AttributeProto
        {
            Name = "value",
            Type = Protobuf.AttributeProto.Types.AttributeType.Tensor,
            T = OnnxTensors.ToProto(Tf.Zeros(new Shape(1), dtype), "zero"),
        };
        return Node(w, "ConstantOfShape", stem, [shape], zero);
    }

    /// <summary>Adds a one-output node named and valued after <paramref name="stem"/>; returns the value's name.</summary>
    private static string Node(GraphWriter w, string opType, string stem, string[] inputs, params Protobuf.AttributeProto[] attributes)
    {
        string value = w.Unique(stem);
        w.AddNode(opType, value, inputs, value, attributes);
        return value;
    }
}
