namespace Nabla.Data;

/// <summary>
/// <c>FromTensorSlices</c>: element <c>i</c> has the structure of the given tensors, with row <c>i</c> of each. The
/// tensors are read once, when the dataset is made (a variable's value at that moment, as TensorFlow captures it).
/// </summary>
internal sealed class SliceDataset<T> : Dataset<T>
{
    private readonly T _prototype;
    private readonly TensorStructure<T> _structure;
    private readonly Tensor[] _leaves;
    private readonly Shape[] _rowShapes;
    private readonly int _count;

    public SliceDataset(T tensors)
    {
        _structure = TensorStructure.Of<T>();
        _prototype = tensors;
        var leaves = new List<Tensor>();
        _structure.Flatten(tensors, tensors, leaves);
        if (leaves.Count == 0)
        {
            throw new ArgumentException("FromTensorSlices: the structure holds no tensor.", nameof(tensors));
        }

        _leaves = new Tensor[leaves.Count];
        _rowShapes = new Shape[leaves.Count];
        for (int i = 0; i < _leaves.Length; i++)
        {
            Tensor leaf = leaves[i].ReadForOp();
            if (leaf.Rank == 0)
            {
                throw new ArgumentException(
                    $"FromTensorSlices: component {i} is a scalar ({leaf.DType}); slicing needs rank 1 or more.", nameof(tensors));
            }

            if (i > 0 && leaf.Shape[0] != _leaves[0].Shape[0])
            {
                throw new ArgumentException(
                    $"FromTensorSlices: every component needs the same first dimension: component 0 has shape {_leaves[0].Shape} " +
                    $"and component {i} has shape {leaf.Shape} (Dimensions {_leaves[0].Shape[0]} and {leaf.Shape[0]} are not compatible).",
                    nameof(tensors));
            }

            _leaves[i] = leaf;
            _rowShapes[i] = Rows.RowShape(leaf.Shape);
        }

        _count = _leaves[0].Shape[0];
    }

    public override long Cardinality() => _count;

    public override IEnumerator<T> GetEnumerator()
    {
        var row = new Tensor[_leaves.Length];
        for (int i = 0; i < _count; i++)
        {
            for (int j = 0; j < _leaves.Length; j++)
            {
                row[j] = Rows.Slice(_leaves[j], i, _rowShapes[j]);
            }

            int next = 0;
            yield return _structure.Rebuild(_prototype, row, ref next);
        }
    }
}
