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
        Assert.InRange(lohThreshold, 8 * 1024 * 1024 - 1024, 8 * 1024 * 1024);
        Assert.Equal(16L * 1024 * 1024, Convert.ToInt64(config["GCRegionSize"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(24L * 1024 * 1024, Convert.ToInt64(config["GCGen0MaxBudget"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void OneMegaFloatOutput_IsNotOnTheLargeObjectHeap()
    {
        // The output of a 1024 × 1024 float32 product: 4 MiB plus the array header. With the runtime's 4 MiB
        // regions it would go to the large-object heap (reported as the oldest generation at once) whatever the
        // threshold (docs/ARCHITECTURE.md, "Memory"); here it starts young and can die in a gen-0 collection.
        Array output = Storage.Allocate(DType.Float32, 1024 * 1024);

        Assert.True(GC.GetGeneration(output) < GC.MaxGeneration);
    }
}
