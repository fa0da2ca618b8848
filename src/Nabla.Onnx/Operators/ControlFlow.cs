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
    private static void AddControlFlow(Dictionary<string, Func<NodeContext, Tensor[]>> ops)
    {
        ops["If"] = If;
        ops["Loop"] = Loop;
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

    private static Tensor[] If(NodeContext n)
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

        return Tf.Cond(condition, () => n.RunSubgraph(thenBranch, []), () => n.RunSubgraph(elseBranch, []));
    }

    /// <summary>
    /// Loop(M, cond, v...): the body (iteration number, condition, v...) → (condition, v..., scan outputs...) runs while
    /// the iteration number is below M (when given) and the condition holds (when given); returns the final v and
    /// each scan output stacked along a new first axis.
    /// </summary>
    private static Tensor[] Loop(NodeContext n)
    {
        GraphProto body = Subgraph(n, "body");
        Tensor? tripCount = n.OptionalInput(0);
        Tensor? condition = n.OptionalInput(1) is { } c ? ScalarOf(c) : null;
        Tensor[] carried = [.. Enumerable.Range(2, Math.Max(0, n.InputCount - 2)).Select(n.Input)];
        int scanOutputs = body.Output.Count - 1 - carried.Length;
        if (scanOutputs < 0 || body.Input.Count != carried.Length + 2)
        {
            throw new ArgumentException(
                $"{n.What}: the body takes {body.Input.Count} inputs and gives {body.Output.Count} outputs for {carried.Length} loop-carried values.");
        }

        if (tripCount?.IsSymbolic == true || condition?.IsSymbolic == true)
        {
            return scanOutputs == 0
                ? TracedLoop(n, body, tripCount, condition, carried)
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
            Tensor[] outputs = n.RunSubgraph(body, [KnownScalar(i), runningTensor, .. carried]);
            runningTensor = ScalarOf(outputs[0]);
            if (runningTensor.IsSymbolic)
            {
                throw n.Unsupported("a Loop whose condition is computed from the function's inputs in a traced function with scan outputs or a known trip count");
            }

            running = runningTensor.Item<bool>();
            carried = outputs[1..(1 + carried.Length)];
            for (int s = 0; s < scanOutputs; s++)
            {
                scans[s].Add(outputs[1 + carried.Length + s]);
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
                Tensor[] outputs = n.RunSubgraph(body, [vars[0], vars[1], .. vars[2..]]);
                return [vars[0] + one, Tf.Reshape(outputs[0], Shape.Scalar), .. outputs[1..]];
            },
            [start, go, .. carried]);
        return final[2..];
    }
}
