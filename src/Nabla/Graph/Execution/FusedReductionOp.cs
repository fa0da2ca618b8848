using System.Buffers;
using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// A float32 Sum or Mean over all axes, or over the last axis, of a fused elementwise group's result that nothing
/// else reads (<see cref="ReductionFusion"/> builds it): the group's compiled loop adds its registers into
/// accumulators (<see cref="FusedSum{TExpression, TWidth}"/>) instead of storing them, so the chain's result never
/// reaches memory. Each row is summed in blocks of <see cref="BlockLength"/> elements, lane by lane in float32, and the
/// blocks in order in float64, so the result does not depend on the thread count; it differs from the unfused
/// reduction's summation order only by rounding. Where the group does not compile, the group and the reduction run
/// as before, through a temporary. Like <see cref="FusedElementwiseOp"/> it exists only in a plan.
/// </summary>
internal sealed class FusedReductionOp : Op
{
    /// <summary>Elements summed per block: 256 per lane of a 512-bit register.</summary>
    internal const int BlockLength = 4096;

    [ThreadStatic]
    private static Tensor[]? t_inputs;

    private readonly FusedElementwiseOp _group;
    private readonly ReduceOp _reduction;
    private readonly Shape _groupShape;
    private readonly int _rowLength;
    private readonly bool _mean;
    private readonly TieredFusedKernel<FusedSumBody> _sum;

    /// <param name="group">The elementwise group whose result is reduced.</param>
    /// <param name="reduction">The Sum or Mean (run as is where the group does not compile).</param>
    /// <param name="groupShape">The group's output shape.</param>
    /// <param name="rowLength">Elements per reduced row: the last dimension, or the whole group for a full reduction.</param>
    /// <param name="mean">Whether each row's sum is divided by its length.</param>
    public FusedReductionOp(FusedElementwiseOp group, ReduceOp reduction, Shape groupShape, int rowLength, bool mean)
        : base(reduction.Name + "+" + group.Name)
    {
        _group = group;
        _reduction = reduction;
        _groupShape = groupShape;
        _rowLength = rowLength;
        _mean = mean;
        _sum = new(() => new(group.CompileSum(out int period, out int width), period, width));
    }

    /// <summary>
    /// Whether the group's sum runs compiled (otherwise through a temporary) once past its first calls
    /// (<see cref="TieredFusedKernel{TBody}"/>); asking compiles it.
    /// </summary>
    public bool IsCompiled => _sum.Compiled.For(_groupShape.Size) is not null;

    /// <summary>Whether the sum has been compiled (or found not to compile) already; asking changes nothing.</summary>
    internal bool IsSettled => _sum.IsSettled;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
        => throw new InvalidOperationException($"{Name} exists only in an execution plan, whose specs are known.");

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => throw new InvalidOperationException($"{Name} exists only in an execution plan; gradients are built from the unfused graph.");

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        FusedSumBody? sum = _sum.ForCall(_groupShape.Size);
        if (sum is null)
        {
            Tensor values = Tensor.Uninitialized(_groupShape, DType.Float32);
            _group.Forward(inputs, values);
            _reduction.Forward([values], output);
            return;
        }

        // Rows may be summed on other threads, which cannot see the caller's span (as in FusedElementwiseOp).
        Tensor[] held = t_inputs is { } cached && cached.Length >= inputs.Length ? cached : (t_inputs = new Tensor[Math.Max(inputs.Length, 8)]);
        inputs.CopyTo(held);
        try
        {
            int rows = output.Size;
            if (rows == 1)
            {
                output.Write<float>()[0] = (float)SumOfBlocks(sum, held, 0, _groupShape.Size);
            }
            else
            {
                ParallelFor.RunItems(rows, _rowLength, new RowSums(this, sum, held, output));
            }
        }
        finally
        {
            Array.Clear(held, 0, inputs.Length);
        }
    }

    // The sum (or mean) of elements [start, start + length): blocks summed by the compiled loop, split over the
    // cores when long, added in order.
    private double SumOfBlocks(FusedSumBody sum, Tensor[] inputs, int start, int length)
    {
        int blocks = (length + BlockLength - 1) / BlockLength;
        double[] partials = ArrayPool<double>.Shared.Rent(blocks);
        try
        {
            ParallelFor.RunItems(blocks, BlockLength, new BlockSums(this, sum, inputs, partials, start, start + length));
            double total = 0;
            for (int b = 0; b < blocks; b++)
            {
                total += partials[b];
            }

            return _mean ? total / length : total;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partials);
        }
    }

    private float SumRange(FusedSumBody sum, Tensor[] inputs, int start, int end)
    {
        var args = new FusedArgs { Period = _sum.Compiled.Period };
        FusedElementwiseOp.BindInputs(ref args, inputs, _group.InputCount);
        return sum(args, start, end);
    }

    private readonly struct BlockSums(FusedReductionOp op, FusedSumBody sum, Tensor[] inputs, double[] partials, int first, int last) : IRangeBody
    {
        public void Invoke(int start, int end)
        {
            for (int b = start; b < end; b++)
            {
                int from = first + (b * BlockLength);
                partials[b] = op.SumRange(sum, inputs, from, Math.Min(last, from + BlockLength));
            }
        }
    }

    private readonly struct RowSums(FusedReductionOp op, FusedSumBody sum, Tensor[] inputs, Tensor output) : IRangeBody
    {
        public void Invoke(int start, int end)
        {
            Span<float> sums = output.Write<float>();
            for (int row = start; row < end; row++)
            {
                double total = 0;
                int first = row * op._rowLength, last = first + op._rowLength;
                for (int from = first; from < last; from += BlockLength)
                {
                    total += op.SumRange(sum, inputs, from, Math.Min(last, from + BlockLength));
                }

                sums[row] = (float)(op._mean ? total / op._rowLength : total);
            }
        }
    }
}
