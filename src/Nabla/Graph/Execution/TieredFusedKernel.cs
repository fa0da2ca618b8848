namespace Nabla;

/// <summary>A fused group's compiled loop (or sum), or null where it runs in the interpreter, with the shape it needs.</summary>
/// <param name="Body">The compiled delegate, or null when the group does not compile.</param>
/// <param name="Period">The period of the group's cyclic inputs (0 when there are none).</param>
/// <param name="Width">The floats per step; outputs shorter than this go to the interpreter.</param>
internal sealed record FusedKernel<TBody>(TBody? Body, int Period, int Width)
    where TBody : Delegate
{
    /// <summary>The body, where it can run an output of <paramref name="size"/> elements; otherwise null.</summary>
    public TBody? For(int size) => size >= Width ? Body : null;
}

/// <summary>
/// When a fused group compiles its loop: like the runtime's tiered JIT, a group with a small output runs its first
/// <see cref="FusedKernelCompiler.InterpretedCalls"/> calls in the tile interpreter and compiles on the next one.
/// </summary>
/// <remarks>
/// Why (issue 11, docs/ARCHITECTURE.md "Start-up"): compiling a group creates its expression type at run time and
/// JIT-compiles its loop fully optimized, a few milliseconds per group, which a function's first call paid for every
/// group before its first result. The interpreter runs the ops' span kernels, which the eager ops use too, so on a
/// small output it finishes the first call sooner than the compile would; from the next call on the group runs
/// compiled. Outputs larger than <see cref="FusedKernelCompiler.InterpretFirstMaxElements"/> compile on their first
/// call, where the interpreter's per-tile calls into not yet optimized kernels would cost more than the compile.
/// The choice is made once per call (<see cref="ForCall"/>): every range of one call runs the same path, and the two
/// agree within the fusion tolerance (bitwise but for tanh; a fused sum only by rounding).
/// Compiling twice under a race is harmless: both compiles yield the same delegate.
/// </remarks>
internal sealed class TieredFusedKernel<TBody>(Func<FusedKernel<TBody>> compile)
    where TBody : Delegate
{
    private volatile FusedKernel<TBody>? _compiled;
    private int _calls;

    /// <summary>Whether the compile has run (the group's next call runs compiled where it compiles).</summary>
    public bool IsSettled => _compiled is not null;

    /// <summary>The group's kernel, compiling it now if it has not been yet.</summary>
    public FusedKernel<TBody> Compiled => _compiled ??= compile();

    /// <summary>Counts one call of the group; returns the compiled body to run it with, or null for the interpreter.</summary>
    /// <param name="size">The call's output (or reduced input) elements.</param>
    public TBody? ForCall(int size)
    {
        if (_compiled is { } ready)
        {
            return ready.For(size);
        }

        if (size <= FusedKernelCompiler.InterpretFirstMaxElements
            && Interlocked.Increment(ref _calls) <= FusedKernelCompiler.InterpretedCalls)
        {
            return null;
        }

        return Compiled.For(size);
    }
}
