namespace Nabla;

/// <summary>
/// Folds a float32 MatMul into the elementwise step that alone reads its product (a fused group, or a single
/// elementwise op such as the bias add of a layer without activation), as the GEMM's epilogue
/// (<see cref="MatMulEpilogueOp"/>): <c>relu(x·W + b)</c> becomes one step whose bias and activation run on each
/// block of the product while the GEMM still has it in cache. Runs after <see cref="ElementwiseFusion"/> on the
/// same plan; the graph keeps its ops.
/// </summary>
internal static class GemmEpilogueFusion
{
    /// <summary>Whether plans fold products into epilogues (tests switch it off to compare).</summary>
    internal static bool Enabled { get; set; } = true;

    public static void Apply(ExecutionPlan plan, Op[] ops, int[][] inputs, StepKind[] kinds, bool[] fusible)
    {
        if (!Enabled)
        {
            return;
        }

        int[] consumers = ElementwiseFusion.ConsumerCounts(plan, inputs, out bool[] escapes);
        bool[] assigned = AssignedValues(inputs, kinds);
        for (int step = 0; step < ops.Length; step++)
        {
            // A value stored into a variable is left to InPlaceUpdates: computed into the variable's own buffer, it
            // allocates nothing, which matters more than the pass an epilogue saves (and the GEMM would overwrite
            // the variable that the update still reads).
            bool single = fusible[step] && kinds[step] == StepKind.Compute && ops[step] is not FusedElementwiseOp;
            if ((!single && ops[step] is not FusedElementwiseOp) || assigned[step])
            {
                continue;
            }

            int product = ProductRead(plan, ops, inputs, kinds, consumers, escapes, step);
            if (product < 0)
            {
                continue;
            }

            if (single)
            {
                ElementwiseFusion.Fuse(plan, ops, inputs, kinds, [step]); // a group of one: the op's register kernel
            }

            var group = (FusedElementwiseOp)ops[step];
            int[] external = inputs[step];
            int productInput = Array.IndexOf(external, product);
            int[] matMulInputs = inputs[product];
            var stepInputs = new int[external.Length + 1];
            stepInputs[0] = matMulInputs[0];
            stepInputs[1] = matMulInputs[1];
            for (int i = 0, j = 2; i < external.Length; i++)
            {
                if (i != productInput)
                {
                    stepInputs[j++] = external[i];
                }
            }

            ops[step] = new MatMulEpilogueOp((MatMulOp)ops[product], group, productInput, external.Length);
            inputs[step] = stepInputs;
            kinds[product] = StepKind.Fused;
            inputs[product] = [];
        }
    }

    private static bool[] AssignedValues(int[][] inputs, StepKind[] kinds)
    {
        var assigned = new bool[kinds.Length];
        for (int i = 0; i < kinds.Length; i++)
        {
            if (kinds[i] == StepKind.Assign)
            {
                assigned[inputs[i][0]] = true;
            }
        }

        return assigned;
    }

    // The float32 rank-2 MatMul that this step reads in full and that nothing else reads, or -1.
    private static int ProductRead(ExecutionPlan plan, Op[] ops, int[][] inputs, StepKind[] kinds, int[] consumers, bool[] escapes, int step)
    {
        foreach (int input in inputs[step])
        {
            if (ops[input] is MatMulOp && kinds[input] == StepKind.Compute && consumers[input] == 1 && !escapes[input]
                && plan.Specs[input].DType == DType.Float32 && plan.Specs[input].Shape == plan.Specs[step].Shape
                && plan.Specs[input].Shape.Rank == 2 && plan.Specs[inputs[input][0]].Shape.Rank == 2
                && plan.Specs[inputs[input][1]].Shape.Rank == 2
                && plan.Specs[inputs[input][0]].Shape.IsFullyDefined && plan.Specs[inputs[input][1]].Shape.IsFullyDefined)
            {
                return input;
            }
        }

        return -1;
    }
}
