using System.Diagnostics;
using Nabla.Keras;
using Nabla.Keras.Callbacks;

namespace Nabla.Distributed.TestWorker;

/// <summary>
/// A worker that throws, is killed, hangs or leaves early during Fit. The other workers must stop with an error
/// naming it instead of waiting forever; the tests check the job's output and how long it took.
/// </summary>
internal static class FaultScenarios
{
    public static void Throw(string[] args) =>
        TrainWith(new AtStep(() => throw new InvalidOperationException("injected failure on worker 1")));

    public static void Kill(string[] args) => TrainWith(new AtStep(() => Process.GetCurrentProcess().Kill()));

    public static void Hang(string[] args) => TrainWith(new AtStep(() => Thread.Sleep(Timeout.Infinite)));

    /// <summary>Worker 1 ends its program normally after the first epoch; the others train on.</summary>
    public static void Leave(string[] args)
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        Train(strategy, strategy.WorkerIndex == 1 ? 1 : 3, null);
    }

    private static void TrainWith(AtStep fault)
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        Train(strategy, 3, strategy.WorkerIndex == 1 ? fault : null);
    }

    private static void Train(MultiWorkerMirroredStrategy strategy, int epochs, Callback? callback)
    {
        (Tensor x, Tensor y) = Data.Make(96);
        Sequential model;
        using (strategy.Scope())
        {
            model = Data.Model();
            Data.Compile(model);
        }

        model.Fit(x, y, epochs: epochs, batchSize: 16, verbose: 0, callbacks: callback is null ? null : [callback]);
        Console.WriteLine($"worker {strategy.WorkerIndex} finished training");
    }

    /// <summary>Runs the fault on the third batch of the second epoch.</summary>
    private sealed class AtStep(Action fault) : Callback
    {
        private int _epoch;

        public override void OnEpochBegin(int epoch, IDictionary<string, double> logs) => _epoch = epoch;

        public override void OnBatchBegin(int batch, IDictionary<string, double> logs)
        {
            if (_epoch == 1 && batch == 2)
            {
                fault();
            }
        }
    }
}
