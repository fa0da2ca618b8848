namespace Nabla.Tests.Architecture;

/// <summary>Finds the repository root by walking up from the test binaries to the folder holding Nabla.slnx.</summary>
internal static class RepoRoot
{
    public static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nabla.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Nabla.slnx not found above {AppContext.BaseDirectory}.");
    }
}
