using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla;

/// <summary>
/// An immutable n-dimensional array of one <see cref="Nabla.DType"/> (TensorFlow's <c>tf.Tensor</c>).
/// Storage is a managed array in row-major order, so tensors need no <c>Dispose</c>: the GC frees them.
/// A tensor never changes after it is created; a <see cref="Variable"/> changes by swapping in a new buffer.
/// </summary>
public partial class Tensor
{
    private protected Array _buffer;

    /// <summary>Wraps a buffer the caller hands over: nothing may write to it afterwards.</summary>
    internal Tensor(Array buffer, Shape shape, DType dtype, bool isWeak = false)
        : this(buffer, shape, dtype, shape.Size, isWeak)
    {
    }

    /// <summary>Wraps a buffer whose element count the caller already knows (it must equal <c>shape.Size</c>).</summary>
    internal Tensor(Array buffer, Shape shape, DType dtype, int size, bool isWeak)
    {
        _buffer = buffer;
        Shape = shape;
        DType = dtype;
        Size = size;
        IsWeak = isWeak;
    }

    /// <summary>The dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>The number of elements.</summary>
    public int Size { get; }

    /// <summary>
    /// Whether this is a symbolic tensor of a graph being traced or built (<see cref="FuncGraph"/>): it has a shape
    /// (possibly with unknown dimensions, see <see cref="Shape.IsFullyDefined"/>) and a dtype, but no values.
    /// </summary>
    public bool IsSymbolic => this is SymbolicTensor or SpecTensor;

    /// <summary>
    /// A tensor made implicitly from a C# scalar or array is weakly typed: in a binary op it takes the dtype
    /// of the strongly typed tensor beside it (API.md's rule, TensorFlow's Python-scalar conversion).
    /// </summary>
    internal bool IsWeak { get; }

    /// <summary>
    /// A tensor shared between unrelated computations to save allocations: the ones seeds of backprop and the
    /// converted small C# integers of <see cref="ScalarCache"/> (ARCHITECTURE.md, "Speed tricks of the autodiff
    /// core"). It must never reach user code, which could watch it and so connect the gradients of everything
    /// that uses it: where a gradient leaves the tape, a shared tensor is replaced by a fresh alias.
    /// </summary>
    internal bool IsShared { get; init; }

    /// <summary>
    /// The tokens of the tapes that recorded this tensor as an op output or variable snapshot: null, one token,
    /// or an array of them for nested tapes. Written once, by the flow that created the tensor, when the op is
    /// recorded; read by tapes deciding whether an op that consumes the tensor must be recorded.
    /// </summary>
    internal object? RecordedBy { get; set; }

    /// <summary>
    /// The storage array (<c>T[]</c> of the dtype's CLR type; it may be longer than <see cref="Size"/>, e.g. an
    /// arena buffer reused across graph steps). Ops never read it: they see spans of exactly <see cref="Size"/>
    /// elements (<see cref="Read{T}"/>, <see cref="Write{T}"/>, <see cref="ReadBytes"/>, DTypeDispatch's operands), or
    /// share it with <see cref="Alias"/> (an architecture test checks this).
    /// </summary>
    internal Array Buffer => _buffer;

    /// <summary>The elements' bytes (<see cref="Size"/> elements), for kernels that move elements without reading them.</summary>
    /// <exception cref="InvalidOperationException">When the elements take more bytes than a span can address (2 GiB).</exception>
    internal ReadOnlySpan<byte> ReadBytes()
        => MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(_buffer), ByteCountAsInt());

    /// <summary>The elements' bytes, writable: for filling a freshly allocated output only.</summary>
    /// <exception cref="InvalidOperationException">When the elements take more bytes than a span can address (2 GiB).</exception>
    internal Span<byte> WriteBytes()
        => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(_buffer), ByteCountAsInt());

    /// <summary>The elements' size in bytes (a long: 600 million float32 elements take more than int.MaxValue bytes).</summary>
    internal long ByteCount => (long)Size * DType.Size;

    // A byte span's length is an int: Size * DType.Size in int arithmetic wrapped above 2 GiB into a short (or
    // negative) length, and so a silently truncated copy. Element-typed spans (Read<T>) have no such limit.
    private int ByteCountAsInt()
    {
        long bytes = ByteCount;
        return bytes <= int.MaxValue
            ? (int)bytes
            : throw new InvalidOperationException(
                $"The {DType} tensor of shape {Shape} takes {bytes} bytes: more than the {int.MaxValue} bytes an operation moving raw bytes can address.");
    }

    /// <summary>
    /// A new tensor sharing this one's (never written) storage with another shape of the same size and optionally
    /// another dtype of the same element size: what Reshape, Identity and StopGradient return instead of a copy.
    /// </summary>
    /// <remarks>
    /// An alias of a variable, or of a read an eager op borrowed from one (<see cref="LentRead"/>), may outlive the
    /// op: the variable's buffer is then shared, and its next update must not write into it.
    /// </remarks>
    internal Tensor Alias(Shape shape, DType dtype, bool isWeak = false)
    {
        if (this is LentRead lent)
        {
            lent.Variable.MarkShared();
        }
        else if (this is Variable variable)
        {
            variable.MarkShared();
        }

        return new(_buffer, shape, dtype, Size, isWeak);
    }

    /// <summary>The elements as a read-only span; <typeparamref name="T"/> must be the dtype's storage type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<T> Read<T>() => new(Unsafe.As<T[]>(_buffer), 0, Size);

    /// <summary>
    /// The elements as a writable span, for filling a freshly allocated output only; a published tensor
    /// must never be written to.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<T> Write<T>() => new(Unsafe.As<T[]>(_buffer), 0, Size);

    /// <summary>A new tensor whose buffer is allocated but not initialised; the caller fills it.</summary>
    internal static Tensor Uninitialized(Shape shape, DType dtype)
    {
        int size = shape.Size;
        return new Tensor(Storage.Allocate(dtype, size), shape, dtype, size, isWeak: false);
    }

    /// <summary>
    /// The tensor an op sees as its input: itself, or for a variable a snapshot of its current value,
    /// so that later assignments do not change what was recorded for a gradient.
    /// </summary>
    internal virtual Tensor ReadForOp() => this;

    /// <summary>Checks that the element storage type is <typeparamref name="T"/>.</summary>
    internal void CheckElementType<T>(string operation)
    {
        if (DType.ClrType != typeof(T))
        {
            throw new InvalidOperationException(
                $"{operation}<{typeof(T).Name}> does not match the tensor's dtype {DType} (elements are {DType.ClrType.Name}).");
        }
    }
}
