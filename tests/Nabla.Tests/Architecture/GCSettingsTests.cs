namespace Nabla.Tests.Architecture;

/// <summary>
/// src/Nabla/build/Nabla.targets gives every application that uses Nabla the garbage-collector settings the
/// library is tuned for (docs/ARCHITECTURE.md, "Memory"). The test host is such an application (it imports the
/// targets through Directory.Build.targets, as a NuGet consumer does through buildTransitive), so the settings
/// must be in effect here; a broken targets file fails this test instead of silently costing gen-2 collections.
/// </summary>
public class GCSettingsTests
{
    [Fact]
    public void TestHost_RunsWithTheShippedGCSettings()
    {
        IReadOnlyDictionary<string, object> config = GC.GetConfigurationVariables();

        // The runtime reports the threshold rounded down to its allocation alignment (4194304 → 4194216).
        long lohThreshold = Convert.ToInt64(config["LOHThreshold"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(lohThreshold, 4 * 1024 * 1024 - 1024, 4 * 1024 * 1024);
        Assert.Equal(24L * 1024 * 1024, Convert.ToInt64(config["GCGen0MaxBudget"], System.Globalization.CultureInfo.InvariantCulture));
    }
}
