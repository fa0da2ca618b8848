using System.Diagnostics;
using System.Globalization;

namespace Nabla.Distributed.Tests;

/// <summary>
/// Runs <c>mpirun -np N dotnet Nabla.Distributed.TestWorker.dll scenario</c> on this machine (shared memory and
/// loopback only) and returns its exit code, output and duration.
/// </summary>
internal static class MpiJob
{
    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed, bool TimedOut);

    public static Result Run(int ranks, string scenario, TimeSpan limit, params (string Name, string Value)[] environment) =>
        Run(ranks, [scenario], limit, environment);

    public static Result Run(int ranks, string[] arguments, TimeSpan limit, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("mpirun")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Root in CI needs --allow-run-as-root; two cores need --oversubscribe for three ranks. Loopback only.
        foreach (string a in new[] { "--allow-run-as-root", "--oversubscribe", "--mca", "btl", "self,vader", "--mca", "oob_tcp_if_include", "lo",
            "-np", ranks.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["TERM"] = "dumb";
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
            start.ArgumentList.Add("-x");
            start.ArgumentList.Add(name);
        }

        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(WorkerPath());
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool finished = process.WaitForExit(limit);
        if (!finished)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.WaitForExit();
        lock (output)
        {
            return new Result(finished ? process.ExitCode : -1, output.ToString(), clock.Elapsed, !finished);
        }
    }

    /// <summary>The test worker, built beside these tests (same configuration).</summary>
    private static string WorkerPath()
    {
        string here = AppContext.BaseDirectory;
        string path = here.Replace("Nabla.Distributed.Tests", "Nabla.Distributed.TestWorker", StringComparison.Ordinal);
        string dll = Path.Combine(path, "Nabla.Distributed.TestWorker.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The MPI test worker is not built: {dll}");
    }
}

/// <summary>
/// A test that launches MPI jobs: it runs only when <c>NABLA_MPI_TESTS=1</c> (the MPI step of <c>.ci/run</c>, which
/// installs Open MPI), so the main test run stays fast and needs no MPI. With the variable set, a missing
/// <c>mpirun</c> fails the test instead of skipping it.
/// </summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NABLA_MPI_TESTS") != "1")
        {
            Skip = "MPI job: runs in the MPI step of .ci/run (NABLA_MPI_TESTS=1).";
        }
    }
}
