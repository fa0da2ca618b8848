using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;

namespace Nabla.Interactive.Tests;

/// <summary>The README's first example, compiled and run as it is written: it fits the line it says it fits.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task FirstExample_FitsTheLineAndPrintsWhatItsCommentSays()
    {
        string readme = File.ReadAllText(Path.Combine(SeedNotebookTests.RepositoryRoot(), "README.md"));
        int start = readme.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        string code = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        string expected = code[(code.LastIndexOf("// ", StringComparison.Ordinal) + 3)..].Trim();

        using var kernel = new CSharpKernel();
        var result = await kernel.SendAsync(new SubmitCode($"#r \"{typeof(Tensor).Assembly.Location}\"\n" + code));

        Assert.DoesNotContain(result.Events, e => e is CommandFailed);
        string printed = string.Concat(result.Events.OfType<StandardOutputValueProduced>().Select(e => e.FormattedValues.First().Value)).Trim();
        Assert.Contains("y = 2x - 1", code, StringComparison.Ordinal);
        Assert.Equal(expected, printed);
        Assert.StartsWith("w = 1.99999", printed, StringComparison.Ordinal);
    }
}
