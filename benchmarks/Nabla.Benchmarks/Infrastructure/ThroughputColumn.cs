using System.Globalization;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Nabla.Benchmarks.Cases;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// A column with the work rate at the median time: GFLOP/s for MatMul (2n³ per call) and the FMA loop,
/// GB/s for the triad. Empty for the other cases.
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "Throughput";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Work rate at the median: GFLOP/s (MatMul 2n^3, FMA loop) or GB/s (triad, 12 bytes per element)";

    /// <summary>The work one call of a case does: an amount and its unit per second, or null.</summary>
    public static (double Amount, string Unit)? Work(string method, int threads, int n)
    {
        return method switch
        {
            "MatMul_Nabla" or "MatMul_Torch" => (2.0 * n * n * n, "GFLOP/s"),
            "Triad" => (MachineLimitBenchmarks.TriadBytes, "GB/s"),
            "FmaVector512" => (threads * MachineLimitBenchmarks.FmaFlopsPerThread(Vector512.IsHardwareAccelerated ? 16 : 8), "GFLOP/s"),
            "FmaVector256" => (threads * MachineLimitBenchmarks.FmaFlopsPerThread(8), "GFLOP/s"),
            _ => null,
        };
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        double? median = summary[benchmarkCase]?.ResultStatistics?.Median;
        int threads = benchmarkCase.Parameters["Threads"] is int t ? t : 1;
        int n = benchmarkCase.Parameters.Items.Any(p => p.Name == "N") ? (int)benchmarkCase.Parameters["N"] : 0;
        if (median is not > 0 || Work(benchmarkCase.Descriptor.WorkloadMethod.Name, threads, n) is not { } work)
        {
            return "-";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{work.Amount / median.Value:F1} {work.Unit}");
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
