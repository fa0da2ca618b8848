using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// Pins every thread of this process to one core for the 1-thread rows, and lets them use every core again for the
/// others (Linux only; elsewhere it does nothing).
/// </summary>
/// <remarks>
/// A 1-thread row that limits only the libraries' worker threads still lets the garbage collector's background
/// thread, the JIT's tier-1 compilation and libtorch's helpers run on the second core, which flatters whichever
/// library leans on them more (issue 11: "the 1-thread rows let the GC and the JIT use the second core"). Pinned,
/// the whole process shares one core, as <c>taskset -c 0</c> on the command line would: each thread that exists is
/// pinned by its id, and threads created later inherit their creator's mask. One difference remains, stated in
/// SUMMARY.md: the runtime started with two processors visible, so <see cref="Environment.ProcessorCount"/> still
/// says 2 (neither library sizes anything by it in these cases once its thread count is set).
/// BenchmarkDotNet runs each case in its own process, so a row's pinning ends with it; in-process runs get the
/// original mask back when the next case asks for more than one thread.
/// </remarks>
public static partial class CorePinning
{
    private static CpuSet? s_original;

    /// <summary>The CPU the 1-thread rows run on, or -1 when this process is not pinned.</summary>
    public static int PinnedCpu { get; private set; } = -1;

    /// <summary>Pins the whole process to one core when <paramref name="threads"/> is 1, else restores the original mask.</summary>
    public static void Apply(int threads)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        s_original ??= Read(0);
        if (threads == 1)
        {
            int cpu = s_original.Value.Lowest();
            if (PinnedCpu != cpu)
            {
                CpuSet one = default;
                one.Set(cpu);
                SetAllThreads(one);
                PinnedCpu = cpu;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// every thread of this process pinned to CPU {cpu} (1-thread row)"));
            }
        }
        else if (PinnedCpu >= 0)
        {
            SetAllThreads(s_original.Value);
            PinnedCpu = -1;
        }
    }

    // A thread started while the list is read is created by a thread that may not be pinned yet: read the list again
    // until a pass finds no thread whose mask differs, then check every thread once more.
    private static void SetAllThreads(CpuSet mask)
    {
        for (int pass = 0; pass < 10; pass++)
        {
            bool changed = false;
            foreach (int tid in ThreadIds())
            {
                if (!Read(tid).SameAs(mask))
                {
                    Write(tid, mask);
                    changed = true;
                }
            }

            if (!changed)
            {
                return;
            }
        }

        throw new InvalidOperationException("Could not set the CPU mask of every thread of the benchmark process: threads kept starting.");
    }

    private static IEnumerable<int> ThreadIds()
    {
        foreach (string path in Directory.GetDirectories("/proc/self/task"))
        {
            if (int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out int tid))
            {
                yield return tid;
            }
        }
    }

    private static CpuSet Read(int tid)
    {
        CpuSet set = default;
        if (SchedGetAffinity(tid, Unsafe.SizeOf<CpuSet>(), ref set) != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            // A thread that ended between the listing and this call has nothing left to pin.
            return error == 3 /* ESRCH */ ? set : throw new InvalidOperationException($"sched_getaffinity({tid}) failed with errno {error}.");
        }

        return set;
    }

    private static void Write(int tid, CpuSet set)
    {
        if (SchedSetAffinity(tid, Unsafe.SizeOf<CpuSet>(), ref set) != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            if (error != 3 /* ESRCH: the thread has ended */)
            {
                throw new InvalidOperationException($"sched_setaffinity({tid}) failed with errno {error}.");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int tid, nint size, ref CpuSet set);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int tid, nint size, ref CpuSet set);

    /// <summary>glibc's <c>cpu_set_t</c>: 1,024 bits.</summary>
    [InlineArray(16)]
    private struct CpuSet
    {
        private ulong _word;

        public void Set(int cpu) => this[cpu / 64] |= 1UL << (cpu % 64);

        public readonly int Lowest()
        {
            for (int i = 0; i < 16; i++)
            {
                if (this[i] != 0)
                {
                    return (i * 64) + System.Numerics.BitOperations.TrailingZeroCount(this[i]);
                }
            }

            throw new InvalidOperationException("This process may run on no CPU at all (empty affinity mask).");
        }

        public readonly bool SameAs(CpuSet other)
        {
            for (int i = 0; i < 16; i++)
            {
                if (this[i] != other[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
