namespace Nabla;

/// <summary>
/// A decomposition op (Svd, Eigh, Qr) whose results are packed side by side along the last axis of its one output
/// (<see cref="LinalgBatch.Unpack(IPackedDecomposition, Tensor, Tensor)"/> cuts them apart).
/// </summary>
internal interface IPackedDecomposition
{
    /// <summary>TensorFlow's op name.</summary>
    string Name { get; }

    /// <summary>How many results are packed.</summary>
    int PartCount { get; }

    /// <summary>The per-matrix shapes of the results, in packing order, for an input of the fully known shape <paramref name="input"/>.</summary>
    int[][] Parts(Shape input);

    /// <summary>The per-matrix shape of result <paramref name="index"/> for an input of <paramref name="input"/>'s shape; unknown where it depends on an unknown size.</summary>
    int[] PartShape(Shape input, int index);
}

/// <summary>
/// Result <c>index</c> of a packed decomposition's output, cut with the matrix sizes of its second input (the
/// decomposed tensor, whose values it does not read) when the graph runs: traced with unknown sizes, the packing's
/// layout is only known then. Its gradient places the upstream back into zeros of the packed shape
/// (<see cref="PackedPartGradOp"/>, whose gradient is this op).
/// </summary>
internal sealed class PackedPartOp(IPackedDecomposition decomposition, int index) : Op(decomposition.Name + "Part")
{
    public override bool SupportsUnknownDims => true;

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["index"] = index };

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
        => new(LinalgBatch.WithBatch(inputs[1].Shape, decomposition.PartShape(inputs[1].Shape, index)), inputs[0].DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        (int[] offsets, int length) = Runs(inputs[1].Shape);
        IndexRuns.Copy(inputs[0], offsets, output, null, offsets.Length, length);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = new PackedPartGradOp(this).Call(upstream, inputs[0], inputs[1]);
        }
    }

    /// <summary>Per matrix, where the part starts in the packed output, and the part's length (an input of the fully known shape <paramref name="input"/>).</summary>
    internal (int[] Offsets, int Length) Runs(Shape input)
    {
        int[][] parts = decomposition.Parts(input);
        int packed = 0, start = 0, length = 0;
        for (int p = 0; p < parts.Length; p++)
        {
            int size = 1;
            foreach (int d in parts[p])
            {
                size *= d;
            }

            start = p == index ? packed : start;
            length = p == index ? size : length;
            packed += size;
        }

        var offsets = new int[LinalgBatch.Count(input)];
        for (int b = 0; b < offsets.Length; b++)
        {
            offsets[b] = (b * packed) + start;
        }

        return (offsets, length);
    }
}

/// <summary>The gradient of <see cref="PackedPartOp"/>: its first input placed into zeros of the packed shape (its second input's).</summary>
internal sealed class PackedPartGradOp(PackedPartOp part) : Op(part.Name + "Grad")
{
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(inputs[1].Shape, inputs[0].DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        (int[] offsets, int length) = part.Runs(inputs[2].Shape);
        IndexRuns.ZeroAndAdd(inputs[0], output, offsets, length);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = part.Call(upstream, inputs[2]);
        }
    }
}
