using Nabla.Onnx.Protobuf;

namespace Nabla.Onnx;

/// <summary>
/// ONNX's If and Loop. Their branches and bodies are subgraphs that read the enclosing graph's values by name; they
/// run through <see cref="NodeContext.RunSubgraph"/>. Eagerly, and inside a trace when the condition and trip count
/// are known, they run as C# control flow (a Loop is unrolled, so its scan outputs and host-read values such as
/// the iteration number used as a Slice start work); inside a trace with a condition or trip count computed from
/// the function's inputs, If becomes <see cref="Tf.Cond(Tensor, Func{Tensor[]}, Func{Tensor[]})"/> and Loop
/// <see cref="Tf.WhileLoop(Func{Tensor[], Tensor}, Func{Tensor[], Tensor[]}, Tensor[], int?)"/> (without scan outputs).
/// </summary>
internal static partial class OnnxOperators
{
    private static void AddControlFlow(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["If"] = If;
        ops["Loop"] = Loop;
        ops["Scan"] = Scan;
    }

    private static GraphProto Subgraph(NodeContext n, string name) =>
        n.Graph(name) ?? throw new ArgumentException($"{n.What}: the '{name}' subgraph is missing.");

    /// <summary>
    /// <paramref name="t"/> as a scalar; a known value stays known (reshaped eagerly even inside a trace), so that
    /// the branch or the trip count can be read on the host.
    /// </summary>
    private static Tensor ScalarOf(Tensor t)
    {
        if (t.IsSymbolic)
        {
            return Tf.Reshape(t, Shape.Scalar);
        }

        using (Tf.InitScope())
        {
            return Tf.Reshape(t, Shape.Scalar);
        }
    }

    private static object[] If(NodeContext n)
    {
        Tensor condition = ScalarOf(n.Input(0));
        GraphProto thenBranch = Subgraph(n, "then_branch"), elseBranch = Subgraph(n, "else_branch");
        if (condition.DType != DType.Bool)
        {
            throw new ArgumentException($"{n.What}: the condition must be bool, got {condition.DType}.");
        }

        if (!condition.IsSymbolic)
        {
            return n.RunSubgraph(condition.Item<bool>() ? thenBranch : elseBranch, []);
        }

        return Tf.Cond(condition, () => Tensors(n, n.RunSubgraph(thenBranch, [])), () => Tensors(n, n.RunSubgraph(elseBranch, [])));
    }

    /// <summary>Subgraph values that must be tensors: scan outputs, and the values of a traced Cond or while loop.</summary>
    private static Tensor[] Tensors(NodeContext n, object[] values) =>
        Array.ConvertAll(values, v => v as Tensor
            ?? throw n.Unsupported($"a {NodeContext.KindOf(v)} as a scan output or through a branch or loop whose condition is computed from the function's inputs"));

    /// <summary>
    /// Loop(M, cond, v...): the body (iteration number, condition, v...) → (condition, v..., scan outputs...) runs while
    /// the iteration number is below M (when given) and the condition holds (when given); returns the final v and
    /// each scan output stacked along a new first axis.
    /// </summary>
    private static object[] Loop(NodeContext n)
    {
        GraphProto body = Subgraph(n, "body");
        Tensor? tripCount = n.OptionalInput(0);
        Tensor? condition = n.OptionalInput(1) is { } c ? ScalarOf(c) : null;
        object[] carried = [.. Enumerable.Range(2, Math.Max(0, n.InputCount - 2)).Select(n.Value)];
        int scanOutputs = body.Output.Count - 1 - carried.Length;
        if (scanOutputs < 0 || body.Input.Count != carried.Length + 2)
        {
            throw new ArgumentException(
                $"{n.What}: the body takes {body.Input.Count} inputs and gives {body.Output.Count} outputs for {carried.Length} loop-carried values.");
        }

        if (tripCount?.IsSymbolic == true || condition?.IsSymbolic == true)
        {
            return scanOutputs == 0
                ? TracedLoop(n, body, tripCount, condition, Tensors(n, carried))
                : throw n.Unsupported("a Loop with scan outputs whose trip count or condition is computed from the function's inputs");
        }

        long limit = tripCount is null ? long.MaxValue : n.StaticInts(0)[0];
        bool running = condition is null || condition.Item<bool>();
        Tensor runningTensor = KnownScalar(running);
        var scans = new List<Tensor>[scanOutputs];
        for (int s = 0; s < scanOutputs; s++)
        {
            scans[s] = [];
        }

        for (long i = 0; i < limit && running; i++)
        {
            object[] outputs = n.RunSubgraph(body, [KnownScalar(i), runningTensor, .. carried]);
            runningTensor = ScalarOf(Tensors(n, outputs[..1])[0]);
            if (runningTensor.IsSymbolic)
            {
                throw n.Unsupported("a Loop whose condition is computed from the function's inputs in a traced function with scan outputs or a known trip count");
            }

            running = runningTensor.Item<bool>();
            carried = outputs[1..(1 + carried.Length)];
            for (int s = 0; s < scanOutputs; s++)
            {
                scans[s].Add(Tensors(n, outputs[(1 + carried.Length + s)..(2 + carried.Length + s)])[0]);
            }
        }

        if (scanOutputs > 0 && scans[0].Count == 0)
        {
            throw n.Unsupported("a Loop that runs no iteration but has scan outputs (their shape is unknown)");
        }

        return [.. carried, .. scans.Select(s => Tf.Stack([.. s]))];
    }

    /// <summary>A scalar known on the host, also inside a trace (the iteration number a body may slice with).</summary>
    private static Tensor KnownScalar<T>(T value)
        where T : unmanaged
    {
        using (Tf.InitScope())
        {
            return Tf.Constant(new[] { value }, Shape.Scalar);
        }
    }

    /// <summary>Loop as a traced while loop over (iteration number, condition, v...).</summary>
    private static Tensor[] TracedLoop(NodeContext n, GraphProto body, Tensor? tripCount, Tensor? condition, Tensor[] carried)
    {
        Tensor limit = tripCount is null ? KnownScalar(long.MaxValue) : Tf.Reshape(Tf.Cast(tripCount, DType.Int64), Shape.Scalar);
        Tensor start = KnownScalar(0L), one = KnownScalar(1L);
        Tensor go = condition ?? KnownScalar(true);
        Tensor[] final = Tf.WhileLoop(
            vars => Tf.LogicalAnd(Tf.Less(vars[0], limit), vars[1]),
            vars =>
            {
                Tensor[] outputs = Tensors(n, n.RunSubgraph(body, [vars[0], vars[1], .. vars[2..]]));
                return [vars[0] + one, Tf.Reshape(outputs[0], Shape.Scalar), .. outputs[1..]];
            },
            [start, go, .. carried]);
        return final[2..];
    }

    /// <summary>
    /// Scan: the body (states..., one step of each scan input) → (states..., one step of each scan output) runs over
    /// the scan inputs' steps (along scan_input_axes, reversed where scan_input_directions says 1); returns the final
    /// states and the scan outputs stacked along scan_output_axes. Opset 8's form has a leading sequence_lens input
    /// and a batch axis 0 in front of everything: it runs once per batch item, and the results are stacked.
    /// Unrolled over the (known) number of steps, so it traces.
    /// </summary>
    private static object[] Scan(NodeContext n)
    {
        GraphProto body = Subgraph(n, "body");
        int scanInputs = n.Int32("num_scan_inputs", 0);
        int first = n.Opset < 9 ? 1 : 0;
        int states = n.InputCount - first - scanInputs;
        if (states < 0 || body.Input.Count != states + scanInputs || body.Output.Count < states)
        {
            throw new ArgumentException($"{n.What}: {n.InputCount} inputs, {scanInputs} scan inputs and a body of {body.Input.Count} inputs and {body.Output.Count} outputs do not fit.");
        }

        Tensor[] initial = [.. Enumerable.Range(first, states).Select(n.Input)];
        Tensor[] scanned = [.. Enumerable.Range(first + states, scanInputs).Select(n.Input)];
        if (n.Opset >= 9)
        {
            return ScanSteps(n, body, initial, scanned);
        }

        if (n.OptionalInput(0) is not null)
        {
            throw n.Unsupported("opset 8's sequence_lens");
        }

        // Opset 8: axis 0 of every input is the batch; each item is scanned along its (then) first axis.
        int batch = initial.Length > 0 ? initial[0].Shape[0] : scanned[0].Shape[0];
        var perItem = new List<object[]>();
        for (int b = 0; b < batch; b++)
        {
            Tensor item(Tensor t) => Tf.Squeeze(Tf.Slice(t, [b, .. new int[t.Rank - 1]], [1, .. t.Shape.Skip(1)]), [0]);
            perItem.Add(ScanSteps(n, body, [.. initial.Select(item)], [.. scanned.Select(item)]));
        }

        return [.. Enumerable.Range(0, body.Output.Count).Select(j => Tf.Stack([.. perItem.Select(r => (Tensor)r[j])]))];
    }

    private static object[] ScanSteps(NodeContext n, GraphProto body, Tensor[] states, Tensor[] scanned)
    {
        int outputs = body.Output.Count - states.Length;
        int[] inAxes = n.Ints("scan_input_axes") ?? new int[scanned.Length];
        int[] inDirections = n.Ints("scan_input_directions") ?? n.Ints("directions") ?? new int[scanned.Length];
        int[] outAxes = n.Ints("scan_output_axes") ?? new int[outputs];
        int[] outDirections = n.Ints("scan_output_directions") ?? new int[outputs];
        Tensor[][] steps = [.. scanned.Select((t, i) =>
        {
            Tensor[] items = Tf.Unstack(t, n.Axis(inAxes[i], t.Rank));
            return inDirections[i] == 1 ? items.Reverse().ToArray() : items;
        })];
        int count = steps.Length > 0 ? steps[0].Length : 0;
        var collected = new List<Tensor>[outputs];
        for (int j = 0; j < outputs; j++)
        {
            collected[j] = [];
        }

        object[] current = [.. states];
        for (int t = 0; t < count; t++)
        {
            object[] result = n.RunSubgraph(body, [.. current, .. steps.Select(s => s[t])]);
            current = result[..states.Length];
            for (int j = 0; j < outputs; j++)
            {
                collected[j].Add(Tensors(n, result[(states.Length + j)..(states.Length + j + 1)])[0]);
            }
        }

        if (outputs > 0 && count == 0)
        {
            throw n.Unsupported("a Scan over zero steps with scan outputs (their shape is unknown)");
        }

        return [.. current, .. collected.Select((items, j) =>
        {
            if (outDirections[j] == 1)
            {
                items.Reverse();
            }

            return Tf.Stack([.. items], n.Axis(outAxes[j], items[0].Rank + 1));
        })];
    }
}
