using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// Shape ops whose target shape is another tensor's shape when the graph runs, for graphs traced with unknown
/// dimensions: there a gradient cannot write its target as a <see cref="Shape"/> attribute (<c>(None, None)</c> says
/// nothing about the sizes of a call), so it passes the tensor whose shape it means. TensorFlow writes the same
/// thing as <c>tf.reshape(g, tf.shape(x))</c> and <c>BroadcastGradientArgs</c>. Gradients use these only where
/// some shape is not fully defined; known shapes keep their attribute forms.
/// </summary>
internal static class ShapeLike
{
    /// <summary>
    /// <paramref name="x"/> broadcast to the shape of <paramref name="like"/>; <paramref name="insertedAxes"/>, when
    /// given, are axes of <paramref name="like"/> that <paramref name="x"/> lacks (a reduction's removed axes).
    /// </summary>
    public static Tensor BroadcastTo(Tensor x, Tensor like, int[]? insertedAxes = null) => new BroadcastLikeOp(insertedAxes).Call(x, like);

    /// <summary><paramref name="gradient"/> summed over the axes along which <paramref name="like"/> was broadcast to it.</summary>
    public static Tensor SumTo(Tensor gradient, Tensor like) => SumLikeOp.Instance.Call(gradient, like);

    /// <summary>The elements of <paramref name="x"/> in the shape of <paramref name="like"/> (a view, as Reshape).</summary>
    public static Tensor Reshape(Tensor x, Tensor like) => ReshapeLikeOp.Instance.Call(x, like);

    /// <summary>
    /// Whether <paramref name="t"/>'s values can be read now: false for a traced tensor whose values only exist when
    /// the graph runs, and for the stand-ins of a plan (which sizes a graph before it runs).
    /// </summary>
    internal static bool HasValues(Tensor t) => t is not (SymbolicTensor { HasConstantValue: false } or SpecTensor);

    /// <summary>The values of a tensor that has them (<see cref="HasValues"/>): a traced constant's as a plain tensor.</summary>
    internal static Tensor Values(Tensor t) => t is SymbolicTensor { HasConstantValue: true } symbolic ? symbolic.KnownValue : t;

    /// <summary>Whether dimensions <paramref name="a"/> and <paramref name="b"/> can be equal (the same, or one unknown).</summary>
    internal static bool Compatible(int a, int b) => a == b || a == Shape.UnknownDim || b == Shape.UnknownDim;
}

/// <summary>BroadcastTo with the target shape read from its second input (see <see cref="ShapeLike"/>).</summary>
internal sealed class BroadcastLikeOp(int[]? insertedAxes) : Op("BroadcastTo")
{
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        Shape target = inputs[1].Shape;
        int[] expanded = Expanded(x.Shape, target.Rank);
        int lead = target.Rank - expanded.Length;
        int[] dims = target.ToArray();
        bool fits = lead >= 0;
        for (int i = 0; fits && i < expanded.Length; i++)
        {
            int d = expanded[i];
            fits = d == 1 || ShapeLike.Compatible(d, dims[lead + i]);
            if (fits && dims[lead + i] == Shape.UnknownDim && d > 1)
            {
                dims[lead + i] = d; // a known size other than 1 fixes the unknown one
            }
        }

        if (!fits)
        {
            throw new ArgumentException($"Cannot broadcast a tensor of shape {x.Shape} to shape {target} [Op:BroadcastTo].");
        }

        return new TensorSpec(Shape.FromOwnedArray(dims), x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int[] from = Expanded(x.Shape, output.Rank);
        ReadOnlySpan<int> to = output.Shape.Dims;
        switch (x.DType.Size)
        {
            case 1: Broadcasting.BroadcastCopy(x.Read<byte>(), from, output.Write<byte>(), to); break;
            case 2: Broadcasting.BroadcastCopy(x.Read<short>(), from, output.Write<short>(), to); break;
            case 4: Broadcasting.BroadcastCopy(x.Read<int>(), from, output.Write<int>(), to); break;
            default: Broadcasting.BroadcastCopy(x.Read<long>(), from, output.Write<long>(), to); break;
        }
    }

    // Each element of x was copied to several places: sum them back (over the inserted axes first).
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            Tensor g = insertedAxes is null ? upstream : Tf.ReduceSum(upstream, insertedAxes);
            result[0] = ShapeLike.SumTo(g, inputs[0]);
        }
    }

    // x's dimensions with the inserted axes (of a result of rank targetRank) as 1s.
    private int[] Expanded(Shape x, int targetRank)
    {
        if (insertedAxes is null)
        {
            return x.ToArray();
        }

        if (x.Rank + insertedAxes.Length != targetRank)
        {
            throw new ArgumentException(
                $"Cannot broadcast a tensor of shape {x} to rank {targetRank} by inserting axes [{string.Join(", ", insertedAxes)}] [Op:BroadcastTo].");
        }

        var dims = new int[targetRank];
        for (int i = 0, j = 0; i < targetRank; i++)
        {
            dims[i] = Array.IndexOf(insertedAxes, i) >= 0 ? 1 : x.Dims[j++];
        }

        return dims;
    }
}

/// <summary>A gradient summed back to the shape of its second input, over the axes decided when the graph runs.</summary>
internal sealed class SumLikeOp : Op
{
    public static readonly SumLikeOp Instance = new();

    private SumLikeOp()
        : base("SumToShape")
    {
    }

    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Shape g = inputs[0].Shape;
        Shape target = inputs[1].Shape;
        int lead = g.Rank - target.Rank;
        bool fits = lead >= 0;
        for (int i = 0; fits && i < target.Rank; i++)
        {
            fits = target.Dims[i] == 1 || ShapeLike.Compatible(target.Dims[i], g.Dims[lead + i]);
        }

        if (!fits)
        {
            throw new ArgumentException(
                $"{Name}: a gradient of shape {g} cannot be summed to the shape {target} of the tensor it belongs to: they do not broadcast.");
        }

        return new TensorSpec(target, inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => DTypeDispatch.Numeric(new Body(inputs[0].Shape, output.Shape), inputs[..1], output, inputs[0].DType);

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = ShapeLike.BroadcastTo(upstream, inputs[0]);
        }
    }

    private readonly struct Body(Shape from, Shape to) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T>
        {
            // The leading axes the target lacks, and those where it has 1 and the gradient more, are summed.
            int lead = from.Rank - to.Rank;
            var reduced = new bool[from.Rank];
            bool any = false;
            for (int i = 0; i < reduced.Length; i++)
            {
                reduced[i] = i < lead || (to.Dims[i - lead] == 1 && from.Dims[i] != 1);
                any |= reduced[i];
            }

            if (any)
            {
                Reduction.Run<T, NumericReduceKernel<T, ReduceSumOp.Kernel>>(o.In(0), from.Dims, reduced, o.Out);
            }
            else
            {
                o.In(0).CopyTo(o.Out);
            }
        }
    }
}

/// <summary>Reshape to the shape of its second input (a view of the first input's buffer).</summary>
internal sealed class ReshapeLikeOp : Op
{
    public static readonly ReshapeLikeOp Instance = new();

    private ReshapeLikeOp()
        : base("Reshape")
    {
    }

    public override bool SupportsUnknownDims => true;

    public override int AliasedInput => 0;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        Shape target = inputs[1].Shape;
        if (x.Shape.IsFullyDefined && target.IsFullyDefined && x.Size != target.Size)
        {
            throw new ArgumentException(
                $"Input to reshape is a tensor with {x.Size} values, but the requested shape {target} has {target.Size} [Op:Reshape] (input shape {x.Shape}).");
        }

        return new TensorSpec(target, x.DType);
    }

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec) => inputs[0].Alias(spec.Shape, spec.DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("Reshape aliases its input's buffer in Evaluate.");

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = ShapeLike.Reshape(upstream, inputs[0]);
        }
    }
}
