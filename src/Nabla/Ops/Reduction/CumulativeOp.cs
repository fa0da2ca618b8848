using System.Numerics;

namespace Nabla;

/// <summary>The combining step of a running scan (sum or product): an identity and an elementwise combine.</summary>
internal interface IScanKernel
{
    /// <summary>The value an exclusive scan starts from (0 for a sum, 1 for a product).</summary>
    static abstract T Identity<T>()
        where T : unmanaged, INumber<T>;

    static abstract T Combine<T>(T x, T y)
        where T : unmanaged, INumber<T>;

    static abstract void Combine<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z)
        where T : unmanaged, INumber<T>;
}

/// <summary>
/// A running scan along one axis (CumSum, CumProd). <c>exclusive</c> leaves each element out of its own result
/// (the first is the identity); <c>reverse</c> scans from the end. float16/bfloat16 scan in float32.
/// </summary>
internal abstract class CumulativeOp<TKernel>(string name, int axis, bool exclusive, bool reverse) : Op(name)
    where TKernel : IScanKernel
{
    protected int Axis => axis;

    protected bool Exclusive => exclusive;

    protected bool Reverse => reverse;

    /// <summary>TensorFlow's attributes, for exporters: the axis (as given), exclusive and reverse.</summary>
    public override IReadOnlyDictionary<string, object> Attributes =>
        new Dictionary<string, object> { ["axis"] = axis, ["exclusive"] = exclusive, ["reverse"] = reverse };

    // The output has the input's shape, known or not.
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        DTypeRules.Require(Name, x.DType, DTypeSet.Numeric, x.Shape);
        Axes.Normalize(Name, axis, x.Rank, x.Shape);
        return new TensorSpec(x.Shape, x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        (int outer, int length, int inner) = ReduceAxes.Split(x.Shape, Axes.Normalize(Name, axis, x.Rank, x.Shape));
        DTypeDispatch.Numeric(new Body(this, outer, length, inner), inputs, output, x.DType);
    }

    private readonly struct Body(CumulativeOp<TKernel> op, int outer, int length, int inner) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T> => op.Scan(o.In(0), outer, length, inner, o.Out);
    }

    // Whole rows along the axis: row k of the result is row k-1 of the result combined with row k (inclusive) or
    // row k-1 (exclusive) of the input; reverse walks the rows from the end.
    private void Scan<T>(ReadOnlySpan<T> x, int outer, int length, int inner, Span<T> y)
        where T : unmanaged, INumber<T>
    {
        int first = reverse ? length - 1 : 0;
        int step = reverse ? -1 : 1;
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<T> block = x.Slice(o * length * inner, length * inner);
            Span<T> result = y.Slice(o * length * inner, length * inner);
            if (length == 0)
            {
                continue;
            }

            if (exclusive)
            {
                result.Slice(first * inner, inner).Fill(TKernel.Identity<T>());
            }
            else
            {
                block.Slice(first * inner, inner).CopyTo(result.Slice(first * inner, inner));
            }

            for (int n = 1, k = first + step; n < length; n++, k += step)
            {
                int source = exclusive ? k - step : k;
                if (inner == 1)
                {
                    result[k] = TKernel.Combine(result[k - step], block[source]);
                }
                else
                {
                    TKernel.Combine(result.Slice((k - step) * inner, inner), block.Slice(source * inner, inner), result.Slice(k * inner, inner));
                }
            }
        }
    }
}
