namespace Nabla;

/// <summary>
/// Shared immutable scalar tensors for the small C# integers written in expressions (<c>x * 2</c>,
/// <c>x + 1</c>), so that the implicit conversion and its dtype conversion cost no allocation.
/// <para>
/// Only integer values are cached: integer tensors are never watched or tracked by a tape, so sharing one
/// object between unrelated expressions cannot connect their gradients. The converted (possibly floating)
/// copies are handed only to binary ops as inputs, never returned to a caller, so no caller can watch them.
/// Slots fill lazily; two threads racing on a slot each get a valid tensor and one of them is kept.
/// </para>
/// </summary>
internal static class ScalarCache
{
    private const int Min = -16;
    private const int Count = 256 + 16;

    private static readonly Tensor?[] s_weakInt32 = new Tensor?[Count];
    private static readonly Tensor?[]?[] s_converted = new Tensor?[]?[16]; // indexed by DTypeCode

    /// <summary>The weakly typed int32 scalar <paramref name="value"/>, shared for small values.</summary>
    public static Tensor WeakInt32(int value)
    {
        uint index = unchecked((uint)(value - Min));
        if (index >= Count)
        {
            return Tensor.Scalar(value, weak: true);
        }

        return s_weakInt32[index] ??= Tensor.Scalar(value, weak: true);
    }

    /// <summary>
    /// The strong scalar of <paramref name="dtype"/> for a weak scalar this cache made, or null for any other
    /// tensor. Only for op inputs that the op does not return.
    /// </summary>
    public static Tensor? ConvertedInput(Tensor weak, DType dtype)
    {
        if (weak.Rank != 0 || weak.DType != DType.Int32 || dtype == DType.Bool)
        {
            return null; // a number never becomes a bool: DTypeRules.ConvertWeak refuses it with TensorFlow's message
        }

        int value = weak.Read<int>()[0];
        uint index = unchecked((uint)(value - Min));
        if (index >= Count || !ReferenceEquals(s_weakInt32[index], weak) || !Fits(value, dtype))
        {
            return null;   // ConvertWeak then converts it, refusing a value out of the dtype's range with TensorFlow's message
        }

        Tensor?[] row = s_converted[(int)dtype.Code] ??= new Tensor?[Count];
        return row[index] ??= Shared(DTypeRules.ConvertDirect(weak, dtype));
    }

    // Whether a cached value (-16..255) is one of the dtype's: int8 lacks 128..255, uint8 the negatives.
    private static bool Fits(int value, DType dtype) => dtype.Code switch
    {
        DTypeCode.Int8 => value <= sbyte.MaxValue,
        DTypeCode.UInt8 => value >= 0,
        _ => true,
    };

    // Marked shared: a gradient rule may hand an input back as a gradient (Backprop.TimesUpstream), and a shared
    // floating scalar must not reach user code that way.
    private static Tensor Shared(Tensor t) => new(t.Buffer, t.Shape, t.DType, t.Size, isWeak: false) { IsShared = true };
}
