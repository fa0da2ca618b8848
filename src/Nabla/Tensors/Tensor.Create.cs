using System.Buffers;

namespace Nabla;

public partial class Tensor
{
    /// <summary>
    /// A new tensor of <paramref name="shape"/> and <typeparamref name="T"/>'s dtype whose elements
    /// <paramref name="fill"/> writes, flat and row-major, into the tensor's own fresh storage (the pattern of
    /// <c>string.Create</c>): for code that produces values in place (a collective that sums across processes into
    /// its buffer, a file reader, a custom kernel) and would otherwise fill a scratch array and copy it with
    /// <see cref="Tf.Constant{T}(ReadOnlySpan{T}, Shape)"/>. The span is the tensor's storage only while
    /// <paramref name="fill"/> runs; the tensor is published when it returns and never changes afterwards (a span
    /// cannot be kept beyond the call), so no caller can write to a tensor's memory after it exists. If
    /// <paramref name="fill"/> throws, no tensor is made.
    /// </summary>
    /// <remarks>
    /// The storage is not zeroed first (tensor outputs are allocated with <c>GC.AllocateUninitializedArray</c>): the
    /// span starts with unspecified values, and <paramref name="fill"/> must write every element.
    /// <paramref name="state"/> is passed to <paramref name="fill"/> so that a static lambda can be used (no closure
    /// allocated per call); it may be a span.
    /// </remarks>
    /// <typeparam name="T">The element type: <c>float</c>, <c>double</c>, <c>int</c>, <c>long</c>, <c>bool</c>,
    /// <c>Half</c>, <see cref="Nabla.BFloat16"/>, <c>sbyte</c>, <c>byte</c> or <c>short</c>.</typeparam>
    /// <typeparam name="TState">What <paramref name="fill"/> needs besides the span.</typeparam>
    /// <param name="shape">The shape; every dimension must be known.</param>
    /// <param name="state">Passed to <paramref name="fill"/>.</param>
    /// <param name="fill">Writes the <c>shape.Size</c> elements.</param>
    /// <returns>The new tensor.</returns>
    /// <exception cref="ArgumentException">When <typeparamref name="T"/> is not a tensor element type, or
    /// <paramref name="shape"/> has an unknown dimension.</exception>
    /// <example>
    /// <code>
    /// Tensor squares = Tensor.Create&lt;float, int&gt;([2, 3], 10, static (span, offset) =&gt;
    /// {
    ///     for (int i = 0; i &lt; span.Length; i++) span[i] = (offset + i) * (offset + i);
    /// });
    /// </code>
    /// </example>
    public static Tensor Create<T, TState>(Shape shape, TState state, SpanAction<T, TState> fill)
        where T : unmanaged
        where TState : allows ref struct
    {
        ArgumentNullException.ThrowIfNull(fill);
        DType dtype = DTypeOf<T>();
        if (!shape.IsFullyDefined)
        {
            throw new ArgumentException($"Tensor.Create needs a fully defined shape to allocate {dtype} storage, got {shape}.", nameof(shape));
        }

        int size = shape.Size;
        var storage = (T[])Storage.Allocate(dtype, size);
        fill(storage, state);
        return new Tensor(storage, shape, dtype, size, isWeak: false);
    }

    /// <summary>
    /// A new tensor of <paramref name="shape"/> whose elements <paramref name="fill"/> writes into its fresh storage:
    /// <see cref="Create{T, TState}(Shape, TState, SpanAction{T, TState})"/> without a state argument.
    /// </summary>
    /// <typeparam name="T">The element type (see the other overload).</typeparam>
    /// <param name="shape">The shape; every dimension must be known.</param>
    /// <param name="fill">Writes every one of the <c>shape.Size</c> elements (the span starts with unspecified values).</param>
    /// <returns>The new tensor.</returns>
    /// <exception cref="ArgumentException">When <typeparamref name="T"/> is not a tensor element type, or
    /// <paramref name="shape"/> has an unknown dimension.</exception>
    public static Tensor Create<T>(Shape shape, Action<Span<T>> fill)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(fill);
        return Create<T, Action<Span<T>>>(shape, fill, static (span, action) => action(span));
    }
}
