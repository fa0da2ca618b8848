namespace Nabla.Keras.Tests.Samples;

/// <summary>Where the repository, its built samples and the shared seed notebook are, found from the test binaries.</summary>
internal static class SamplePaths
{
    /// <summary>The folder holding Nabla.slnx.</summary>
    public static string RepoRoot { get; } = FindUp(AppContext.BaseDirectory, "Nabla.slnx")
        ?? throw new InvalidOperationException($"Nabla.slnx not found above {AppContext.BaseDirectory}.");

    /// <summary>The seed notebook's text, in the shared folder beside the repository (or further up, for a nested worktree).</summary>
    public static string Seed { get; } = FindUp(RepoRoot, Path.Combine("shared", "seed", "000_8fd9ed360fe73624.txt"))
        ?? throw new InvalidOperationException($"The seed notebook (shared/seed/000_8fd9ed360fe73624.txt) was not found above {RepoRoot}.");

    /// <summary>A sample's built program, in the configuration these tests were built in (the project references build it).</summary>
    public static string SampleDll(string name)
    {
        // tests/Nabla.Keras.Tests/bin/<Configuration>/<tfm>/: the sample lies at samples/<name>/bin/<Configuration>/<tfm>/.
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = tfm.Parent!.Name;
        string path = Path.Combine(RepoRoot, "samples", name, "bin", configuration, tfm.Name, name + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The {name} sample is not built at {path}.", path);
    }

    private static string? FindUp(string start, string relative)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return relative.EndsWith(".slnx", StringComparison.Ordinal) ? dir.FullName : candidate;
            }
        }

        return null;
    }
}
