using System.Buffers.Binary;
using System.Text;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// Makes TorchSharp-cpu 0.107.0's native shim load on Debian 12, whose libstdc++ stops at GLIBCXX_3.4.30.
/// </summary>
/// <remarks>
/// A C# port of <c>shared/tools/torchsharp-debian12/fix_glibcxx.py</c>, run in-process before TorchSharp
/// is first touched, so it also covers the copies in BenchmarkDotNet's generated child projects and a
/// clean machine without patchelf or Python. It edits only the copy of <c>libLibTorchSharp.so</c> under
/// the running application's folder (never the NuGet cache; the file is replaced, not written through):
/// 1. like <c>patchelf --clear-symbol-version _ZSt21ios_base_library_initv</c>, the symbol's entry in
///    <c>.gnu.version</c> becomes 1 (global, unversioned); the shim only references it, never calls it;
/// 2. the <c>GLIBCXX_3.4.32</c> entry of <c>.gnu.version_r</c> gets <c>VER_FLG_WEAK</c>, which glibc's
///    loader treats as non-fatal. Both edits are idempotent; the output matches the Python tool's byte
///    for byte (see benchmarks/README.md).
/// </remarks>
public static class TorchSharpNative
{
    private const string ShimName = "libLibTorchSharp.so";
    private const string Symbol = "_ZSt21ios_base_library_initv";
    private const string Version = "GLIBCXX_3.4.32";
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerneed = 0x6FFFFFFE;
    private const uint ShtGnuVersym = 0x6FFFFFFF;
    private const ushort VerFlagWeak = 0x2;

    private static readonly Lock s_gate = new();
    private static bool s_done;

    /// <summary>Patches the shim next to the running application once per process, if it needs it.</summary>
    /// <returns>The paths patched in this call (empty when nothing needed it).</returns>
    public static IReadOnlyList<string> EnsureLoadable()
    {
        lock (s_gate)
        {
            if (s_done || !OperatingSystem.IsLinux())
            {
                return [];
            }

            s_done = true;
            var patched = new List<string>();
            foreach (string path in Directory.EnumerateFiles(AppContext.BaseDirectory, ShimName, SearchOption.AllDirectories))
            {
                if (PatchFile(path))
                {
                    patched.Add(path);
                }
            }

            return patched;
        }
    }

    /// <summary>Patches one file in place (atomically replaced); returns whether anything changed.</summary>
    public static bool PatchFile(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        if (!Patch(data))
        {
            return false;
        }

        string temporary = path + ".patching";
        File.WriteAllBytes(temporary, data);
        File.Move(temporary, path, overwrite: true);
        return true;
    }

    /// <summary>Applies both edits to an ELF64 little-endian image; returns whether a byte changed.</summary>
    public static bool Patch(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length < 64 || data[0] != 0x7F || data[1] != (byte)'E' || data[4] != 2 || data[5] != 1)
        {
            return false; // not an ELF64 little-endian file
        }

        Span<byte> image = data;
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(image[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(image[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(image[0x3C..]);
        var sections = new Section[shnum];
        for (int i = 0; i < shnum; i++)
        {
            ReadOnlySpan<byte> h = image.Slice((int)(shoff + (i * shentsize)), 64);
            sections[i] = new Section(
                BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(h[32..]),
                (int)BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                (int)BinaryPrimitives.ReadUInt32LittleEndian(h[44..]));
        }

        return ClearSymbolVersion(image, sections) | WeakenVersion(image, sections);
    }

    private static bool ClearSymbolVersion(Span<byte> image, Section[] sections)
    {
        Section? dynsym = null;
        Section? versym = null;
        foreach (Section s in sections)
        {
            if (s.Type == ShtDynsym)
            {
                dynsym = s;
            }
            else if (s.Type == ShtGnuVersym)
            {
                versym = s;
            }
        }

        if (dynsym is not { } symbols || versym is not { } versions)
        {
            return false;
        }

        long strtab = sections[symbols.Link].Offset;
        bool changed = false;
        long count = symbols.Size / 24;
        for (long i = 0; i < count; i++)
        {
            uint name = BinaryPrimitives.ReadUInt32LittleEndian(image[(int)(symbols.Offset + (i * 24))..]);
            if (!NameIs(image, strtab + name, Symbol))
            {
                continue;
            }

            Span<byte> entry = image.Slice((int)(versions.Offset + (i * 2)), 2);
            if (BinaryPrimitives.ReadUInt16LittleEndian(entry) != 1)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(entry, 1);
                changed = true;
            }
        }

        return changed;
    }

    private static bool WeakenVersion(Span<byte> image, Section[] sections)
    {
        foreach (Section s in sections)
        {
            if (s.Type != ShtGnuVerneed)
            {
                continue;
            }

            long strtab = sections[s.Link].Offset;
            long vn = s.Offset;
            for (int n = 0; n < s.Info; n++)
            {
                int count = BinaryPrimitives.ReadUInt16LittleEndian(image[(int)(vn + 2)..]);
                long aux = vn + BinaryPrimitives.ReadUInt32LittleEndian(image[(int)(vn + 8)..]);
                for (int a = 0; a < count; a++)
                {
                    Span<byte> flags = image.Slice((int)(aux + 4), 2);
                    uint name = BinaryPrimitives.ReadUInt32LittleEndian(image[(int)(aux + 8)..]);
                    if (NameIs(image, strtab + name, Version))
                    {
                        ushort value = BinaryPrimitives.ReadUInt16LittleEndian(flags);
                        if ((value & VerFlagWeak) != 0)
                        {
                            return false;
                        }

                        BinaryPrimitives.WriteUInt16LittleEndian(flags, (ushort)(value | VerFlagWeak));
                        return true;
                    }

                    aux += BinaryPrimitives.ReadUInt32LittleEndian(image[(int)(aux + 12)..]);
                }

                vn += BinaryPrimitives.ReadUInt32LittleEndian(image[(int)(vn + 12)..]);
            }
        }

        return false;
    }

    private static bool NameIs(ReadOnlySpan<byte> image, long offset, string expected)
    {
        ReadOnlySpan<byte> rest = image[(int)offset..];
        int end = rest.IndexOf((byte)0);
        return end >= 0 && Encoding.ASCII.GetString(rest[..end]) == expected;
    }

    private readonly record struct Section(uint Type, long Offset, long Size, int Link, int Info);
}
