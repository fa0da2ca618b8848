using System.Diagnostics;
using System.Globalization;
using System.Text;
using Nabla.Benchmarks.Workloads;
using static TorchSharp.torch;
using NablaTensor = Nabla.Tensor;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// A diagnostic beside case d: times TorchSharp's and Nabla's square float32 MatMul alternately, in one
/// process, round after round in a shuffled order, and reports the median of the per-round time ratios.
/// </summary>
/// <remarks>
/// BenchmarkDotNet measures each library in its own process, one after the other, so on a machine whose
/// throughput drifts (a VM whose host neighbours come and go: GEMM rates here swing up to 2× within minutes)
/// its ratio compares two different moments. Here every round times both libraries within a fraction of a
/// second, so a drift slows both sides of the ratio alike. Three variants are timed:
/// <list type="bullet">
/// <item><c>torch</c>: <c>a.matmul(b)</c>, the output freed at once (libtorch's allocator hands the same warm
/// memory back next call);</item>
/// <item><c>nabla</c>: <c>Tf.MatMul(a, b)</c>, a new output every call (as case d);</item>
/// <item><c>nabla gemm</c>: Nabla's GEMM kernel into one preallocated output, which separates the kernel from
/// the cost of the fresh output (cold cache lines, page faults when the GC commits new memory).</item>
/// </list>
/// The claims of issue 5 stay with BenchmarkDotNet's table; this tells why a ratio there moved.
/// </remarks>
public static class PairedMatMul
{
    /// <summary>Target length of one timing (calls per timing are sized for ~100 GFLOP/s).</summary>
    private const double SecondsPerTiming = 0.02;

    /// <summary>A pause after TorchSharp's timings on more than one thread (see <see cref="MeasureRow"/>).</summary>
    private const int OpenMpSpinMilliseconds = 300;

    /// <summary>Runs the comparison and prints (and optionally writes) a markdown table, row by row as measured.</summary>
    /// <param name="sizes">The matrices' sides.</param>
    /// <param name="threadCounts">The thread counts each library is given.</param>
    /// <param name="rounds">Rounds per size and thread count.</param>
    /// <param name="output">A file for the table, or null.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(int[] sizes, int[] threadCounts, int rounds, string? output)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(threadCounts);
        TorchSharpNative.EnsureLoadable();
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Paired MatMul, {rounds} rounds per row, run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        table.AppendLine("GFLOP/s are medians over the rounds; ratios are medians of the per-round time ratios (Nabla / TorchSharp).");
        table.AppendLine();
        table.AppendLine("| n | threads | TorchSharp GFLOP/s | Nabla GFLOP/s | Nabla GEMM only GFLOP/s | ratio Nabla | ratio GEMM only | best round Torch / Nabla / GEMM |");
        table.AppendLine("|---|---|---|---|---|---|---|---|");
        Console.Write(table);
        foreach (int threads in threadCounts)
        {
            foreach (int n in sizes)
            {
                string row = MeasureRow(n, threads, rounds);
                table.AppendLine(row);
                Console.WriteLine(row);
            }
        }

        if (output is not null)
        {
            File.WriteAllText(output, table.ToString());
        }

        return 0;
    }

    private static string MeasureRow(int n, int threads, int rounds)
    {
        ThreadSettings.SetNabla(threads);
        ThreadSettings.SetTorch(threads);
        float[] aValues = InputData.Uniform(n * n, seed: 1), bValues = InputData.Uniform(n * n, seed: 2);
        NablaTensor nablaA = Tf.Constant(aValues, [n, n]), nablaB = Tf.Constant(bValues, [n, n]);
        using TorchTensor torchA = tensor(aValues, [n, n]), torchB = tensor(bValues, [n, n]);
        float[] preallocated = new float[n * n];

        Action[] variants =
        [
            () =>
            {
                using TorchTensor c = torchA.matmul(torchB);
            },
            () => Tf.MatMul(nablaA, nablaB),
            () => Kernels.Gemm.Multiply(aValues, bValues, preallocated, n, n, n, transposeA: false, transposeB: false),
        ];

        double flop = 2.0 * n * n * n;
        int calls = Math.Max(1, (int)(SecondsPerTiming * 100e9 / flop));
        foreach (Action variant in variants)
        {
            for (int i = 0; i < calls; i++)
            {
                variant();
            }
        }

        var seconds = new double[variants.Length][];
        for (int v = 0; v < variants.Length; v++)
        {
            seconds[v] = new double[rounds];
        }

        var random = new Random(n + threads);
        int[] order = [0, 1, 2];
        for (int round = 0; round < rounds; round++)
        {
            random.Shuffle(order);
            foreach (int v in order)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < calls; i++)
                {
                    variants[v]();
                }

                seconds[v][round] = Stopwatch.GetElapsedTime(start).TotalSeconds / calls;
                if (v == 0 && threads > 1)
                {
                    // libtorch's OpenMP workers spin for a while after each parallel region (the Intel runtime's
                    // default block time is 200 ms), taking a core from whatever runs next in this process.
                    Thread.Sleep(OpenMpSpinMilliseconds);
                }
            }
        }

        double Rate(double s) => flop / s / 1e9;
        double RatioTo(int v) => Median(Enumerable.Range(0, rounds).Select(r => seconds[v][r] / seconds[0][r]));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {n} | {threads} | {Rate(Median(seconds[0])):F1} | {Rate(Median(seconds[1])):F1} | {Rate(Median(seconds[2])):F1} | "
            + $"{RatioTo(1):F3} | {RatioTo(2):F3} | {Rate(seconds[0].Min()):F0} / {Rate(seconds[1].Min()):F0} / {Rate(seconds[2].Min()):F0} |");
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
