using System.Runtime.CompilerServices;

namespace Nabla.Backends;

/// <summary>
/// The registered backends and the active one. The CPU kernels are always there (<see cref="Cpu"/>); another
/// backend is registered once and made active for the process with <see cref="Use"/> (like <c>Tf.Config</c>'s
/// settings, not per thread). With the CPU active, a kernel call costs one static read more than calling the
/// kernel: the seam is free for everyone who does not use it.
/// </summary>
public static class BackendRegistry
{
    private static readonly object Gate = new();
    private static readonly List<IBackend> Backends = [CpuBackend.Instance];
    private static IBackend? s_active; // null: the CPU kernels, called directly

    /// <summary>The CPU kernels.</summary>
    public static IBackend Cpu => CpuBackend.Instance;

    /// <summary>The backend kernels run on now.</summary>
    public static IBackend Active => s_active ?? CpuBackend.Instance;

    /// <summary>The registered backends, the CPU first.</summary>
    public static IReadOnlyList<IBackend> Registered
    {
        get
        {
            lock (Gate)
            {
                return [.. Backends];
            }
        }
    }

    /// <summary>Registers <paramref name="backend"/> under its <see cref="IBackend.Name"/>.</summary>
    /// <exception cref="ArgumentException">A backend of that name is registered already.</exception>
    public static void Register(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentException.ThrowIfNullOrEmpty(backend.Name, nameof(backend));
        lock (Gate)
        {
            if (Backends.Exists(b => b.Name == backend.Name))
            {
                throw new ArgumentException($"A backend named '{backend.Name}' is registered already.", nameof(backend));
            }

            Backends.Add(backend);
        }
    }

    /// <summary>
    /// Makes the backend named <paramref name="name"/> the active one until the returned scope is disposed, which
    /// restores the one active before.
    /// </summary>
    /// <exception cref="ArgumentException">No backend of that name is registered.</exception>
    public static IDisposable Use(string name)
    {
        IBackend backend;
        lock (Gate)
        {
            backend = Backends.Find(b => b.Name == name)
                ?? throw new ArgumentException($"No backend named '{name}' is registered (registered: {string.Join(", ", Backends.Select(b => b.Name))}).", nameof(name));
        }

        IBackend? previous = s_active;
        s_active = ReferenceEquals(backend, CpuBackend.Instance) ? null : backend;
        return new Restore(previous);
    }

    /// <summary>Runs <paramref name="op"/>'s kernel on the active backend, or the CPU kernel when it declines.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Run(Op op, ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        IBackend? active = s_active;
        if (active is null || !active.TryRun(new KernelInvocation(op, inputs, output)))
        {
            op.Forward(inputs, output);
        }
    }

    private sealed class Restore(IBackend? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                s_active = previous;
            }
        }
    }

    private sealed class CpuBackend : IBackend
    {
        public static readonly CpuBackend Instance = new();

        public string Name => "cpu";

        public bool TryRun(KernelInvocation invocation)
        {
            invocation.RunOnCpu();
            return true;
        }
    }
}
