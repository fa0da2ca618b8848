using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// A reduction over a set of axes (all when none are given), optionally keeping them as size-1 dimensions.
/// The op object holds its normalised axes; subclasses pick the kernel per dtype and state the gradient.
/// </summary>
internal abstract class ReduceOp : Op
{
    public override bool SupportsUnknownDims => true;

    // Masks of up to this many axes live on the stack (no allocation per call).
    private const int MaxStackRank = 16;

    protected ReduceOp(string name, DTypeSet supported, int[]? axes, bool keepDims)
        : base(name)
    {
        Supported = supported;
        RequestedAxes = axes;
        KeepDims = keepDims;
    }

    public DTypeSet Supported { get; }

    /// <summary>The axes as given (null = all), normalised per input in <see cref="ReducedMask"/>.</summary>
    public int[]? RequestedAxes { get; }

    public bool KeepDims { get; }

    /// <summary>TensorFlow's attributes: the reduced axes as given (null = all) and keep_dims.</summary>
    public override IReadOnlyDictionary<string, object> Attributes =>
        new Dictionary<string, object> { ["axis"] = RequestedAxes?.Clone() ?? Array.Empty<int>(), ["keep_dims"] = KeepDims };

    /// <summary>The axes argument of a single-axis Tf overload: null (all axes) stays null.</summary>
    public static int[]? AxesOf(int? axis) => axis is { } a ? [a] : null;

    /// <summary>Which axes of an input of rank <paramref name="rank"/> are reduced; validates the axes.</summary>
    public bool[] ReducedMask(int rank, Shape shape)
    {
        var mask = new bool[rank];
        FillReducedMask(mask, shape);
        return mask;
    }

    /// <summary>Writes which axes of <paramref name="shape"/> are reduced into <paramref name="mask"/> (its rank long); validates the axes.</summary>
    public void FillReducedMask(Span<bool> mask, Shape shape)
    {
        if (RequestedAxes is null)
        {
            mask.Fill(true);
            return;
        }

        mask.Clear();
        foreach (int axis in RequestedAxes)
        {
            int a = Axes.Normalize(Name, axis, mask.Length, shape);
            if (mask[a])
            {
                throw Axes.Duplicate(Name, a, shape);
            }

            mask[a] = true;
        }
    }

    /// <summary>The input's shape with reduced axes set to 1 (the keepdims shape), used by gradients to broadcast back.</summary>
    public Shape KeptShape(Shape input)
    {
        Span<bool> mask = input.Rank <= MaxStackRank ? stackalloc bool[input.Rank] : new bool[input.Rank];
        FillReducedMask(mask, input);
        var dims = input.ToArray();
        for (int i = 0; i < dims.Length; i++)
        {
            if (mask[i])
            {
                dims[i] = 1;
            }
        }

        return Shape.FromOwnedArray(dims);
    }

    /// <summary>
    /// <paramref name="reduced"/> (the output or its gradient) with the reduced axes back as 1s, to broadcast against
    /// <paramref name="x"/>. Where x's shape has unknown dimensions (and there is more than one to keep, which a
    /// reshape's one -1 cannot say) it is broadcast to x's shape when the graph runs instead.
    /// </summary>
    public Tensor Kept(Tensor reduced, Tensor x)
    {
        if (KeepDims)
        {
            return reduced;
        }

        Shape kept = KeptShape(x.Shape);
        return kept.Dims.Count(Shape.UnknownDim) <= 1 ? Tf.Reshape(reduced, kept) : ShapeLike.BroadcastTo(reduced, x, ReducedAxes(x.Shape));
    }

    /// <summary><paramref name="reduced"/> (the output's gradient) broadcast back to <paramref name="x"/>'s shape.</summary>
    public Tensor BroadcastBack(Tensor reduced, Tensor x)
        => x.Shape.IsFullyDefined
            ? Tf.BroadcastTo(Tf.Reshape(reduced, KeptShape(x.Shape)), x.Shape)
            : ShapeLike.BroadcastTo(reduced, x, KeepDims ? null : ReducedAxes(x.Shape));

    // The reduced axes of an input of this shape, in increasing order.
    private int[] ReducedAxes(Shape shape)
    {
        bool[] mask = ReducedMask(shape.Rank, shape);
        var axes = new List<int>(mask.Length);
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i])
            {
                axes.Add(i);
            }
        }

        return [.. axes];
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        DTypeRules.Require(Name, x.DType, Supported, x.Shape);
        Span<bool> mask = x.Rank <= MaxStackRank ? stackalloc bool[x.Rank] : new bool[x.Rank];
        FillReducedMask(mask, x.Shape);
        if (KeepDims)
        {
            var kept = x.Shape.ToArray();
            for (int i = 0; i < kept.Length; i++)
            {
                kept[i] = mask[i] ? 1 : kept[i];
            }

            return new TensorSpec(Shape.FromOwnedArray(kept), OutputDType(x.DType));
        }

        int count = 0;
        foreach (bool reduced in mask)
        {
            count += reduced ? 0 : 1;
        }

        if (count == 0)
        {
            return new TensorSpec(Shape.Scalar, OutputDType(x.DType));
        }

        ReadOnlySpan<int> inputDims = x.Shape.Dims;
        var dims = new int[count];
        count = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (!mask[i])
            {
                dims[count++] = inputDims[i];
            }
        }

        return new TensorSpec(Shape.FromOwnedArray(dims), OutputDType(x.DType));
    }

    /// <summary>The output dtype (the input's, except for ArgMax-like ops).</summary>
    protected virtual DType OutputDType(DType input) => input;

    /// <summary>Runs a reduce kernel over <paramref name="x"/> (of <paramref name="shape"/>) into <paramref name="output"/>.</summary>
    protected void Reduce<T, TKernel>(ReadOnlySpan<T> x, Shape shape, Span<T> output)
        where TKernel : IReduceKernel<T>
    {
        Span<bool> mask = shape.Rank <= MaxStackRank ? stackalloc bool[shape.Rank] : new bool[shape.Rank];
        FillReducedMask(mask, shape);
        Reduction.Run<T, TKernel>(x, shape.Dims, mask, output);
    }
}

/// <summary>
/// A reduction over every numeric dtype, stated once as generic methods; <see cref="NumericReduceKernel{T, TFamily}"/>
/// turns it into the <see cref="IReduceKernel{T}"/> of one element type.
/// </summary>
internal interface INumericReduceFamily
{
    /// <summary>The value of an empty reduction.</summary>
    static abstract T Identity<T>()
        where T : unmanaged, INumber<T>;

    /// <summary>Reduces a contiguous run to one value.</summary>
    static abstract T ReduceRun<T>(ReadOnlySpan<T> x)
        where T : unmanaged, INumber<T>;

    /// <summary><c>accumulator[i] = op(accumulator[i], x[i])</c>.</summary>
    static abstract void Combine<T>(ReadOnlySpan<T> x, Span<T> accumulator)
        where T : unmanaged, INumber<T>;
}

/// <summary>The reduce kernel of <typeparamref name="TFamily"/> for element type <typeparamref name="T"/>.</summary>
internal readonly struct NumericReduceKernel<T, TFamily> : IReduceKernel<T>
    where T : unmanaged, INumber<T>
    where TFamily : INumericReduceFamily
{
    public static T Identity => TFamily.Identity<T>();

    public static T ReduceRun(ReadOnlySpan<T> x) => TFamily.ReduceRun(x);

    public static void Combine(ReadOnlySpan<T> x, Span<T> accumulator) => TFamily.Combine(x, accumulator);
}

/// <summary>
/// A reduction over the numeric dtypes whose kernel is a <see cref="INumericReduceFamily"/>, dispatched on the dtype
/// once by <see cref="DTypeDispatch"/> (float16/bfloat16 are reduced in float32); subclasses state only the gradient.
/// </summary>
internal abstract class NumericReduceOp<TFamily> : ReduceOp
    where TFamily : INumericReduceFamily
{
    protected NumericReduceOp(string name, int[]? axes, bool keepDims)
        : base(name, DTypeSet.Numeric, axes, keepDims)
    {
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => DTypeDispatch.Numeric(new Body(this), inputs, output, inputs[0].DType);

    private readonly struct Body(NumericReduceOp<TFamily> op) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T>
            => op.Reduce<T, NumericReduceKernel<T, TFamily>>(o.In(0), o.Input(0).Shape, o.Out);
    }
}

/// <summary>Axis arguments: negative values count from the end; out-of-range ones throw naming the op and shape.</summary>
internal static class Axes
{
    /// <summary>TensorFlow's error for an axis given twice (<c>ReduceSum(x, [0, 0])</c>, or <c>[1, -1]</c> on a matrix).</summary>
    public static ArgumentException Duplicate(string op, int axis, Shape shape) =>
        new($"{op}: Invalid reduction arguments: Axes contains duplicate dimension: {axis} (input shape {shape}) [Op:{op}].");

    public static int Normalize(string op, int axis, int rank, Shape shape)
    {
        int a = axis < 0 ? axis + rank : axis;
        if ((uint)a >= (uint)System.Math.Max(rank, 0) || rank == 0)
        {
            throw new ArgumentException(
                $"Invalid axis {axis} for {op} on a tensor of shape {shape} (rank {rank}): it must be in [{-rank}, {rank}).");
        }

        return a;
    }
}
