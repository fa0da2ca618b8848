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

    /// <summary>
    /// Large all-reduces (8 MiB: blocking MPI calls watched by a second thread) until worker 1 is stopped by SIGSTOP
    /// from inside, a second in: the others wait inside MPI_Allreduce, where only the watchdog can notice.
    /// </summary>
    public static void StopInLargeAllReduce(string[] args)
    {
        using var strategy = new MultiWorkerMirroredStrategy();
        Tensor large = Tf.Ones([2 << 20]);
        if (strategy.WorkerIndex == 1)
        {
            var stopper = new Thread(() =>
            {
                Thread.Sleep(1000);
                _ = SendSignal(Environment.ProcessId, 19);   // SIGSTOP: the process freezes inside whatever it does
            }) { IsBackground = true };
            stopper.Start();
        }

        for (int i = 0; i < 1_000_000; i++)
        {
            _ = strategy.AllReduce(large);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);

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
