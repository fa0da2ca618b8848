using System.Numerics;

namespace Nabla;

/// <summary>
/// The positions that sort each row (last axis) of a numeric tensor, ascending or descending, keeping the first
/// <c>k</c> (TopK) or all (Argsort). The sort is stable: equal values keep their order. NaN compares above every
/// number (last when ascending, first when descending, as NumPy's sort places it). int32 output, no gradient:
/// Sort and TopK take their values with a Gather, which carries the gradient.
/// </summary>
internal sealed class SortIndicesOp(string name, bool descending, int k) : Op(name)
{
    // The output keeps the input's shape (k columns for TopK), known or not.
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        DTypeRules.Require(Name, x.DType, DTypeSet.Numeric, x.Shape);
        if (x.Rank == 0)
        {
            throw new ArgumentException($"{Name}: input must be at least rank 1, got a scalar ({x.DType}) [Op:{Name}].");
        }

        int n = x.Shape.Dims[^1];
        int kept = k < 0 ? n : k;
        if (n != Shape.UnknownDim && kept > n) // an unknown size is checked when the graph runs
        {
            throw new ArgumentException(
                $"{Name}: input must have at least k columns. Had {n}, needed {k} (input of shape {x.Shape}, {x.DType}) [Op:{Name}].");
        }

        int[] dims = x.Shape.ToArray();
        dims[^1] = kept;
        return new TensorSpec(Shape.FromOwnedArray(dims), DType.Int32);
    }

    // No gradient: the positions are integers; Sort and TopK's Gather carries the gradient.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => DTypeDispatch.Numeric(new Body(this, inputs[0].Shape.Dims[^1]), inputs, output, inputs[0].DType);

    private readonly struct Body(SortIndicesOp op, int n) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T> => op.SortRows(o.In(0), n, o.OutAs<int>());
    }

    private unsafe void SortRows<T>(ReadOnlySpan<T> values, int n, Span<int> result)
        where T : unmanaged, INumber<T>
    {
        int rows = n == 0 ? 0 : values.Length / n;
        int kept = result.Length / System.Math.Max(rows, 1);
        int[] order = System.Buffers.ArrayPool<int>.Shared.Rent(n);
        Span<int> positions = order.AsSpan(0, n);
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < n; i++)
            {
                positions[i] = i;
            }

            // Keys are unique (the position breaks ties), so the unstable introsort gives the stable order.
            fixed (T* row = values.Slice(r * n, n))
            {
                positions.Sort(new RowComparer<T>(row, descending));
            }

            positions[..kept].CopyTo(result.Slice(r * kept, kept));
        }

        System.Buffers.ArrayPool<int>.Shared.Return(order);
    }

    // Reads the row through a pointer: a comparer is a plain struct, which cannot hold a span.
    private readonly unsafe struct RowComparer<T>(T* row, bool descending) : IComparer<int>
        where T : unmanaged, INumber<T>
    {
        public int Compare(int a, int b)
        {
            T va = row[a];
            T vb = row[b];
            bool nanA = T.IsNaN(va), nanB = T.IsNaN(vb);
            int order = nanA || nanB ? nanA.CompareTo(nanB) : va.CompareTo(vb);
            if (descending)
            {
                order = -order;
            }

            return order != 0 ? order : a.CompareTo(b);
        }
    }
}
