namespace Nabla;

/// <summary>
/// The kernel of an elementwise unary op over one tile: <c>y[i] = f(x[i])</c> for spans of equal length (a tile
/// that fits in L1, or a whole chunk of a tensor). It is the op's kernel as the graph's fusion pass runs it: one
/// interface call per tile, never per element. An op implements it for each element type it computes in
/// (float16/bfloat16 are computed in float32: the caller widens a tile, applies, narrows). <c>x</c> and
/// <c>y</c> may be the same span (in place). The op's own <c>Forward</c> runs through the same tiles
/// (<see cref="DTypeDispatch.Elementwise"/>), so the two cannot disagree.
/// </summary>
/// <typeparam name="TIn">The input element type (float, double, int, long, bool).</typeparam>
/// <typeparam name="TOut">The output element type: the same, or bool for predicates (IsNan).</typeparam>
internal interface IUnaryTile<TIn, TOut>
{
    void ApplyTile(ReadOnlySpan<TIn> x, Span<TOut> y);
}

/// <summary>
/// The kernel of an elementwise binary op over one tile, in the three shapes a fused or broadcast walk meets: two
/// runs, a run and a scalar, a scalar and a run (all spans of one length; <c>z</c> may be one of the
/// inputs). One interface call per tile, never per element; the op's broadcasting <c>Forward</c> runs the same
/// kernel per contiguous run.
/// </summary>
/// <typeparam name="TIn">The operands' element type (float, double, int, long, bool).</typeparam>
/// <typeparam name="TOut">The output element type: the same, or bool for comparisons.</typeparam>
internal interface IBinaryTile<TIn, TOut>
{
    void ApplyTile(ReadOnlySpan<TIn> x, ReadOnlySpan<TIn> y, Span<TOut> z);

    void ApplyTile(ReadOnlySpan<TIn> x, TIn y, Span<TOut> z);

    void ApplyTile(TIn x, ReadOnlySpan<TIn> y, Span<TOut> z);
}
