namespace Nabla;

/// <summary>Where each value of a plan lives: an arena buffer (by index), or -1 for a fresh or external buffer.</summary>
/// <param name="Slot">Per node: the arena buffer its output is written to (or, for a view, the buffer it shows).</param>
/// <param name="BufferTypes">Per arena buffer: the dtype of its elements.</param>
/// <param name="BufferLengths">Per arena buffer: its length in elements (the largest value it holds).</param>
internal sealed record MemoryPlan(int[] Slot, DType[] BufferTypes, int[] BufferLengths)
{
    /// <summary>The arena's size in bytes.</summary>
    public long ArenaBytes
    {
        get
        {
            long total = 0;
            for (int i = 0; i < BufferLengths.Length; i++)
            {
                total += (long)BufferLengths[i] * BufferTypes[i].Size;
            }

            return total;
        }
    }
}

/// <summary>
/// Buffer assignment by liveness over the plan's program order (XLA's buffer assignment in miniature): a value's
/// buffer is free again after its last use (and the last use of every view of it); a computed value takes a free
/// buffer of its element type large enough (the smallest such), or writes in place over an input that dies at
/// this step when the op is elementwise and that input has the output's shape. Values that leave the call (outputs,
/// values stored into variables, random numbers a backward function may keep) get fresh buffers per call, and so
/// do values whose size is only known when they are computed (<see cref="StepKind.Dynamic"/>); a dynamic view keeps
/// the buffer it shows alive like any view.
/// </summary>
internal static class MemoryPlanner
{
    private const int Escapes = int.MaxValue;

    public static MemoryPlan Plan(ExecutionPlan plan)
    {
        int n = plan.Nodes.Length;
        int[] root = Roots(plan);
        int[] rootLastUse = RootLastUses(plan, root);
        var slot = new int[n];
        Array.Fill(slot, -1);
        var types = new List<DType>();
        var lengths = new List<int>();
        var free = new List<int>();
        var dying = new List<int>();
        for (int i = 0; i < n; i++)
        {
            StepKind kind = plan.Kinds[i];
            if (kind == StepKind.Alias)
            {
                slot[i] = slot[root[i]];
            }
            else if (kind == StepKind.Compute && rootLastUse[i] != Escapes)
            {
                int size = plan.Specs[i].Shape.Size;
                slot[i] = InPlaceSlot(plan, i, root, rootLastUse, slot, lengths, size)
                    ?? TakeFree(free, types, lengths, plan.Specs[i].DType, size)
                    ?? NewBuffer(types, lengths, plan.Specs[i].DType, size);
            }

            // Buffers whose last reader ran at this step are free for the steps after it (a buffer taken over in
            // place belongs to this step's output now).
            dying.Clear();
            foreach (int input in plan.Inputs[i])
            {
                int r = root[input];
                if (rootLastUse[r] == i && slot[r] >= 0 && slot[r] != slot[i] && !dying.Contains(slot[r]))
                {
                    dying.Add(slot[r]);
                }
            }

            free.AddRange(dying);
            if (slot[i] >= 0 && rootLastUse[root[i]] <= i && kind == StepKind.Compute)
            {
                free.Add(slot[i]); // computed and never read (kept for its side effects on nothing): reuse at once
            }
        }

        return new MemoryPlan(slot, [.. types], [.. lengths]);
    }

    /// <summary>For each node, the node whose buffer holds its value: itself, or for a view the viewed node's root.</summary>
    private static int[] Roots(ExecutionPlan plan)
    {
        var root = new int[plan.Nodes.Length];
        for (int i = 0; i < root.Length; i++)
        {
            root[i] = plan.IsView(i) ? root[plan.Inputs[i][plan.Nodes[i].Op.AliasedInput]] : i;
        }

        return root;
    }

    /// <summary>For each root, the last step that reads it or any view of it; <see cref="Escapes"/> when one leaves the call.</summary>
    private static int[] RootLastUses(ExecutionPlan plan, int[] root)
    {
        var last = new int[plan.Nodes.Length];
        Array.Fill(last, -1);
        for (int i = 0; i < last.Length; i++)
        {
            StepKind kind = plan.Kinds[i];
            foreach (int input in plan.Inputs[i])
            {
                int r = root[input];
                // A value stored into a variable lives on in it; one an op of unknown behaviour receives may be kept.
                last[r] = kind is StepKind.Assign or StepKind.Evaluate ? Escapes : Math.Max(last[r], i);
            }

            if (kind == StepKind.Random)
            {
                last[i] = Escapes; // a backward function may keep the numbers drawn
            }
        }

        foreach (int output in plan.Outputs)
        {
            last[root[output]] = Escapes;
        }

        return last;
    }

    private static int? InPlaceSlot(ExecutionPlan plan, int i, int[] root, int[] rootLastUse, int[] slot, List<int> lengths, int size)
    {
        if (!IsElementwise(plan.Ops[i]))
        {
            return null;
        }

        TensorSpec output = plan.Specs[i];
        int[] inputs = plan.Inputs[i];
        for (int j = 0; j < inputs.Length; j++)
        {
            int r = root[inputs[j]];
            TensorSpec input = plan.Specs[inputs[j]];

            // The input dies here and is read element for element as the output is written (same shape, same storage).
            if (rootLastUse[r] == i && slot[r] >= 0 && input.Shape == output.Shape && input.DType.ClrType == output.DType.ClrType
                && lengths[slot[r]] >= size && CountOf(inputs, inputs[j]) == 1)
            {
                return slot[r];
            }
        }

        return null;
    }

    /// <summary>Whether the op reads an input of the output's shape only at the index it writes (so it may write over it).</summary>
    internal static bool IsElementwise(Op op) => op is ElementwiseUnaryOp or ElementwiseBinaryOp or FusedElementwiseOp;

    private static int CountOf(int[] inputs, int value)
    {
        int count = 0;
        foreach (int x in inputs)
        {
            count += x == value ? 1 : 0;
        }

        return count;
    }

    private static int? TakeFree(List<int> free, List<DType> types, List<int> lengths, DType dtype, int size)
    {
        int best = -1;
        for (int k = 0; k < free.Count; k++)
        {
            int b = free[k];
            if (types[b].ClrType == dtype.ClrType && lengths[b] >= size && (best < 0 || lengths[b] < lengths[free[best]]))
            {
                best = k;
            }
        }

        if (best < 0)
        {
            return null;
        }

        int buffer = free[best];
        free.RemoveAt(best);
        return buffer;
    }

    private static int NewBuffer(List<DType> types, List<int> lengths, DType dtype, int size)
    {
        types.Add(dtype);
        lengths.Add(size);
        return types.Count - 1;
    }
}
