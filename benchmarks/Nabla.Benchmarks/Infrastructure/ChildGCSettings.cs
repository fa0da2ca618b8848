using System.Globalization;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// Gives BenchmarkDotNet's child processes the garbage-collector settings this app runs with.
/// </summary>
/// <remarks>
/// Nabla's package adds <c>System.GC.LOHThreshold</c>, <c>System.GC.RegionSize</c> and <c>System.GC.Gen0MaxBudget</c> to the runtimeconfig of
/// every application that references it (src/Nabla/build/Nabla.targets, docs/ARCHITECTURE.md "Memory"); this app
/// gets them through the repository's Directory.Build.targets. BenchmarkDotNet runs each case in a project it
/// generates with <c>ImportDirectoryBuildTargets=false</c>, so that child would run with the runtime's defaults:
/// what a NuGet consumer of Nabla never sees. The settings are therefore passed on as the equivalent
/// environment variables (hexadecimal, as the runtime reads them). They apply to the whole child process, to the
/// TorchSharp rows as much as to Nabla's (libtorch allocates natively and is unaffected).
/// </remarks>
public static class ChildGCSettings
{
    private static readonly (string RuntimeConfigName, string EnvironmentName)[] s_settings =
    [
        ("System.GC.LOHThreshold", "DOTNET_GCLOHThreshold"),
        ("System.GC.RegionSize", "DOTNET_GCRegionSize"),
        ("System.GC.Gen0MaxBudget", "DOTNET_GCGen0MaxBudget"),
    ];

    /// <summary>The settings in effect here, as "name=value" pairs for logs.</summary>
    public static string Describe()
    {
        IReadOnlyDictionary<string, object> gc = GC.GetConfigurationVariables();
        return string.Create(CultureInfo.InvariantCulture, $"LOHThreshold={gc["LOHThreshold"]}, GCRegionSize={gc["GCRegionSize"]}, GCGen0MaxBudget={gc["GCGen0MaxBudget"]}");
    }

    /// <summary>
    /// <paramref name="args"/> plus <c>--envVars</c> entries for each runtimeconfig GC setting of this app, unless
    /// the run is in-process (the settings are already in effect) or the caller passes environment variables.
    /// </summary>
    public static string[] AddTo(string[] args)
    {
        if (args.Contains("--inProcess", StringComparer.OrdinalIgnoreCase) || args.Contains("--envVars", StringComparer.OrdinalIgnoreCase))
        {
            return args;
        }

        var extra = new List<string>();
        foreach ((string runtimeConfigName, string environmentName) in s_settings)
        {
            if (AppContext.GetData(runtimeConfigName) is string text && long.TryParse(text, CultureInfo.InvariantCulture, out long value))
            {
                extra.Add(string.Create(CultureInfo.InvariantCulture, $"{environmentName}:{value:X}"));
            }
        }

        return extra.Count == 0 ? args : [.. args, "--envVars", .. extra];
    }
}
