namespace Nabla;

/// <summary>
/// Finds the assignments a plan may carry out in place: <c>v.AssignSub(lr * g)</c> computes <c>read(v) - lr * g</c>
/// straight into the variable's buffer instead of a fresh one, so an optimizer step allocates nothing. Safe when
/// the computed value goes only to the assignment, it is the variable's first assignment in the graph, and every
/// earlier read of the variable (and view of one) is last used before that step, or at it by an elementwise op
/// that reads it at the index it writes. At run time the buffer must also be the variable's own
/// (<see cref="Variable.IsExclusive"/>); otherwise the step writes a fresh buffer that becomes the variable's own.
/// </summary>
internal static class InPlaceUpdates
{
    /// <summary>Per node, the variable its computed value may be written into, or null.</summary>
    public static Variable?[] Find(ExecutionPlan plan)
    {
        int n = plan.Nodes.Length;
        var targets = new Variable?[n];
        int[] uses = UseCounts(plan);
        var assigned = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        for (int a = 0; a < n; a++)
        {
            if (plan.Kinds[a] != StepKind.Assign)
            {
                continue;
            }

            Variable variable = ((AssignVariableOp)plan.Nodes[a].Op).Variable;
            int k = plan.Inputs[a][0];
            bool first = assigned.Add(variable);
            if (first && plan.Kinds[k] == StepKind.Compute && uses[k] == 1
                && plan.Specs[k].DType.ClrType == variable.DType.ClrType && EarlierReadsDone(plan, variable, k, a))
            {
                targets[k] = variable;
            }
        }

        return targets;
    }

    private static int[] UseCounts(ExecutionPlan plan)
    {
        var uses = new int[plan.Nodes.Length];
        foreach (int[] inputs in plan.Inputs)
        {
            foreach (int input in inputs)
            {
                uses[input]++;
            }
        }

        foreach (int output in plan.Outputs)
        {
            uses[output] += 2; // an output is never written into a variable's buffer
        }

        return uses;
    }

    // Every value showing the variable's buffer (its reads before the assignment, and their views) is last used
    // before step k, or at k by an elementwise op reading it at the written index.
    private static bool EarlierReadsDone(ExecutionPlan plan, Variable variable, int k, int assign)
    {
        var showsBuffer = new bool[assign];
        for (int i = 0; i < assign; i++)
        {
            showsBuffer[i] = plan.Kinds[i] switch
            {
                StepKind.ReadVariable => ReferenceEquals(((VariableReadOp)plan.Nodes[i].Op).Variable, variable),
                StepKind.Alias => showsBuffer[plan.Inputs[i][plan.Nodes[i].Op.AliasedInput]],
                _ => false,
            };
        }

        foreach (int output in plan.Outputs)
        {
            if (output < assign && showsBuffer[output])
            {
                return false;
            }
        }

        for (int step = k; step < plan.Nodes.Length; step++)
        {
            int[] inputs = plan.Inputs[step];
            foreach (int input in inputs)
            {
                if (input >= assign || !showsBuffer[input])
                {
                    continue;
                }

                bool elementwiseAtK = step == k && MemoryPlanner.IsElementwise(plan.Ops[k])
                    && plan.Specs[input].Shape == plan.Specs[k].Shape;
                if (!elementwiseAtK)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
