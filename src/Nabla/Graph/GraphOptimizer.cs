namespace Nabla;

/// <summary>The optimization passes a traced graph goes through before it first runs, in order.</summary>
internal static class GraphOptimizer
{
    public static void Optimize(FuncGraph graph)
    {
        Prune.Run(graph);
        ConstantFolding.Run(graph);
        CommonSubexpressions.Run(graph);
        Prune.Run(graph);
    }
}
