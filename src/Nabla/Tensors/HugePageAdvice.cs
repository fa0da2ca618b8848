using System.Runtime.InteropServices;

namespace Nabla;

/// <summary>
/// Asks Linux to back the memory of a large tensor array with 2 MiB pages (madvise MADV_HUGEPAGE), as PyTorch's
/// CPU allocator, jemalloc and glibc can for their large blocks.
/// <para>
/// Why: without the GC settings of Nabla's package (an application that references the project, a notebook), every
/// array of 85,000 bytes or more lives on the large-object heap, and between gen-2 collections the GC gives freed
/// large-object memory back to the operating system. The next output then takes a page fault for each 4 KiB page it
/// touches: 4,096 for a 16 MiB output, at 1-15 µs each depending on the machine (the upper end on this project's
/// VMs). A traced GELU on 4M float32 spent 20 of its 25 ms per call there. With the advice the kernel faults the
/// same memory in 2 MiB pieces, 8 instead of 4,096, and the call took 4.8 ms (benchmarks/results, issue 11).
/// </para>
/// <para>
/// The advice covers the 2 MiB blocks that the array overlaps, so at most one block at each end is shared with
/// memory beside the array (the GC's own). Memory that is already backed is not changed, and contents never are:
/// the advice only chooses the page size of memory that is faulted in later. It is given only for arrays of
/// <see cref="MinimumBytes"/> or more, and never where the AppContext switch <c>Nabla.HugePages</c> is false or the
/// environment variable <c>NABLA_HUGE_PAGES</c> is 0 (for a before/after from outside), or on other systems than Linux.
/// </para>
/// </summary>
internal static unsafe partial class HugePageAdvice
{
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE in <sys/mman.h>
    private const long HugePageBytes = 2L << 20;

    /// <summary>Arrays below this size (two huge pages) are left alone: the system call would not pay.</summary>
    public const long MinimumBytes = 4L << 20;

    /// <summary>Whether advice is given at all in this process (read once, at first use).</summary>
    public static bool Enabled { get; } = OperatingSystem.IsLinux()
        && (!AppContext.TryGetSwitch("Nabla.HugePages", out bool on) || on)
        && Environment.GetEnvironmentVariable("NABLA_HUGE_PAGES") != "0";

    /// <summary>
    /// Advises the 2 MiB blocks that <paramref name="array"/>'s first <paramref name="bytes"/> bytes overlap; true
    /// where the system accepted the advice.
    /// </summary>
    public static bool Advise(Array array, long bytes)
    {
        if (!Enabled || bytes < MinimumBytes)
        {
            return false;
        }

        fixed (byte* data = &MemoryMarshal.GetArrayDataReference(array))
        {
            long start = (long)data & ~(HugePageBytes - 1);
            long end = ((long)data + bytes + HugePageBytes - 1) & ~(HugePageBytes - 1);
            return Madvise((nint)start, (nuint)(end - start), MadviseHugePage) == 0;
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
