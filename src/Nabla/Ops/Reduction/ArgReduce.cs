using System.Numerics;

namespace Nabla;

/// <summary>
/// ArgMax / ArgMin over one axis: the index of the first extreme element, NaN counting as the extreme (NumPy's
/// rule: the first NaN wins). The output is int32 or int64 (TensorFlow's default); there is no gradient.
/// </summary>
internal sealed class ArgReduceOp : Op
{
    private readonly int _axis;
    private readonly DType _outputType;
    private readonly bool _max;

    public ArgReduceOp(bool max, int axis, DType? outputType)
        : base(max ? "ArgMax" : "ArgMin")
    {
        _max = max;
        _axis = axis;
        _outputType = outputType ?? DType.Int64;
    }

    // The output keeps the input's other dimensions, known or not.
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        DTypeRules.Require(Name, x.DType, DTypeSet.Numeric, x.Shape);
        if (_outputType != DType.Int32 && _outputType != DType.Int64)
        {
            throw new ArgumentException($"{Name} output_type must be int32 or int64, got {_outputType} (input of shape {x.Shape}, dtype {x.DType}).");
        }

        int axis = Axes.Normalize(Name, _axis, x.Rank, x.Shape);
        if (x.Shape.Dims[axis] == 0) // an unknown size (-1) is checked when the graph runs
        {
            throw new ArgumentException($"Reduction axis {_axis} is empty in shape {x.Shape} [Op:{Name}]: there is no element to pick.");
        }

        var dims = new List<int>(x.Rank);
        for (int i = 0; i < x.Rank; i++)
        {
            if (i != axis)
            {
                dims.Add(x.Shape.Dims[i]);
            }
        }

        return new TensorSpec(Shape.FromOwnedArray(dims.ToArray()), _outputType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        (int outer, int length, int inner) = ReduceAxes.Split(x.Shape, Axes.Normalize(Name, _axis, x.Rank, x.Shape));
        int[] index = System.Buffers.ArrayPool<int>.Shared.Rent(output.Size);
        try
        {
            DTypeDispatch.Numeric(new Body(this, outer, length, inner, index), inputs, output, x.DType);
            Span<int> idx = index.AsSpan(0, output.Size);
            if (_outputType == DType.Int32)
            {
                idx.CopyTo(output.Write<int>());
            }
            else
            {
                Span<long> y = output.Write<long>();
                for (int i = 0; i < idx.Length; i++)
                {
                    y[i] = idx[i];
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(index);
        }
    }

    private readonly struct Body(ArgReduceOp op, int outer, int length, int inner, int[] index) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T> => op.Scan(o.In(0), outer, length, inner, index.AsSpan(0, o.Output.Size));
    }

    // No gradient (integer indices): every slot stays null.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }

    private void Scan<T>(ReadOnlySpan<T> x, int outer, int length, int inner, Span<int> index)
        where T : unmanaged, INumber<T>
    {
        if (_max)
        {
            Scan<T, MaxOrder<T>>(x, outer, length, inner, index);
        }
        else
        {
            Scan<T, MinOrder<T>>(x, outer, length, inner, index);
        }
    }

    // Row by row along the axis: each output keeps its best value and index; a later element replaces it only
    // when strictly better, or when it is the first NaN (a NaN best is never replaced).
    private static void Scan<T, TOrder>(ReadOnlySpan<T> x, int outer, int length, int inner, Span<int> index)
        where T : unmanaged, INumber<T>
        where TOrder : IOrder<T>
    {
        T[] bestBuffer = System.Buffers.ArrayPool<T>.Shared.Rent(inner);
        Span<T> best = bestBuffer.AsSpan(0, inner);
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<T> block = x.Slice(o * length * inner, length * inner);
            Span<int> idx = index.Slice(o * inner, inner);
            block[..inner].CopyTo(best);
            idx.Clear();
            for (int k = 1; k < length; k++)
            {
                ReadOnlySpan<T> row = block.Slice(k * inner, inner);
                for (int i = 0; i < row.Length; i++)
                {
                    T v = row[i];
                    T b = best[i];
                    if (TOrder.Better(v, b) || (T.IsNaN(v) && !T.IsNaN(b)))
                    {
                        best[i] = v;
                        idx[i] = k;
                    }
                }
            }
        }

        System.Buffers.ArrayPool<T>.Shared.Return(bestBuffer);
    }

    private interface IOrder<T>
    {
        static abstract bool Better(T candidate, T best);
    }

    private readonly struct MaxOrder<T> : IOrder<T>
        where T : INumber<T>
    {
        public static bool Better(T candidate, T best) => candidate > best;
    }

    private readonly struct MinOrder<T> : IOrder<T>
        where T : INumber<T>
    {
        public static bool Better(T candidate, T best) => candidate < best;
    }
}
