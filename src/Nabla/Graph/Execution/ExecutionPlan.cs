namespace Nabla;

/// <summary>What the executor does for one node.</summary>
internal enum StepKind : byte
{
    /// <summary>Binds a call argument.</summary>
    Argument,

    /// <summary>A captured value, fixed for the plan.</summary>
    Constant,

    /// <summary>Reads a variable's current buffer.</summary>
    ReadVariable,

    /// <summary>A view of an input's buffer (Reshape, Identity, StopGradient).</summary>
    Alias,

    /// <summary>Runs the op's kernel into a buffer of the arena, or a fresh one when the value escapes.</summary>
    Compute,

    /// <summary>A random op: redrawn, then computed like <see cref="Compute"/>.</summary>
    Random,

    /// <summary>Stores a value into a variable.</summary>
    Assign,

    /// <summary>Any other op: its own Evaluate (a print).</summary>
    Evaluate,

    /// <summary>A member of a fused group: computed by the group's root step (<see cref="ElementwiseFusion"/>), never stored.</summary>
    Fused,

    /// <summary>
    /// A computed value or a view whose size is only known when its kernel runs (one-argument Where, the Gather of a
    /// BooleanMask, and what follows them): its shape rule is applied to the call's values, and its buffer is a fresh
    /// one (a view: its input's), outside the arena.
    /// </summary>
    Dynamic,
}

/// <summary>
/// A concrete function's graph made ready to run for one set of input shapes: every node's concrete spec, what
/// kind of step it is, and where its output lives. Intermediates get buffers of an arena that each call reuses
/// (<see cref="MemoryPlanner"/>); only the outputs, the values stored into variables and random numbers a backward
/// function may keep are fresh tensors.
/// </summary>
internal sealed class ExecutionPlan
{
    public ExecutionPlan(GraphNode[] nodes, int[][] inputs, int[] outputs, IReadOnlyList<Tensor> args, bool allowInPlaceUpdates = true)
    {
        int n = nodes.Length;
        Nodes = nodes;
        Inputs = (int[][])inputs.Clone(); // fusion rewrites a plan's own copy; the executor's arrays serve every plan
        Outputs = outputs;
        Kinds = new StepKind[n];
        Specs = new TensorSpec[n];
        Ops = new Op[n];
        for (int i = 0; i < n; i++)
        {
            Ops[i] = nodes[i].Op;
            Kinds[i] = KindOf(nodes[i].Op);
            Specs[i] = InferSpec(i, args);
            if (!Specs[i].Shape.IsFullyDefined && Kinds[i] is StepKind.Compute or StepKind.Alias)
            {
                Kinds[i] = StepKind.Dynamic; // sized by values, not by the call's shapes
            }
        }

        ElementwiseFusion.Apply(this, Ops, Inputs, Kinds);
        for (int i = 0; i < n; i++)
        {
            MaxInputs = Math.Max(MaxInputs, Inputs[i].Length);
        }

        Memory = MemoryPlanner.Plan(this);
        InPlaceTargets = allowInPlaceUpdates ? InPlaceUpdates.Find(this) : new Variable?[n];
        VariablesShownByOutputs = ShownVariables();
    }

    /// <summary>The variables whose buffer an output shows (a read returned, or a view of one).</summary>
    public Variable[] VariablesShownByOutputs { get; }

    private Variable[] ShownVariables()
    {
        var shown = new List<Variable>();
        foreach (int output in Outputs)
        {
            int i = output;
            while (IsView(i))
            {
                i = Inputs[i][Nodes[i].Op.AliasedInput];
            }

            if (Kinds[i] == StepKind.ReadVariable)
            {
                shown.Add(((VariableReadOp)Nodes[i].Op).Variable);
            }
        }

        return [.. shown];
    }

    public GraphNode[] Nodes { get; }

    /// <summary>Whether step <paramref name="i"/> shows its aliased input's buffer (a planned view, or a dynamic one).</summary>
    public bool IsView(int i) => Kinds[i] == StepKind.Alias || (Kinds[i] == StepKind.Dynamic && Nodes[i].Op.AliasedInput >= 0);

    /// <summary>Per node: the node indices its step reads (a fused group's root reads the group's external inputs).</summary>
    public int[][] Inputs { get; }

    /// <summary>Per node: the op its step runs (the node's own, or a fused group's kernel at the group's root).</summary>
    public Op[] Ops { get; }

    public int[] Outputs { get; }

    public StepKind[] Kinds { get; }

    /// <summary>Each node's output spec, with every dimension known except after a value-dependent size (<see cref="StepKind.Dynamic"/>).</summary>
    public TensorSpec[] Specs { get; }

    public int MaxInputs { get; }

    public MemoryPlan Memory { get; }

    /// <summary>Per node: the variable whose own buffer its value may be computed into (<see cref="InPlaceUpdates"/>), or null.</summary>
    public Variable?[] InPlaceTargets { get; }

    private static StepKind KindOf(Op op) => op switch
    {
        PlaceholderOp => StepKind.Argument,
        ConstantOp => StepKind.Constant,
        VariableReadOp => StepKind.ReadVariable,
        AssignVariableOp => StepKind.Assign,
        RandomOp => StepKind.Random,
        GraphOp => StepKind.Evaluate,
        { AliasedInput: >= 0 } => StepKind.Alias,
        _ => StepKind.Compute,
    };

    // The traced spec where it and the inputs' were fully known; otherwise the op's rule applied to the inputs'
    // concrete specs (a graph traced with unknown dimensions learns them from the call's arguments, and an op whose
    // output size was known while an input's was not checks that input's size now: segment ids against data).
    private TensorSpec InferSpec(int i, IReadOnlyList<Tensor> args)
    {
        GraphNode node = Nodes[i];
        if (node.Output.Shape.IsFullyDefined && InputsWereFullyDefined(node))
        {
            return new TensorSpec(node.Output.Shape, node.Output.DType);
        }

        if (node.Op is PlaceholderOp placeholder)
        {
            Tensor arg = args[placeholder.Index];
            return new TensorSpec(arg.Shape, node.Output.DType);
        }

        int[] inputs = Inputs[i];
        var specs = new Tensor[inputs.Length];
        for (int j = 0; j < specs.Length; j++)
        {
            // A constant's values go to the rule as they are (a rule may read them, as it did while tracing).
            specs[j] = Kinds[inputs[j]] == StepKind.Constant ? ((ConstantOp)Nodes[inputs[j]].Op).Value : new SpecTensor(Specs[inputs[j]]);
        }

        return node.Op.InferOutput(specs);
    }

    private static bool InputsWereFullyDefined(GraphNode node)
    {
        foreach (SymbolicTensor input in node.Inputs)
        {
            if (!input.Shape.IsFullyDefined)
            {
                return false;
            }
        }

        return true;
    }
}
