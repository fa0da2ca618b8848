namespace Nabla.Tests.Architecture;

/// <summary>
/// Every assembly under src/ is packed as a NuGet package (src/Directory.Build.props), so each one must be described
/// where a user finds the packages: the package README (src/PACKAGE.md, shown on the package's page) and the README's
/// "NuGet packages" section. A new assembly that nobody documents fails here.
/// </summary>
public class PackageDocsTests
{
    public static TheoryData<string> Packages()
    {
        var data = new TheoryData<string>();
        string[] projects = [.. Directory.GetDirectories(Path.Combine(RepoRoot.Find(), "src")).SelectMany(dir => Directory.GetFiles(dir, "*.csproj"))];
        Assert.NotEmpty(projects);
        foreach (string project in projects.Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(project));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void EveryPackedAssembly_IsInThePackageReadme(string package)
    {
        string readme = File.ReadAllText(Path.Combine(RepoRoot.Find(), "src", "PACKAGE.md"));

        Assert.Contains($"- `{package}`:", readme, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void EveryPackedAssembly_IsInTheReadmesPackageSection(string package)
    {
        string readme = File.ReadAllText(Path.Combine(RepoRoot.Find(), "README.md"));
        int start = readme.IndexOf("## NuGet packages", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no \"## NuGet packages\" section.");
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string section = readme[start..(end < 0 ? readme.Length : end)];

        Assert.Contains(package, section.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void PackageConsumer_ReferencesTheKerasAndOnnxPackages()
    {
        // CI builds eng/package-consumer against the packed packages (eng/package-consumer/run.sh); the packages it
        // references are the ones whose install a clean machine proves.
        string project = File.ReadAllText(Path.Combine(RepoRoot.Find(), "eng", "package-consumer", "PackageConsumer.csproj"));

        Assert.Contains("<PackageReference Include=\"Nabla.Keras\"", project, StringComparison.Ordinal);
        Assert.Contains("<PackageReference Include=\"Nabla.Onnx\"", project, StringComparison.Ordinal);
        Assert.DoesNotContain("<ProjectReference", project, StringComparison.Ordinal);
    }
}
