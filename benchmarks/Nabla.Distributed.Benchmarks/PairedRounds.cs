using System.Globalization;

namespace Nabla.Distributed.Benchmarks;

/// <summary>
/// The cross-process rounds of benchmarks/distributed/run.sh summarised: lines "round variant bytes µs" (C's program
/// and the managed one run alternately, one process pair at a time); round i of a managed variant is paired with
/// round i of C's <c>MPI_Allreduce</c>, and the paired ratios give a median with its 95 % interval (<see cref="MedianInterval"/>).
/// </summary>
internal static class PairedRounds
{
    public static void Report(string path)
    {
        // variant -> bytes -> round -> µs
        var times = new SortedDictionary<string, SortedDictionary<long, SortedDictionary<int, double>>>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 4 || !int.TryParse(f[0], CultureInfo.InvariantCulture, out int round))
            {
                continue;
            }

            if (!times.TryGetValue(f[1], out var bySize))
            {
                times[f[1]] = bySize = [];
            }

            long bytes = long.Parse(f[2], CultureInfo.InvariantCulture);
            if (!bySize.TryGetValue(bytes, out var byRound))
            {
                bySize[bytes] = byRound = [];
            }

            byRound[round] = double.Parse(f[3], CultureInfo.InvariantCulture);
        }

        if (!times.TryGetValue("c-blocking", out var c))
        {
            throw new InvalidDataException($"{path} has no c-blocking rounds.");
        }

        Console.WriteLine("| variant | bytes | rounds | C median (µs, fastest-slowest) | managed median (µs, fastest-slowest) | median of paired ratios | 95 % interval | rounds above 1.05 | 5 % goal |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---|---:|---|");
        foreach ((string variant, var bySize) in times)
        {
            if (variant == "c-blocking")
            {
                continue;
            }

            foreach ((long bytes, var byRound) in bySize)
            {
                var ratios = new List<double>();
                var cs = new List<double>();
                var ms = new List<double>();
                foreach ((int round, double managed) in byRound)
                {
                    if (c.TryGetValue(bytes, out var cRounds) && cRounds.TryGetValue(round, out double baseline))
                    {
                        ratios.Add(managed / baseline);
                        cs.Add(baseline);
                        ms.Add(managed);
                    }
                }

                if (ratios.Count == 0)
                {
                    continue;
                }

                (double ratio, double low, double high) = MedianInterval.Of(ratios);
                int above = ratios.Count(r => r > MedianInterval.Goal);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {variant} | {bytes} | {ratios.Count} | {MedianInterval.Of(cs).Median:0.0} ({cs.Min():0.0}-{cs.Max():0.0}) | {MedianInterval.Of(ms).Median:0.0} ({ms.Min():0.0}-{ms.Max():0.0}) | {ratio:0.000} | {low:0.000}-{high:0.000} | {above} of {ratios.Count} | {MedianInterval.Verdict(low, high)} |"));
            }
        }
    }
}
