namespace Nabla.Distributed.TestWorker;

/// <summary>The scenarios by name (the first command-line argument).</summary>
internal static class Scenarios
{
    public static Dictionary<string, Action<string[]>> All { get; } = new(StringComparer.Ordinal)
    {
        ["collectives"] = CollectiveScenario.Run,
        ["fit"] = FitScenarios.Equivalence,
        ["callbacks"] = FitScenarios.Callbacks,
        ["custom-loop"] = CustomLoopScenario.Run,
        ["overlap"] = OverlapScenario.Run,
        ["mismatched-model"] = SetupErrorScenarios.MismatchedModel,
        ["mismatched-data"] = SetupErrorScenarios.MismatchedData,
        ["changed-layout"] = AgreementScenarios.ChangedLayout,
        ["two-agreed-layouts"] = AgreementScenarios.TwoAgreedLayoutsAtOnce,
        ["throw"] = FaultScenarios.Throw,
        ["kill"] = FaultScenarios.Kill,
        ["hang"] = FaultScenarios.Hang,
        ["leave"] = FaultScenarios.Leave,
        ["stop-in-large-allreduce"] = FaultScenarios.StopInLargeAllReduce,
    };

    /// <summary>The line a rank prints when its scenario passed.</summary>
    public static void Pass(string scenario, MultiWorkerMirroredStrategy strategy) =>
        Console.WriteLine($"PASS {scenario} {strategy.WorkerIndex}/{strategy.NumReplicasInSync}");
}
