namespace Nabla.Backends;

/// <summary>
/// A device's kernels: the one place a second backend (a GPU, a vendor BLAS) plugs in. Every op's kernel runs
/// through <see cref="BackendRegistry"/>: eagerly, in a graph's plan, and in a fused group. The active backend is
/// offered each kernel first; one that returns false leaves it to the CPU kernels, so a backend can start with a
/// few ops (MatMul, Conv2D) and grow. Kernels are keyed by TensorFlow's op type
/// (<see cref="KernelInvocation.OpType"/>) and the output's dtype, with the op's attributes by their NodeDef names.
/// </summary>
public interface IBackend
{
    /// <summary>The name it is registered and selected by.</summary>
    string Name { get; }

    /// <summary>Computes <paramref name="invocation"/>'s output, or returns false (writing nothing) to leave it to the CPU kernels.</summary>
    bool TryRun(KernelInvocation invocation);
}

/// <summary>
/// One kernel call offered to a backend: the op's type and attributes, its inputs, and the output to fill (its
/// buffer is uninitialized; fill every element). Valid only during <see cref="IBackend.TryRun"/>.
/// </summary>
public readonly ref struct KernelInvocation
{
    private readonly Op _op;
    private readonly ReadOnlySpan<Tensor> _inputs;

    internal KernelInvocation(Op op, ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        _op = op;
        _inputs = inputs;
        Output = output;
    }

    /// <summary>TensorFlow's op type (<c>MatMul</c>, <c>AddV2</c>); <c>Fused[..]</c> for a fused elementwise group of a graph's plan.</summary>
    public string OpType => _op.Name;

    /// <summary>The op's attributes by TensorFlow's NodeDef names (<c>transpose_a</c>, <c>axis</c>).</summary>
    public IReadOnlyDictionary<string, object> Attributes => _op.Attributes;

    /// <summary>The inputs, after the op's dtype rules.</summary>
    public ReadOnlySpan<Tensor> Inputs => _inputs;

    /// <summary>The tensor to fill: its shape and dtype are the op's inferred output.</summary>
    public Tensor Output { get; }

    /// <summary>Input <paramref name="index"/>'s elements, row-major.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the input's element type.</exception>
    public ReadOnlySpan<T> InputSpan<T>(int index)
    {
        Tensor input = _inputs[index];
        input.CheckElementType<T>(nameof(InputSpan));
        return input.Read<T>();
    }

    /// <summary>The output's elements, row-major, to write.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the output's element type.</exception>
    public Span<T> OutputSpan<T>()
    {
        Output.CheckElementType<T>(nameof(OutputSpan));
        return Output.Write<T>();
    }

    /// <summary>Runs the CPU kernel into <see cref="Output"/> (a backend wrapping the CPU, or falling back inside <see cref="IBackend.TryRun"/>).</summary>
    public void RunOnCpu() => _op.Forward(_inputs, Output);
}
