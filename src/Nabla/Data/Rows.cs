using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Data;

/// <summary>
/// The data movement of the pipeline: rows cut from a tensor along its first axis, and elements stacked (and padded)
/// into a batch. Plain byte copies of whole rows, with no op dispatch and no tape: a dataset's tensors are data, not
/// differentiable results, and the copies make each element own its buffer.
/// </summary>
internal static class Rows
{
    /// <summary>The shape of one row of <paramref name="shape"/>: its dimensions after the first.</summary>
    public static Shape RowShape(Shape shape) => Shape.Create(shape.Dims[1..]);

    /// <summary>Row <paramref name="index"/> of <paramref name="tensor"/> (rank at least 1) as a new tensor of shape <paramref name="rowShape"/>.</summary>
    public static Tensor Slice(Tensor tensor, int index, Shape rowShape)
    {
        int rowSize = rowShape.Size;
        Array buffer = Storage.Allocate(tensor.DType, rowSize);
        CopyElements(tensor.Buffer, index * rowSize, buffer, 0, rowSize, tensor.DType.Size);
        return new Tensor(buffer, rowShape, tensor.DType);
    }

    /// <summary>The rows <paramref name="indices"/> of <paramref name="tensor"/>, in that order (a gather along axis 0).</summary>
    public static Tensor Gather(Tensor tensor, ReadOnlySpan<int> indices)
    {
        Shape rowShape = RowShape(tensor.Shape);
        int rowSize = rowShape.Size;
        int[] dims = tensor.Shape.ToArray();
        dims[0] = indices.Length;
        Array buffer = Storage.Allocate(tensor.DType, indices.Length * rowSize);
        for (int i = 0; i < indices.Length; i++)
        {
            CopyElements(tensor.Buffer, indices[i] * rowSize, buffer, i * rowSize, rowSize, tensor.DType.Size);
        }

        return new Tensor(buffer, Shape.Create(dims), tensor.DType);
    }

    /// <summary>
    /// Stacks <paramref name="items"/> (one shape, one dtype) along a new first axis: component
    /// <paramref name="component"/> of a batch, named in TensorFlow's message when the shapes differ.
    /// </summary>
    public static Tensor Stack(IReadOnlyList<Tensor> items, int component)
    {
        Tensor first = items[0];
        for (int i = 1; i < items.Count; i++)
        {
            if (items[i].Shape != first.Shape || items[i].DType != first.DType)
            {
                throw new InvalidOperationException(
                    $"Cannot batch tensors with different shapes in component {component}. First element had shape {first.Shape} ({first.DType}) " +
                    $"and element {i} had shape {items[i].Shape} ({items[i].DType}). Use PaddedBatch for elements of different lengths.");
            }
        }

        int rowSize = first.Size;
        int elementSize = first.DType.Size;
        Array buffer = Storage.Allocate(first.DType, items.Count * rowSize);
        for (int i = 0; i < items.Count; i++)
        {
            CopyElements(items[i].Buffer, 0, buffer, i * rowSize, rowSize, elementSize);
        }

        return new Tensor(buffer, Shape.Create([items.Count, .. first.Shape.Dims]), first.DType);
    }

    /// <summary>
    /// Stacks tensors of one rank and dtype into a tensor of shape <c>(count, ...paddedRowShape)</c> filled with
    /// <paramref name="paddingValue"/> where an item is shorter: each item is copied row by row of its last axis.
    /// </summary>
    public static Tensor PaddedStack(IReadOnlyList<Tensor> items, ReadOnlySpan<int> paddedRowShape, double paddingValue)
    {
        DType dtype = items[0].DType;
        Shape rowShape = Shape.Create(paddedRowShape);
        int rowSize = rowShape.Size;
        Array buffer = Storage.Allocate(dtype, items.Count * rowSize);
        Fill(buffer, Tf.Cast(Tf.Constant(paddingValue), dtype).Buffer);
        int rank = paddedRowShape.Length;
        int elementSize = dtype.Size;
        Span<int> outStrides = stackalloc int[Math.Max(rank, 1)];
        Span<int> position = stackalloc int[Math.Max(rank, 1)];
        for (int axis = rank - 1, stride = 1; axis >= 0; axis--)
        {
            outStrides[axis] = stride;
            stride *= paddedRowShape[axis];
        }

        for (int i = 0; i < items.Count; i++)
        {
            Tensor item = items[i];
            if (rank == 0)
            {
                CopyElements(item.Buffer, 0, buffer, i, 1, elementSize);
                continue;
            }

            ReadOnlySpan<int> dims = item.Shape.Dims;
            int run = dims[rank - 1];
            int runs = run == 0 ? 0 : item.Size / run;
            position.Clear();
            for (int r = 0; r < runs; r++)
            {
                int offset = i * rowSize;
                for (int axis = 0; axis < rank - 1; axis++)
                {
                    offset += position[axis] * outStrides[axis];
                }

                CopyElements(item.Buffer, r * run, buffer, offset, run, elementSize);
                for (int axis = rank - 2; axis >= 0 && ++position[axis] == dims[axis]; axis--)
                {
                    position[axis] = 0;
                }
            }
        }

        return new Tensor(buffer, Shape.Create([items.Count, .. paddedRowShape]), dtype);
    }

    /// <summary>Copies <paramref name="count"/> elements of <paramref name="elementSize"/> bytes between two storage arrays.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopyElements(Array source, int sourceIndex, Array destination, int destinationIndex, int count, int elementSize)
    {
        if (count == 0)
        {
            return;
        }

        ref byte from = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(source), (nint)sourceIndex * elementSize);
        ref byte to = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(destination), (nint)destinationIndex * elementSize);
        MemoryMarshal.CreateReadOnlySpan(ref from, count * elementSize).CopyTo(MemoryMarshal.CreateSpan(ref to, count * elementSize));
    }

    /// <summary>Fills a storage array with the first element of <paramref name="scalar"/> (an array of the same type).</summary>
    private static void Fill(Array buffer, Array scalar)
    {
        switch (buffer)
        {
            case float[] f: Array.Fill(f, ((float[])scalar)[0]); break;
            case double[] d: Array.Fill(d, ((double[])scalar)[0]); break;
            case int[] n: Array.Fill(n, ((int[])scalar)[0]); break;
            case long[] l: Array.Fill(l, ((long[])scalar)[0]); break;
            case bool[] b: Array.Fill(b, ((bool[])scalar)[0]); break;
            case Half[] h: Array.Fill(h, ((Half[])scalar)[0]); break;
            case BFloat16[] h: Array.Fill(h, ((BFloat16[])scalar)[0]); break;
            default: throw new NotSupportedException($"PaddedBatch: no padding for storage {buffer.GetType().Name}.");
        }
    }
}
