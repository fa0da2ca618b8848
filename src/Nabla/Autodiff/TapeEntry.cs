using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla;

/// <summary>
/// One recorded op call: enough to replay its gradient rule later. One or two inputs (nearly every op) are
/// held inline, so recording allocates nothing beyond the entry's slot in the tape's array (32 bytes); more
/// inputs are copied into an array kept in the first slot.
/// </summary>
internal readonly struct TapeEntry
{
    // Two inline inputs, or (more than two) the inputs array in slot 0 and null in slot 1.
    private readonly InputSlots _slots;

    /// <summary>An entry for <paramref name="inputs"/> (copied: the span usually lives on the dispatcher's stack).</summary>
    public TapeEntry(Op op, ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Op = op;
        Output = output;
        if (inputs.Length is 1 or 2)
        {
            _slots[0] = inputs[0];
            if (inputs.Length == 2)
            {
                _slots[1] = inputs[1];
            }
        }
        else
        {
            _slots[0] = inputs.ToArray();
        }
    }

    /// <summary>The op.</summary>
    public Op Op { get; }

    /// <summary>The op's output.</summary>
    public Tensor Output { get; }

    /// <summary>The inputs, in order (a view of this entry: take it from a local copy or an array slot that is never rewritten).</summary>
    [UnscopedRef]
    public ReadOnlySpan<Tensor> Inputs
    {
        get
        {
            object? first = _slots[0];
            if (first is Tensor[] many)
            {
                return many;
            }

            // Slot 0 holds a Tensor here, so the slots read as Tensor references.
            ref Tensor start = ref Unsafe.As<object?, Tensor>(ref Unsafe.AsRef(in _slots[0]));
            return MemoryMarshal.CreateReadOnlySpan(ref start, _slots[1] is null ? 1 : 2);
        }
    }

    [InlineArray(2)]
    private struct InputSlots
    {
        private object? _element;
    }
}

/// <summary>How <see cref="GradientTape.Gradient(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, UnconnectedGradients, GradientReadyCallback)"/> answers for a source the target does not depend on.</summary>
public enum UnconnectedGradients
{
    /// <summary>Return null (TensorFlow's default, <c>None</c>).</summary>
    None,

    /// <summary>Return zeros of the source's shape.</summary>
    Zero,
}
