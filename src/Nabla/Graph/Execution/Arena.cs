namespace Nabla;

/// <summary>
/// The memory one call of a plan runs in: the plan's arena buffers, the tensors that show them (made once, so a
/// call allocates no tensor object for an intermediate), the per-node value slots and the input scratch. A call
/// rents an arena for its duration; concurrent calls each get their own.
/// </summary>
internal sealed class Arena
{
    public Arena(ExecutionPlan plan)
    {
        MemoryPlan memory = plan.Memory;
        var buffers = new Array[memory.BufferLengths.Length];
        for (int b = 0; b < buffers.Length; b++)
        {
            buffers[b] = Storage.Allocate(memory.BufferTypes[b], memory.BufferLengths[b]);
        }

        int n = plan.Nodes.Length;
        Values = new Tensor[n];
        Fixed = new Tensor?[n];
        ReadCache = new Tensor?[n];
        Scratch = new Tensor[Math.Max(plan.MaxInputs, 1)];
        for (int i = 0; i < n; i++)
        {
            TensorSpec spec = plan.Specs[i];
            if (plan.Kinds[i] == StepKind.Constant)
            {
                Fixed[i] = ((ConstantOp)plan.Nodes[i].Op).Value;
            }
            else if (memory.Slot[i] >= 0 && plan.Kinds[i] is StepKind.Compute or StepKind.Alias)
            {
                Fixed[i] = new Tensor(buffers[memory.Slot[i]], spec.Shape, spec.DType, spec.Shape.Size, isWeak: false);
            }
            else if (plan.Kinds[i] == StepKind.Alias && plan.Kinds[plan.Inputs[i][plan.Nodes[i].Op.AliasedInput]] == StepKind.Constant)
            {
                Tensor source = ((ConstantOp)plan.Nodes[plan.Inputs[i][plan.Nodes[i].Op.AliasedInput]].Op).Value;
                Fixed[i] = new Tensor(source.Buffer, spec.Shape, spec.DType, spec.Shape.Size, isWeak: false);
            }
        }
    }

    /// <summary>Per node: its value during the current call.</summary>
    public Tensor[] Values { get; }

    /// <summary>Per node: the tensor its value always is (an arena buffer, a constant, a view of either), or null.</summary>
    public Tensor?[] Fixed { get; }

    /// <summary>Per variable read: the tensor showing the buffer the variable had last time (reused while it is unchanged).</summary>
    public Tensor?[] ReadCache { get; }

    /// <summary>Room for one node's inputs.</summary>
    public Tensor[] Scratch { get; }
}
