namespace Nabla.Keras.Saving;

/// <summary>Writes a file beside its target and renames it over it, so a crash or an error never leaves half a file.</summary>
internal static class AtomicFile
{
    /// <summary>Runs <paramref name="write"/> on a fresh temporary file next to <paramref name="path"/>, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<FileStream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        string name = Path.GetFileName(fullPath);
        RemoveStaleTemporaries(directory, name);
        string temporary = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Deletes the temporary files that writes of <paramref name="name"/> left when their process was killed. A write
    /// in progress holds its file open exclusively (FileShare.None, an advisory lock on Unix that ends with the
    /// process), so a file that opens exclusively here has no writer left; one that does not is skipped.
    /// </summary>
    internal static void RemoveStaleTemporaries(string directory, string name)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(directory, $".{name}.*.tmp"))
        {
            string guid = Path.GetFileName(file)[(name.Length + 2)..^4];
            if (guid.Length != 32 || !Guid.TryParseExact(guid, "N", out _))
            {
                continue; // not one of ours
            }

            try
            {
                using var stale = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A live write, or a file this process may not delete: leave it.
            }
        }
    }
}
