namespace Nabla;

public partial class Tensor
{
    /// <summary>
    /// C# indexing: <c>t[1]</c>, <c>t[^1]</c>, <c>t[1..3]</c>, <c>t[.., 0]</c>, <c>t[1..3, ^1]</c>, and TensorFlow's
    /// strided slicing: <c>t[TensorIndex.Slice(1, null, 2)]</c> (Python's <c>t[1::2]</c>),
    /// <c>t[TensorIndex.Slice(step: -1)]</c> (<c>t[::-1]</c>), <c>t[Tf.NewAxis, .., 0]</c>, <c>t[Tf.Ellipsis, 0]</c>.
    /// Each entry applies to the next axis (an ellipsis to as many as the others leave; a new axis to none);
    /// missing trailing entries take the whole axis. A position (<c>int</c> or <see cref="System.Index"/>; negative
    /// ints count from the end) removes its axis, a range or slice keeps it. The result is a copy made with
    /// <see cref="Tf.Slice"/>, <see cref="Tf.Gather(Tensor, Tensor, int)"/> (for steps other than 1) and
    /// <see cref="Tf.Reshape(Tensor, int[])"/>, so it is differentiable to any order.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">When a position or range falls outside its axis, or there are more entries than axes.</exception>
    /// <exception cref="ArgumentException">When there is more than one ellipsis.</exception>
    [System.Runtime.CompilerServices.IndexerName("Indexer")]
    public Tensor this[params TensorIndex[] indices]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(indices);
            return StridedSlicing.Apply(this, indices);
        }
    }
}
