using System.Globalization;
using Xunit.Abstractions;

namespace Nabla.Tests.Architecture;

/// <summary>
/// ARCHITECTURE.md P13 (tinygrad's line-count gate): every C# file under src/ stays at or under
/// <see cref="MaxLines"/> lines unless it is listed in <see cref="s_allowList"/> with a reason; the total is reported.
/// </summary>
public class FileSizeBudgetTests(ITestOutputHelper output)
{
    public const int MaxLines = 400;

    /// <summary>Files allowed over the budget, by path relative to the repository root, with the reason.</summary>
    private static readonly Dictionary<string, string> s_allowList = new(StringComparer.Ordinal)
    {
        // None yet. Add "src/Nabla/Path/File.cs" = "why it cannot be split" only with a real reason.
    };

    [Fact]
    public void SourceFiles_AtMost400Lines_ExceptAllowList()
    {
        string root = RepoRoot.Find();
        List<(string Path, int Lines)> files = SourceFiles(root);
        Assert.NotEmpty(files);

        string[] over = files
            .Where(f => f.Lines > MaxLines && !s_allowList.ContainsKey(f.Path))
            .Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Path} ({f.Lines} lines)"))
            .ToArray();
        Assert.True(over.Length == 0,
            $"Source files over the {MaxLines}-line budget (split them, or add them to the allow-list with a reason): {string.Join(", ", over)}");

        int total = files.Sum(f => f.Lines);
        (string Path, int Lines) largest = files.MaxBy(f => f.Lines);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"src: {files.Count} C# files, {total} lines in total; largest {largest.Path} ({largest.Lines} lines)."));
        foreach (IGrouping<string, (string Path, int Lines)> project in files.GroupBy(f => f.Path.Split('/')[1]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {project.Key}: {project.Count()} files, {project.Sum(f => f.Lines)} lines"));
        }
    }

    [Fact]
    public void AllowList_EntriesExistAndAreStillOverBudget()
    {
        string root = RepoRoot.Find();
        Dictionary<string, int> lines = SourceFiles(root).ToDictionary(f => f.Path, f => f.Lines, StringComparer.Ordinal);
        foreach ((string path, string reason) in s_allowList)
        {
            Assert.False(string.IsNullOrWhiteSpace(reason), $"Allow-list entry {path} needs a reason.");
            Assert.True(lines.TryGetValue(path, out int count), $"Allow-list entry {path} does not exist: remove it.");
            Assert.True(count > MaxLines, $"Allow-list entry {path} is back under budget ({count} lines): remove it.");
        }
    }

    private static List<(string Path, int Lines)> SourceFiles(string root)
    {
        var files = new List<(string Path, int Lines)>();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal))
            {
                continue;
            }

            files.Add((relative, File.ReadLines(file).Count()));
        }

        return files;
    }
}
