using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// A reduction over a set of axes (all when none are given), optionally keeping them as size-1 dimensions.
/// The op object holds its normalised axes; subclasses pick the kernel per dtype and state the gradient.
/// </summary>
internal abstract class ReduceOp : Op
{
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

    /// <summary>Which axes of an input of rank <paramref name="rank"/> are reduced; validates the axes.</summary>
    public bool[] ReducedMask(int rank, Shape shape)
    {
        var mask = new bool[rank];
        if (RequestedAxes is null)
        {
            Array.Fill(mask, true);
            return mask;
        }

        foreach (int axis in RequestedAxes)
        {
            int a = Axes.Normalize(Name, axis, rank, shape);
            mask[a] = true;
        }

        return mask;
    }

    /// <summary>The input's shape with reduced axes set to 1 (the keepdims shape), used by gradients to broadcast back.</summary>
    public Shape KeptShape(Shape input)
    {
        bool[] mask = ReducedMask(input.Rank, input);
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

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        DTypeRules.Require(Name, x.DType, Supported, x.Shape);
        bool[] mask = ReducedMask(x.Rank, x.Shape);
        var dims = new List<int>(x.Rank);
        for (int i = 0; i < x.Rank; i++)
        {
            if (!mask[i])
            {
                dims.Add(x.Shape.Dims[i]);
            }
            else if (KeepDims)
            {
                dims.Add(1);
            }
        }

        return new TensorSpec(Shape.FromOwnedArray(dims.ToArray()), OutputDType(x.DType));
    }

    /// <summary>The output dtype (the input's, except for ArgMax-like ops).</summary>
    protected virtual DType OutputDType(DType input) => input;

    /// <summary>Runs a reduce kernel over the input into the output.</summary>
    protected void Reduce<T, TKernel>(Tensor x, Tensor output)
        where TKernel : IReduceKernel<T>
        => Reduction.Run<T, TKernel>(x.Read<T>(), x.Shape.Dims, ReducedMask(x.Rank, x.Shape), output.Write<T>());

    /// <summary>Runs a float reduce kernel over a float16/bfloat16 input, widened to float32.</summary>
    protected void ReduceWidened<TKernel>(Tensor x, Tensor output)
        where TKernel : IReduceKernel<float>
    {
        float[] wide = ReducedPrecision.Widen(x.Buffer, x.DType, x.Size);
        float[] result = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Max(output.Size, 1));
        Reduction.Run<float, TKernel>(wide.AsSpan(0, x.Size), x.Shape.Dims, ReducedMask(x.Rank, x.Shape), result.AsSpan(0, output.Size));
        ReducedPrecision.Narrow(result.AsSpan(0, output.Size), output.Buffer, output.DType, output.Size);
        ReducedPrecision.Return(wide);
        System.Buffers.ArrayPool<float>.Shared.Return(result);
    }
}

/// <summary>Axis arguments: negative values count from the end; out-of-range ones throw naming the op and shape.</summary>
internal static class Axes
{
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
