using System.Text.RegularExpressions;

namespace Nabla.Distributed.Tests;

/// <summary>
/// The strategy across real processes: 2 and 3 ranks of <c>mpirun</c> on this machine. Each scenario checks its own
/// results on every rank (Nabla.Distributed.TestWorker); these tests check that every rank passed, or, for the
/// faults, that the job ended within its bound with an error naming the failed worker.
/// </summary>
public sealed partial class MpiJobTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    [MpiFact]
    public void Collectives_TwoRanks_EveryRankPasses() => AssertAllPass(2, "collectives");

    [MpiFact]
    public void Collectives_ThreeRanks_EveryRankPasses() => AssertAllPass(3, "collectives");

    [MpiFact]
    public void Fit_TwoRanks_MatchesOneWorkerOnTheGlobalBatchWithIdenticalWeightsEveryStep() => AssertAllPass(2, "fit");

    [MpiFact]
    public void Fit_ThreeRanks_MatchesOneWorkerOnTheGlobalBatchWithIdenticalWeightsEveryStep() => AssertAllPass(3, "fit");

    [MpiFact]
    public void CustomLoop_TwoRanks_TapeAndRunAverageGradients() => AssertAllPass(2, "custom-loop");

    [MpiFact]
    public void CustomLoop_ThreeRanks_TapeAndRunAverageGradients() => AssertAllPass(3, "custom-loop");

    [MpiFact]
    public void Overlap_TwoRanks_GradientsAndFitBitwiseAsWithoutOverlap() => AssertAllPass(2, "overlap");

    [MpiFact]
    public void Overlap_ThreeRanks_GradientsAndFitAsWithoutOverlap() => AssertAllPass(3, "overlap");

    [MpiFact]
    public void Callbacks_TwoRanks_ChiefPrintsAndCheckpointsAndEarlyStoppingAgrees() => AssertCallbacks(2);

    [MpiFact]
    public void Callbacks_ThreeRanks_ChiefPrintsAndCheckpointsAndEarlyStoppingAgrees() => AssertCallbacks(3);

    [MpiFact]
    public void MismatchedModel_FailsAtTheFirstWeightOnEveryRankWithTheShapes() => AssertAllPass(2, "mismatched-model");

    [MpiFact]
    public void MismatchedData_FitFailsBeforeTheFirstStepOnEveryRank() => AssertAllPass(2, "mismatched-data");

    [MpiFact]
    public void LayoutChangedAfterItWasAgreed_TwoRanks_FailsOnEveryRankAndTheJobGoesOn() => AssertAllPass(2, "changed-layout");

    [MpiFact]
    public void LayoutChangedAfterItWasAgreed_ThreeRanks_FailsOnEveryRankAndTheJobGoesOn() => AssertAllPass(3, "changed-layout");

    [MpiFact]
    public void TwoAgreedLayoutsCalledAtOnce_EveryRankStopsWithTheDisagreementInsteadOfHanging()
    {
        MpiJob.Result job = MpiJob.Run(2, "two-agreed-layouts", Limit);
        // The first worker to stop ends the job (its collective cannot be cancelled), so the other may not get to print.
        Assert.False(job.TimedOut, $"the job hung instead of stopping:\n{job.Output}");
        Assert.True(job.ExitCode != 0, $"the job exited with 0 although its workers are stuck in different collectives:\n{job.Output}");
        Assert.Matches(TwoLayoutsStop(), job.Output);
        Assert.True(job.Elapsed < TimeSpan.FromSeconds(40), $"the job took {job.Elapsed.TotalSeconds:0.0} s to stop:\n{job.Output}");
    }

    [MpiFact]
    public void WorkerThrows_OthersStopNamingIt()
    {
        MpiJob.Result job = MpiJob.Run(3, "throw", Limit);
        AssertFailedNaming(job, 1, "injected failure on worker 1", TimeSpan.FromSeconds(30));
        Assert.Matches(WorkerStops(), job.Output);
    }

    [MpiFact]
    public void WorkerKilled_JobEndsNamingIt()
    {
        MpiJob.Result job = MpiJob.Run(2, "kill", Limit);
        AssertFailedNaming(job, 1, "process rank 1", TimeSpan.FromSeconds(30));
    }

    [MpiFact]
    public void WorkerHangs_OthersStopAfterTheTimeoutNamingIt()
    {
        MpiJob.Result job = MpiJob.Run(3, "hang", Limit, ("NABLA_COLLECTIVE_TIMEOUT", "3"));

        // 3 s of timeout, up to 3 s waiting for answers, plus start-up and training.
        AssertFailedNaming(job, 1, "Worker 1 did not answer", TimeSpan.FromSeconds(40));
        Assert.Contains("waited 3 s (the collective timeout)", job.Output, StringComparison.Ordinal);
    }

    [MpiFact]
    public void WorkerStopsInsideALargeBlockingAllReduce_WatchdogStopsTheOthersNamingIt()
    {
        MpiJob.Result job = MpiJob.Run(3, "stop-in-large-allreduce", Limit, ("NABLA_COLLECTIVE_TIMEOUT", "3"));

        // 1 s of all-reduces, 3 s of timeout, up to 3 s waiting for answers, plus start-up.
        AssertFailedNaming(job, 1, "Worker 1 did not answer", TimeSpan.FromSeconds(40));
        Assert.Contains("waited 3 s (the collective timeout)", job.Output, StringComparison.Ordinal);
    }

    [MpiFact]
    public void WorkerLeavesEarly_OthersStopNamingIt()
    {
        MpiJob.Result job = MpiJob.Run(2, "leave", Limit);
        AssertFailedNaming(job, 1, "Worker 1 of 2 ended its program while worker 0 still waits", TimeSpan.FromSeconds(40));
    }

    private static void AssertAllPass(int ranks, string scenario, params string[] arguments)
    {
        MpiJob.Result job = MpiJob.Run(ranks, [scenario, .. arguments], Limit);
        Assert.False(job.TimedOut, $"mpirun -np {ranks} {scenario} did not finish in {Limit}:\n{job.Output}");
        Assert.True(job.ExitCode == 0, $"mpirun -np {ranks} {scenario} exited with {job.ExitCode}:\n{job.Output}");
        for (int r = 0; r < ranks; r++)
        {
            Assert.Contains($"PASS {scenario} {r}/{ranks}", job.Output, StringComparison.Ordinal);
        }
    }

    private static void AssertCallbacks(int ranks)
    {
        string directory = Directory.CreateTempSubdirectory("nabla-mpi-checkpoints-").FullName;
        try
        {
            AssertAllPass(ranks, "callbacks", directory);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void AssertFailedNaming(MpiJob.Result job, int worker, string text, TimeSpan bound)
    {
        Assert.False(job.TimedOut, $"the job hung instead of stopping:\n{job.Output}");
        Assert.True(job.ExitCode != 0, $"the job exited with 0 although worker {worker} failed:\n{job.Output}");
        Assert.Contains(text, job.Output, StringComparison.Ordinal);
        Assert.True(job.Elapsed < bound, $"the job took {job.Elapsed.TotalSeconds:0.0} s to stop (bound {bound.TotalSeconds} s):\n{job.Output}");
    }

    [GeneratedRegex(@"PASS two-agreed-layouts [01]/2")]
    private static partial Regex TwoLayoutsStop();

    [GeneratedRegex(@"Worker 1 of 3 failed \(System\.InvalidOperationException: injected failure on worker 1\); worker [02] stops")]
    private static partial Regex WorkerStops();
}
