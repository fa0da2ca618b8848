using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// The suite's configuration: the default exporters (GitHub markdown among them) plus brief JSON for the
/// summary, memory diagnoser, medians, ratios within each case (category × parameters), throughput.
/// </summary>
public static class BenchmarkConfig
{
    /// <summary>Builds the configuration (the command line adds the job, filter and toolchain).</summary>
    public static IConfig Create()
    {
        return ManualConfig.Create(DefaultConfig.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(CategoriesColumn.Default, StatisticColumn.Median, new ThroughputColumn())
            .AddExporter(JsonExporter.Brief)
            .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams);
    }
}
