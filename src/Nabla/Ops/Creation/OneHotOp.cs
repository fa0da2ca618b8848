namespace Nabla;

/// <summary>
/// <see cref="Tf.OneHot"/> as an op, so the indices may be a traced function's values: a new axis of size depth at
/// <c>axis</c> holding the on value at each index and the off value elsewhere. Out-of-range indices give an all-off
/// row, as in TensorFlow. No gradient: the indices are integers and the output does not depend on anything else.
/// </summary>
internal sealed class OneHotOp : Op
{
    private readonly int _depth;
    private readonly int _axis;
    private readonly DType _dtype;

    // The on and off values as the output dtype's bytes, so filling is the same byte copy for every dtype.
    private readonly byte[] _onBytes;
    private readonly byte[] _offBytes;

    public OneHotOp(int depth, double onValue, double offValue, int axis, DType dtype)
        : base("OneHot")
    {
        _depth = depth;
        _axis = axis;
        _dtype = dtype;
        Tensor pair = Tf.FromDoubles([offValue, onValue], Shape.FromOwnedArray([2]), dtype);
        ReadOnlySpan<byte> bytes = pair.ReadBytes();
        _offBytes = bytes[..dtype.Size].ToArray();
        _onBytes = bytes[dtype.Size..].ToArray();
    }

    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Shape indices = inputs[0].Shape;
        var dims = new int[indices.Rank + 1];
        for (int i = 0, j = 0; i < dims.Length; i++)
        {
            dims[i] = i == _axis ? _depth : indices.Dims[j++];
        }

        return new(Shape.FromOwnedArray(dims), _dtype);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor indices = inputs[0];
        int elementSize = _dtype.Size;
        Span<byte> result = output.WriteBytes();
        for (int i = 0; i < output.Size; i++)
        {
            _offBytes.CopyTo(result.Slice(i * elementSize, elementSize));
        }

        // Indices split around the new axis: outer (before it) by inner (after it).
        int outer = 1;
        for (int i = 0; i < _axis; i++)
        {
            outer *= indices.Shape[i];
        }

        int inner = outer == 0 ? 0 : indices.Size / outer;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int flat = (o * inner) + i;
                long index = indices.DType == DType.Int32 ? indices.Read<int>()[flat] : indices.Read<long>()[flat];
                if (index >= 0 && index < _depth)
                {
                    int at = (((o * _depth) + (int)index) * inner) + i;
                    _onBytes.CopyTo(result.Slice(at * elementSize, elementSize));
                }
            }
        }
    }

    // The output does not depend differentiably on the indices.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }
}
