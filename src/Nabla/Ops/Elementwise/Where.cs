using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Elementwise choice: <paramref name="x"/> where <paramref name="condition"/> is true, else <paramref name="y"/>,
    /// all three broadcast together. The gradient goes to the chosen side only.
    /// </summary>
    /// <exception cref="ArgumentException">When the condition is not bool, or the shapes don't broadcast.</exception>
    public static Tensor Where(Tensor condition, Tensor x, Tensor y) => WhereOp.Instance.Call(condition, x, y);
}

internal sealed class WhereOp : Op
{
    public static readonly WhereOp Instance = new();

    private WhereOp()
        : base("SelectV2")
    {
    }

    // The two values take one dtype; the condition stays bool.
    protected override void ApplyDTypeRules(Span<Tensor> inputs) => DTypeRules.Unify(Name, ref inputs[1], ref inputs[2], inputsOnly: true);

    // Broadcasting with unknown dimensions as the binary ops do (DTypeRules.BroadcastShapes).
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor c = inputs[0];
        if (c.DType != DType.Bool)
        {
            throw new ArgumentException($"Where needs a bool condition, got {c.DType} of shape {c.Shape} [Op:SelectV2].");
        }

        Shape shape = DTypeRules.BroadcastShapes(Name, DTypeRules.BroadcastShapes(Name, c.Shape, inputs[1].Shape), inputs[2].Shape);
        return new TensorSpec(shape, inputs[1].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        switch (output.DType.Size)
        {
            case 1: Select<byte>(inputs, output); break;
            case 2: Select<short>(inputs, output); break;
            case 4: Select<int>(inputs, output); break;
            default: Select<long>(inputs, output); break;
        }
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor c = inputs[0];
        Tensor zeros = Tf.ZerosLike(upstream);
        result[1] = needsGradient[1] ? Tf.Where(c, upstream, zeros) : null;
        result[2] = needsGradient[2] ? Tf.Where(c, zeros, upstream) : null;
    }

    // Elements are moved, never computed, so the element type only matters by its size.
    private static void Select<T>(ReadOnlySpan<Tensor> inputs, Tensor output)
        where T : unmanaged
    {
        ReadOnlySpan<bool> c = inputs[0].Read<bool>();
        ReadOnlySpan<T> x = inputs[1].Read<T>();
        ReadOnlySpan<T> y = inputs[2].Read<T>();
        Span<T> z = output.Write<T>();
        var plan = new BroadcastPlan(output.Shape.Dims, inputs[0].Shape.ToArray(), inputs[1].Shape.ToArray(), inputs[2].Shape.ToArray());
        int inner = plan.InnerLength;
        int outer = plan.OuterCount;
        int[][] offsets = [new int[outer], new int[outer], new int[outer]];
        plan.OuterOffsets(offsets);
        int cs = plan.InnerStride(0);
        int xs = plan.InnerStride(1);
        int ys = plan.InnerStride(2);
        for (int r = 0; r < outer; r++)
        {
            int co = offsets[0][r];
            int xo = offsets[1][r];
            int yo = offsets[2][r];
            Span<T> run = z.Slice(r * inner, inner);
            for (int i = 0; i < inner; i++)
            {
                run[i] = c[co + (i * cs)] ? x[xo + (i * xs)] : y[yo + (i * ys)];
            }
        }
    }
}
