namespace Nabla;

/// <summary>
/// Fuses chains of float32 elementwise ops in an execution plan into one <see cref="FusedElementwiseOp"/> each
/// (a tiled interpreter: one pass over memory, intermediates in L1; see ARCHITECTURE.md on why not generated code).
/// A group grows backwards from a root: an elementwise producer of the root's shape joins when every consumer of
/// its value is in the group and the value does not leave the call. Operands from outside are read in full, as one
/// scalar, or cyclically (a bias row: a suffix of the output's shape); anything else stays unfused. The root's step
/// runs the group; the other members' steps do nothing, and their values never get a buffer.
/// Fusion happens on the plan, not the graph: the graph that gradients, printing and exports see keeps its ops.
/// </summary>
internal static class ElementwiseFusion
{
    /// <summary>Whether plans fuse (tests switch it off to compare with the unfused plan).</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>
    /// How deep a member may sit below its group's root (the root is 1). A compiled group evaluates one call per
    /// member, nested as deep as the member, plus one for its input leaves, and the JIT stops inlining ten calls
    /// below the loop (measured on .NET 10): deeper members would make calls for every register, 3-4x slower than
    /// the loop inlined. A longer chain becomes two groups, one extra pass over memory.
    /// </summary>
    internal const int MaxDepth = 9;

    /// <summary>Rewrites the plan's steps: <paramref name="ops"/>, <paramref name="inputs"/> and <paramref name="kinds"/> of each group.</summary>
    public static void Apply(ExecutionPlan plan, Op[] ops, int[][] inputs, StepKind[] kinds)
    {
        if (!Enabled)
        {
            return;
        }

        int n = kinds.Length;
        var fusible = new bool[n];
        for (int i = 0; i < n; i++)
        {
            fusible[i] = IsFusible(plan, ops[i], inputs[i], kinds[i], i);
        }

        int[] consumers = ConsumerCounts(plan, inputs, out bool[] escapes);
        var group = new int[n];
        Array.Fill(group, -1);
        var usesInGroup = new int[n]; // per value: how many of the current group's members read it
        var depth = new int[n]; // per value: how deep the current group's deepest member reading it sits
        var members = new List<int>();
        for (int root = n - 1; root >= 0; root--)
        {
            if (!fusible[root] || group[root] >= 0)
            {
                continue;
            }

            members.Clear();
            members.Add(root);
            group[root] = root;
            CountUses(inputs[root], usesInGroup, 1, depth, 1);
            Grow(plan, inputs, fusible, consumers, escapes, group, usesInGroup, depth, members, root);
            foreach (int m in members)
            {
                CountUses(inputs[m], usesInGroup, -1, depth, 0);
            }

            if (members.Count >= 2)
            {
                members.Sort();
                Fuse(plan, ops, inputs, kinds, members);
            }
        }

        GemmEpilogueFusion.Apply(plan, ops, inputs, kinds, fusible);
        ReductionFusion.Apply(plan, ops, inputs, kinds, fusible);
    }

    // Adds producers until none more can join: a producer's other consumers may join after it is first seen.
    // A producer joins when the group's members are all its consumers (usesInGroup counts their reads) and it sits
    // no deeper than MaxDepth: one below its deepest consumer, which is final since all its consumers are members.
    private static void Grow(ExecutionPlan plan, int[][] inputs, bool[] fusible, int[] consumers, bool[] escapes, int[] group, int[] usesInGroup, int[] depth, List<int> members, int root)
    {
        Shape shape = plan.Specs[root].Shape;
        for (bool grew = true; grew;)
        {
            grew = false;
            for (int m = 0; m < members.Count; m++)
            {
                foreach (int p in inputs[members[m]])
                {
                    if (fusible[p] && group[p] < 0 && !escapes[p] && plan.Specs[p].Shape == shape && usesInGroup[p] == consumers[p]
                        && depth[p] < MaxDepth)
                    {
                        group[p] = root;
                        members.Add(p);
                        CountUses(inputs[p], usesInGroup, 1, depth, depth[p] + 1);
                        grew = true;
                    }
                }
            }
        }
    }

    // Counts a member's reads in (delta 1) or out (-1) of the group; readerDepth is the member's depth, 0 to reset.
    private static void CountUses(int[] reads, int[] usesInGroup, int delta, int[] depth, int readerDepth)
    {
        foreach (int input in reads)
        {
            usesInGroup[input] += delta;
            depth[input] = readerDepth == 0 ? 0 : Math.Max(depth[input], readerDepth);
        }
    }

    internal static int[] ConsumerCounts(ExecutionPlan plan, int[][] inputs, out bool[] escapes)
    {
        var counts = new int[inputs.Length];
        escapes = new bool[inputs.Length];
        foreach (int[] list in inputs)
        {
            foreach (int input in list)
            {
                counts[input]++;
            }
        }

        foreach (int output in plan.Outputs)
        {
            escapes[output] = true;
        }

        return counts;
    }

    // A computed float32 elementwise step whose float32 kernel exists and whose operands can be read by a tile.
    internal static bool IsFusible(ExecutionPlan plan, Op op, int[] inputs, StepKind kind, int i)
    {
        TensorSpec output = plan.Specs[i];
        if (kind != StepKind.Compute || output.DType != DType.Float32 || output.Shape.Size == 0)
        {
            return false;
        }

        bool hasKernel = op switch
        {
            ElementwiseUnaryOp unary => unary.TryApplyFloat32([], []),
            ElementwiseBinaryOp binary => binary.TryApplyFloat32([], [], []),
            _ => false,
        };
        if (!hasKernel)
        {
            return false;
        }

        foreach (int input in inputs)
        {
            if (plan.Specs[input].DType != DType.Float32 || !plan.Specs[input].Shape.IsFullyDefined || KindOf(plan.Specs[input].Shape, output.Shape) is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>How an operand of <paramref name="input"/>'s shape is read at the elements of <paramref name="output"/>'s, or null when a tile cannot.</summary>
    private static FusedOperandKind? KindOf(Shape input, Shape output)
    {
        if (input == output)
        {
            return FusedOperandKind.Full;
        }

        if (input.Size == 1)
        {
            return FusedOperandKind.Scalar;
        }

        // A suffix of the output's dimensions, after dropping the input's leading ones: element i reads i % size.
        int first = 0;
        while (first < input.Rank && input[first] == 1)
        {
            first++;
        }

        int suffix = input.Rank - first;
        if (suffix > output.Rank)
        {
            return null;
        }

        for (int d = 0; d < suffix; d++)
        {
            if (input[first + d] != output[output.Rank - suffix + d])
            {
                return null;
            }
        }

        return FusedOperandKind.Cyclic;
    }

    // Turns the members (in program order, the root last) into one fused step at the root.
    internal static void Fuse(ExecutionPlan plan, Op[] ops, int[][] inputs, StepKind[] kinds, List<int> members)
    {
        int root = members[^1];
        Shape shape = plan.Specs[root].Shape;
        var external = new List<int>();
        var operandKinds = new List<FusedOperandKind>();
        var periods = new List<int>();
        var slotOf = new Dictionary<int, int>();
        var lastUse = LastUses(inputs, members);
        var freeSlots = new Stack<int>();
        int slots = 0;
        var program = new FusedInstruction[members.Count];
        var names = new System.Text.StringBuilder();
        for (int k = 0; k < members.Count; k++)
        {
            int m = members[k];
            int[] operands = inputs[m];
            FusedOperand a = OperandOf(plan, operands[0], shape, slotOf, external, operandKinds, periods);
            FusedOperand b = operands.Length > 1 ? OperandOf(plan, operands[1], shape, slotOf, external, operandKinds, periods) : default;

            // Slots whose last reader is this instruction are free for its own result (kernels may write in place).
            foreach (int operand in operands)
            {
                if (slotOf.TryGetValue(operand, out int s) && lastUse[operand] == m && !freeSlots.Contains(s))
                {
                    freeSlots.Push(s);
                }
            }

            int destination = -1;
            if (m != root)
            {
                destination = freeSlots.Count > 0 ? freeSlots.Pop() : slots++;
                slotOf[m] = destination;
            }

            program[k] = new FusedInstruction(ops[m], a, b, destination);
            names.Append(k == 0 ? string.Empty : ",").Append(ops[m].Name);
        }

        ops[root] = new FusedElementwiseOp(program, [.. operandKinds], [.. periods], slots, names.ToString());
        inputs[root] = [.. external];
        foreach (int m in members)
        {
            if (m != root)
            {
                kinds[m] = StepKind.Fused;
                inputs[m] = [];
            }
        }
    }

    private static FusedOperand OperandOf(ExecutionPlan plan, int node, Shape shape, Dictionary<int, int> slotOf,
        List<int> external, List<FusedOperandKind> kinds, List<int> periods)
    {
        if (slotOf.TryGetValue(node, out int slot))
        {
            return new FusedOperand(FusedOperandKind.Slot, slot);
        }

        int index = external.IndexOf(node);
        if (index < 0)
        {
            index = external.Count;
            external.Add(node);
            Shape input = plan.Specs[node].Shape;
            kinds.Add(KindOf(input, shape)!.Value);
            periods.Add(input.Size);
        }

        return new FusedOperand(kinds[index], index);
    }

    private static Dictionary<int, int> LastUses(int[][] inputs, List<int> members)
    {
        var last = new Dictionary<int, int>();
        foreach (int m in members)
        {
            foreach (int input in inputs[m])
            {
                last[input] = m;
            }
        }

        return last;
    }
}
