namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Clips <paramref name="t"/> elementwise to [<paramref name="clipValueMin"/>, <paramref name="clipValueMax"/>]
    /// (TensorFlow's <c>tf.clip_by_value</c>, which it composes the same way: <c>Maximum(Minimum(t, max), min)</c>).
    /// The bounds broadcast against <paramref name="t"/> but may not enlarge its shape. The gradient to
    /// <paramref name="t"/> is 1 where <c>min &lt;= t &lt;= max</c>, bounds included (the tie rule of
    /// <see cref="Minimum"/> and <see cref="Maximum"/>), and the bounds get the rest.
    /// </summary>
    /// <exception cref="ArgumentException">On mismatched dtypes, a bool input, or bounds whose shapes would change <paramref name="t"/>'s.</exception>
    public static Tensor ClipByValue(Tensor t, Tensor clipValueMin, Tensor clipValueMax)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(clipValueMin);
        ArgumentNullException.ThrowIfNull(clipValueMax);
        Shape shape = DTypeRules.BroadcastShapes("ClipByValue", DTypeRules.BroadcastShapes("ClipByValue", t.Shape, clipValueMin.Shape), clipValueMax.Shape);
        if (shape != t.Shape)
        {
            throw new ArgumentException(
                $"ClipByValue: the bounds of shapes {clipValueMin.Shape} and {clipValueMax.Shape} would broadcast t of shape {t.Shape} " +
                $"(dtype {t.DType}) to {shape}; clipping must keep t's shape.");
        }

        return Maximum(Minimum(t, clipValueMax), clipValueMin);
    }
}
