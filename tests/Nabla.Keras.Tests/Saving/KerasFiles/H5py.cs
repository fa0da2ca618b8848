using System.Diagnostics;
using System.Text.Json;

namespace Nabla.Keras.Tests.Saving.KerasFiles;

/// <summary>
/// Runs the real HDF5 tools, Debian's python3-h5py, through <c>h5tool.py</c>: dumps what Nabla wrote, writes what Nabla
/// must read. Tests that need it are <see cref="H5pyFactAttribute"/>s: skipped with the reason when h5py is missing,
/// failed when <c>NABLA_REQUIRE_H5PY=1</c> (CI installs it and sets that).
/// </summary>
internal static class H5py
{
    private static readonly Lazy<string?> s_python = new(FindPython);

    /// <summary>Whether a python3 with h5py and numpy was found.</summary>
    public static bool Available => s_python.Value is not null;

    /// <summary>The JSON items h5tool.py dumps for an HDF5 file (path, kind, shape, dtype, attrs, values).</summary>
    public static Dictionary<string, JsonElement> Dump(string file)
    {
        using JsonDocument document = JsonDocument.Parse(Run("dump", file));
        return document.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.Clone());
    }

    /// <summary>h5tool.py's dump of a .keras archive: members, config, metadata and the weights file's items.</summary>
    public static JsonElement DumpZip(string file)
    {
        using JsonDocument document = JsonDocument.Parse(Run("dumpzip", file));
        return document.RootElement.Clone();
    }

    /// <summary>Writes an HDF5 file with h5py from a spec (see h5tool.py).</summary>
    public static void Write(string file, object spec)
    {
        string specFile = file + ".spec.json";
        File.WriteAllText(specFile, JsonSerializer.Serialize(spec));
        Run("write", file, specFile);
    }

    private static string Run(params string[] arguments)
    {
        string python = s_python.Value ?? throw new InvalidOperationException("python3 with h5py is not available.");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Saving", "KerasFiles", "h5tool.py"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"h5tool.py {string.Join(' ', arguments)} failed: {error.Result}");
    }

    private static string? FindPython()
    {
        // Debian's python3-h5py installs for the system python; a pyenv shim first on PATH would not see it.
        foreach (string candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                var start = new ProcessStartInfo(candidate, ["-c", "import h5py, numpy"]) { RedirectStandardError = true, RedirectStandardOutput = true };
                using Process? process = Process.Start(start);
                if (process is not null && process.WaitForExit(30_000) && process.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed here: try the next one.
            }
        }

        return null;
    }
}

/// <summary>A test that needs python3-h5py: skipped (with how to install it) when it is absent, unless CI requires it.</summary>
internal sealed class H5pyFactAttribute : FactAttribute
{
    public H5pyFactAttribute()
    {
        if (!H5py.Available && Environment.GetEnvironmentVariable("NABLA_REQUIRE_H5PY") != "1")
        {
            Skip = "python3-h5py is not installed (apt-get install -y --no-install-recommends python3-h5py python3-numpy); CI installs it and runs this test.";
        }
    }
}
