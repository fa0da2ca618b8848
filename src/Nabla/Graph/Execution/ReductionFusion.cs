namespace Nabla;

/// <summary>
/// Folds a float32 Sum or Mean, over all axes or over the last axis, into the elementwise step whose result only it
/// reads (a fused group, or a single elementwise op such as the Square of a squared error, which becomes a group of
/// one): <see cref="FusedReductionOp"/> sums the group's registers as they are computed. Runs after
/// <see cref="ElementwiseFusion"/> and <see cref="GemmEpilogueFusion"/> on the same plan; the graph keeps its ops.
/// </summary>
internal static class ReductionFusion
{
    /// <summary>Whether plans fold reductions into groups (tests switch it off to compare).</summary>
    internal static bool Enabled { get; set; } = true;

    public static void Apply(ExecutionPlan plan, Op[] ops, int[][] inputs, StepKind[] kinds, bool[] fusible)
    {
        if (!Enabled)
        {
            return;
        }

        int[] consumers = ElementwiseFusion.ConsumerCounts(plan, inputs, out bool[] escapes);
        for (int step = 0; step < ops.Length; step++)
        {
            if (kinds[step] != StepKind.Compute || ops[step] is not (ReduceSumOp or ReduceMeanOp) || plan.Specs[step].DType != DType.Float32)
            {
                continue;
            }

            int values = inputs[step][0];
            bool single = fusible[values] && kinds[values] == StepKind.Compute && ops[values] is not FusedElementwiseOp;
            if ((!single && (ops[values] is not FusedElementwiseOp || kinds[values] != StepKind.Compute))
                || consumers[values] != 1 || escapes[values])
            {
                continue;
            }

            var reduction = (ReduceOp)ops[step];
            Shape shape = plan.Specs[values].Shape;
            int rowLength = RowLength(reduction, shape);
            if (rowLength <= 0)
            {
                continue;
            }

            if (single)
            {
                ElementwiseFusion.Fuse(plan, ops, inputs, kinds, [values]); // a group of one: the op's register kernel
            }

            ops[step] = new FusedReductionOp((FusedElementwiseOp)ops[values], reduction, shape, rowLength, reduction is ReduceMeanOp);
            inputs[step] = inputs[values];
            kinds[values] = StepKind.Fused;
            inputs[values] = [];
        }
    }

    // Elements per reduced row when the reduction covers every axis (the whole tensor) or only the last one; else 0.
    private static int RowLength(ReduceOp reduction, Shape shape)
    {
        if (shape.Rank == 0 || shape.Size == 0)
        {
            return 0;
        }

        bool[] reduced = reduction.ReducedMask(shape.Rank, shape);
        bool all = Array.TrueForAll(reduced, r => r);
        if (all)
        {
            return shape.Size;
        }

        for (int axis = 0; axis < shape.Rank - 1; axis++)
        {
            if (reduced[axis])
            {
                return 0;
            }
        }

        return reduced[^1] ? shape[^1] : 0;
    }
}
