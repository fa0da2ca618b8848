namespace Nabla;

public partial class Tensor
{
    /// <summary>
    /// C# indexing: <c>t[1]</c>, <c>t[^1]</c>, <c>t[1..3]</c>, <c>t[.., 0]</c>, <c>t[1..3, ^1]</c>. Each entry
    /// applies to the next axis; missing trailing entries take the whole axis. A position (<c>int</c> or
    /// <see cref="System.Index"/>; negative ints count from the end) removes its axis, a range keeps it. The result
    /// is a copy made with <see cref="Tf.Slice"/> and <see cref="Tf.Reshape(Tensor, int[])"/>, so it is differentiable.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">When a position or range falls outside its axis, or there are more entries than axes.</exception>
    [System.Runtime.CompilerServices.IndexerName("Indexer")]
    public Tensor this[params TensorIndex[] indices]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(indices);
            Shape shape = Shape;
            if (indices.Length > shape.Rank)
            {
                throw new IndexOutOfRangeException(
                    $"Too many indices ({indices.Length}) for a tensor of shape {shape} (rank {shape.Rank}).");
            }

            int rank = shape.Rank;
            var begin = new int[rank];
            int[] size = shape.ToArray();
            var kept = new List<int>(rank);
            for (int axis = 0; axis < rank; axis++)
            {
                int dim = shape.Dims[axis];
                if (axis >= indices.Length)
                {
                    kept.Add(dim);
                    continue;
                }

                TensorIndex index = indices[axis];
                if (index.IsRange)
                {
                    Range r = index.Range;
                    int start = r.Start.IsFromEnd ? dim - r.Start.Value : r.Start.Value;
                    int end = r.End.IsFromEnd ? dim - r.End.Value : r.End.Value;
                    if (start < 0 || end > dim || start > end)
                    {
                        throw new IndexOutOfRangeException(
                            $"Range {r} is out of range for axis {axis} of size {dim} in a tensor of shape {shape}.");
                    }

                    begin[axis] = start;
                    size[axis] = end - start;
                    kept.Add(end - start);
                }
                else
                {
                    Index i = index.Index;
                    int position = i.IsFromEnd ? dim - i.Value : i.Value;
                    if (position < 0 || position >= dim)
                    {
                        throw new IndexOutOfRangeException(
                            $"Index {i} is out of range for axis {axis} of size {dim} in a tensor of shape {shape}.");
                    }

                    begin[axis] = position;
                    size[axis] = 1;
                }
            }

            Tensor sliced = Tf.Slice(this, begin, size);
            return kept.Count == rank ? sliced : Tf.Reshape(sliced, kept.ToArray());
        }
    }
}
