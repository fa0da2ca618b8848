using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla;

/// <summary>
/// An op's inputs and output as spans of one element type <typeparamref name="T"/>, handed to a kernel body by
/// <see cref="DTypeDispatch"/>. Inputs and the output of the dispatched dtype read as <typeparamref name="T"/>:
/// float16/bfloat16 ones arrive widened to float32 (the dispatcher owns those pooled buffers), bool ones as bytes
/// holding 0 or 1. Inputs of another dtype (indices, masks) and an output of another dtype (ArgMax's indices, a
/// comparison's bools) are read with <see cref="InAs{TOther}"/> and <see cref="OutAs{TOther}"/>. Every span has
/// exactly the tensor's <see cref="Tensor.Size"/> elements, whatever the length of its storage: an output may
/// live in a longer arena buffer.
/// </summary>
internal readonly ref struct Operands<T>
    where T : unmanaged
{
    private readonly ReadOnlySpan<Tensor> _inputs;
    private readonly Tensor _output;
    private readonly DType _dtype;
    private readonly WideBuffers _wide;

    internal Operands(ReadOnlySpan<Tensor> inputs, Tensor output, DType dtype, in WideBuffers wide)
    {
        _inputs = inputs;
        _output = output;
        _dtype = dtype;
        _wide = wide;
    }

    /// <summary>The dtype dispatched on (float16 when the spans are its widened float32 values).</summary>
    public DType DType => _dtype;

    /// <summary>The number of inputs.</summary>
    public int Count => _inputs.Length;

    /// <summary>The output tensor (its shape and dtype; write through <see cref="Out"/> or <see cref="OutAs{TOther}"/>).</summary>
    public Tensor Output => _output;

    /// <summary>Input <paramref name="i"/> (its shape and dtype).</summary>
    public Tensor Input(int i) => _inputs[i];

    /// <summary>Input <paramref name="i"/>'s elements as <typeparamref name="T"/>; it must have the dispatched dtype.</summary>
    public ReadOnlySpan<T> In(int i)
    {
        Tensor x = _inputs[i];
        Check(x, i);
        float[]? wide = _wide[i];
        return wide is null ? x.Read<T>() : MemoryMarshal.Cast<float, T>(new ReadOnlySpan<float>(wide, 0, x.Size));
    }

    /// <summary>The output's elements as <typeparamref name="T"/>; it must have the dispatched dtype.</summary>
    public Span<T> Out
    {
        get
        {
            Check(_output, -1);
            float[]? wide = _wide.Output;
            return wide is null ? _output.Write<T>() : MemoryMarshal.Cast<float, T>(new Span<float>(wide, 0, _output.Size));
        }
    }

    /// <summary>Input <paramref name="i"/> of another dtype, read as its own storage type <typeparamref name="TOther"/>.</summary>
    public ReadOnlySpan<TOther> InAs<TOther>(int i)
        where TOther : unmanaged
    {
        Tensor x = _inputs[i];
        x.CheckElementType<TOther>("Operands.InAs");
        return x.Read<TOther>();
    }

    /// <summary>The output of another dtype, written as its own storage type <typeparamref name="TOther"/>.</summary>
    public Span<TOther> OutAs<TOther>()
        where TOther : unmanaged
    {
        _output.CheckElementType<TOther>("Operands.OutAs");
        return _output.Write<TOther>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Check(Tensor t, int input)
    {
        if (t.DType != _dtype)
        {
            ThrowWrongDType(t, input);
        }
    }

    private void ThrowWrongDType(Tensor t, int input) => throw new InvalidOperationException(
        $"A kernel dispatched on {_dtype} read {(input < 0 ? "the output" : $"input {input}")} of dtype {t.DType} as {typeof(T).Name}: use InAs/OutAs for other dtypes.");
}

/// <summary>
/// The pooled float32 buffers of widened float16/bfloat16 inputs (by input index) and of the output, owned by
/// <see cref="DTypeDispatch"/>: rented before the kernel runs and returned in a <c>finally</c>.
/// </summary>
internal struct WideBuffers
{
    /// <summary>The most inputs of the dispatched dtype that can be widened in one call.</summary>
    public const int MaxInputs = 4;

    private Slots _inputs;

    /// <summary>The widened output (narrowed into the output tensor after the kernel), or null.</summary>
    public float[]? Output { get; set; }

    public float[]? this[int i]
    {
        readonly get => i < MaxInputs ? _inputs[i] : null;
        set => _inputs[i] = value;
    }

    [InlineArray(MaxInputs)]
    private struct Slots
    {
        private float[]? _element;
    }
}
