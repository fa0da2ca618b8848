using Nabla.Keras;

namespace Nabla.Distributed.TestWorker;

/// <summary>Setups that cannot work fail at the first collective, on every worker, with a message saying why.</summary>
internal static class SetupErrorScenarios
{
    /// <summary>Worker 1 builds a wider hidden layer: the first weight's broadcast names it.</summary>
    public static void MismatchedModel(string[] args)
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        string? message = null;
        try
        {
            using (strategy.Scope())
            {
                Data.Model(hidden: strategy.WorkerIndex == 1 ? 17 : 16);
            }
        }
        catch (CollectiveMismatchException e)
        {
            message = e.Message;
        }

        Check.That(message is not null && message.Contains("(8, 16) float32 on worker 0 but (8, 17) float32 on worker 1", StringComparison.Ordinal),
            $"message: {message}");
        Console.WriteLine(message);
        Scenarios.Pass("mismatched-model", strategy);
    }

    /// <summary>Worker 1 has fewer samples: Fit stops before the first step on every worker.</summary>
    public static void MismatchedData(string[] args)
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        (Tensor x, Tensor y) = Data.Make(strategy.WorkerIndex == 1 ? 90 : 96);
        Sequential model;
        using (strategy.Scope())
        {
            model = Data.Model();
            Data.Compile(model);
        }

        string? message = null;
        try
        {
            model.Fit(x, y, epochs: 1, batchSize: 32, verbose: 0);
        }
        catch (CollectiveMismatchException e)
        {
            message = e.Message;
        }

        Check.That(message is not null && message.Contains("worker 1: 90 samples", StringComparison.Ordinal), $"message: {message}");
        Console.WriteLine(message);
        Scenarios.Pass("mismatched-data", strategy);
    }
}
