using Nabla.Kernels;

namespace Nabla;

/// <summary>Where a strided window of a tensor lies: its first element, and per walked axis a count and a source stride.</summary>
internal readonly record struct StridedWindow(int Offset, int[] Strides, int[] Counts);

/// <summary>
/// An op whose output is a strided window of its input (a strided slice, a diagonal), resolved against the input's
/// sizes when it runs: traced with unknown dimensions, its output has unknown sizes where the window's do, and a
/// graph learns them from the call's shapes. Its gradient writes the upstream back into zeros of the input's shape
/// (<see cref="StridedWindowGradOp"/>, whose own gradient is this op), so gradients of every order need no static
/// shape. Eager code and fully known traces keep the ops they had (Slice, Gather); this one is chosen where a size
/// is unknown, and copies the same elements.
/// </summary>
internal abstract class StridedWindowOp(string name) : Op(name)
{
    public override bool SupportsUnknownDims => true;

    /// <summary>The output's shape for an input of <paramref name="input"/>'s (unknown sizes give unknown ones); checks what it can.</summary>
    public abstract Shape OutputShape(Shape input);

    /// <summary>The window in an input of the fully known shape <paramref name="input"/>.</summary>
    public abstract StridedWindow Resolve(Shape input);

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(OutputShape(inputs[0].Shape), inputs[0].DType);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        StridedWindow w = Resolve(inputs[0].Shape);
        TensorCopy.Strided(inputs[0], w.Offset, w.Strides, output, 0, StridedCopy.RowMajorStrides(w.Counts), w.Counts);
    }

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = new StridedWindowGradOp(this).Call(upstream, inputs[0]);
        }
    }
}

/// <summary>
/// The gradient of a <see cref="StridedWindowOp"/>: its first input written into the window of zeros shaped like
/// its second input (whose values it does not read).
/// </summary>
internal sealed class StridedWindowGradOp(StridedWindowOp window) : Op(window.Name + "Grad")
{
    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Shape expected = window.OutputShape(inputs[1].Shape);
        Shape upstream = inputs[0].Shape;
        bool fits = expected.Rank == upstream.Rank;
        for (int i = 0; fits && i < upstream.Rank; i++)
        {
            fits = ShapeLike.Compatible(expected.Dims[i], upstream.Dims[i]);
        }

        if (!fits)
        {
            throw new ArgumentException(
                $"{Name}: an upstream gradient of shape {upstream} does not fit the output {expected} of {window.Name} on a tensor of shape {inputs[1].Shape}.");
        }

        return new TensorSpec(inputs[1].Shape, inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        StridedWindow w = window.Resolve(output.Shape);
        TensorCopy.Clear(output);
        TensorCopy.Strided(inputs[0], 0, StridedCopy.RowMajorStrides(w.Counts), output, w.Offset, w.Strides, w.Counts);
    }

    // The window of the upstream's gradient; the shape input gets none.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        if (needsGradient[0])
        {
            result[0] = window.Call(upstream);
        }
    }
}

/// <summary>
/// The tensor indexer's entries (<see cref="TensorIndex"/>) as one strided window, for inputs with unknown sizes:
/// positions, ranges and Python slices resolved against the sizes of each call, with Python's clamping for slices
/// and the indexer's errors for positions and ranges outside their axis.
/// </summary>
internal sealed class StridedSliceOp(TensorIndex[] indices) : StridedWindowOp("StridedSlice")
{
    public override IReadOnlyDictionary<string, object> Attributes =>
        new Dictionary<string, object> { ["indices"] = string.Join(", ", indices) };

    public override Shape OutputShape(Shape input)
    {
        var output = new List<int>(input.Rank + indices.Length);
        Walk(input, output, null);
        return Shape.FromOwnedArray([.. output]);
    }

    public override StridedWindow Resolve(Shape input)
    {
        var window = new StridedWindow(0, new int[input.Rank], new int[input.Rank]);
        return Walk(input, null, window);
    }

    // One pass over the entries: the output's sizes (unknown where an entry depends on an unknown size), or the
    // window of a fully known shape.
    private StridedWindow Walk(Shape shape, List<int>? output, StridedWindow? window)
    {
        int rank = shape.Rank;
        int consuming = 0;
        foreach (TensorIndex index in indices)
        {
            consuming += index.Kind is TensorIndexKind.Position or TensorIndexKind.Range or TensorIndexKind.Slice ? 1 : 0;
        }

        int[] rowStrides = StridedCopy.RowMajorStrides(shape.Dims);
        int offset = 0;
        int axis = 0;
        foreach (TensorIndex index in indices)
        {
            int dim = index.Kind is TensorIndexKind.NewAxis or TensorIndexKind.Ellipsis ? 0 : shape.Dims[axis];
            bool known = dim != Shape.UnknownDim;
            switch (index.Kind)
            {
                case TensorIndexKind.NewAxis:
                    output?.Add(1);
                    continue;
                case TensorIndexKind.Ellipsis:
                    for (int whole = rank - consuming; whole > 0; whole--, axis++)
                    {
                        output?.Add(shape.Dims[axis]);
                        Take(window, axis, shape.Dims[axis], rowStrides[axis]);
                    }

                    continue;
                case TensorIndexKind.Position:
                    if (known)
                    {
                        int position = StridedSlicing.Position(index.Index, axis, shape);
                        offset += position * rowStrides[axis];
                    }

                    Take(window, axis, 1, 0);
                    break;
                case TensorIndexKind.Range:
                    Range r = index.Range;
                    int size = Shape.UnknownDim;
                    if (known)
                    {
                        (int begin, size) = StridedSlicing.Bounds(r, axis, shape);
                        offset += begin * rowStrides[axis];
                    }
                    else if (!r.Start.IsFromEnd && !r.End.IsFromEnd && r.End.Value >= r.Start.Value)
                    {
                        size = r.End.Value - r.Start.Value; // checked against the axis when the sizes are known
                    }

                    output?.Add(size);
                    Take(window, axis, size, rowStrides[axis]);
                    break;
                default:
                    int count = Shape.UnknownDim;
                    if (known)
                    {
                        (int start, count) = index.Resolve(dim);
                        offset += count == 0 ? 0 : start * rowStrides[axis];
                    }

                    output?.Add(count);
                    Take(window, axis, count, rowStrides[axis] * index.Step);
                    break;
            }

            axis++;
        }

        for (; axis < rank; axis++)
        {
            output?.Add(shape.Dims[axis]);
            Take(window, axis, shape.Dims[axis], rowStrides[axis]);
        }

        return window is { } w ? w with { Offset = offset } : default;
    }

    private static void Take(StridedWindow? window, int axis, int count, int stride)
    {
        if (window is { } w)
        {
            w.Counts[axis] = count;
            w.Strides[axis] = stride;
        }
    }
}

/// <summary>
/// Diagonal k of each inner-most matrix as a strided window (stride n + 1 through the matrix), for inputs with
/// unknown sizes; <see cref="Tf.Linalg.DiagPart"/> uses it where the diagonal's length is only known when the graph runs.
/// </summary>
internal sealed class DiagPartOp(int k) : StridedWindowOp("MatrixDiagPartV3")
{
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["k"] = k };

    public override Shape OutputShape(Shape input)
    {
        int m = input.Dims[^2], n = input.Dims[^1];
        int length = m == Shape.UnknownDim || n == Shape.UnknownDim ? Shape.UnknownDim : Tf.Linalg.DiagonalLength(Name, input, m, n, k);
        return Shape.FromOwnedArray([.. input.Dims[..^2], length]);
    }

    public override StridedWindow Resolve(Shape input)
    {
        int rank = input.Rank;
        int m = input.Dims[^2], n = input.Dims[^1];
        int length = Tf.Linalg.DiagonalLength(Name, input, m, n, k);
        int[] rowStrides = StridedCopy.RowMajorStrides(input.Dims);
        var strides = new int[rank - 1];
        var counts = new int[rank - 1];
        for (int i = 0; i < rank - 2; i++)
        {
            strides[i] = rowStrides[i];
            counts[i] = input.Dims[i];
        }

        strides[^1] = n + 1;
        counts[^1] = length;
        int offset = length == 0 ? 0 : k >= 0 ? k : -k * n;
        return new StridedWindow(offset, strides, counts);
    }
}
