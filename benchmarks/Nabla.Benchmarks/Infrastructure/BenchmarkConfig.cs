using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>The suite's configuration: memory diagnoser, medians, ratios within each case, throughput, JSON for the summary.</summary>
public static class BenchmarkConfig
{
    /// <summary>Builds the configuration (the command line adds the job, filter and toolchain).</summary>
    public static IConfig Create()
    {
        return ManualConfig.Create(DefaultConfig.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(CategoriesColumn.Default, StatisticColumn.Median, new ThroughputColumn())
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Brief)
            .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams);
    }
}
