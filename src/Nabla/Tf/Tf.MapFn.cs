namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// TensorFlow's <c>tf.map_fn</c>: applies <paramref name="fn"/> to each slice of <paramref name="elems"/> along
    /// axis 0 and stacks the results (all of one shape and dtype) along a new axis 0. The slices come from
    /// <see cref="Unstack"/> and the results go through <see cref="Stack"/>, so gradients flow to any order; inside a
    /// traced function the loop is unrolled, which needs a known axis 0.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="elems"/> is a scalar or has no slices, or the results differ in shape or dtype.</exception>
    /// <exception cref="InvalidOperationException">When axis 0 is unknown (a traced batch axis).</exception>
    public static Tensor MapFn(Func<Tensor, Tensor> fn, Tensor elems)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(elems);
        return MapFn(slices => fn(slices[0]), [elems]);
    }

    /// <summary>
    /// <c>tf.map_fn</c> over several tensors with one axis 0 (TensorFlow's tuple <c>elems</c>): <paramref name="fn"/>
    /// gets the i-th slice of each, in order.
    /// </summary>
    /// <exception cref="ArgumentException">When there are no tensors, their axes 0 differ, or see <see cref="MapFn(Func{Tensor, Tensor}, Tensor)"/>.</exception>
    /// <exception cref="InvalidOperationException">When axis 0 is unknown (a traced batch axis).</exception>
    public static Tensor MapFn(Func<Tensor[], Tensor> fn, Tensor[] elems)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(elems);
        int count = MappedLength("MapFn", elems);
        var columns = new Tensor[elems.Length][];
        for (int e = 0; e < elems.Length; e++)
        {
            columns[e] = Unstack(elems[e]);
        }

        var results = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            var slices = new Tensor[elems.Length];
            for (int e = 0; e < elems.Length; e++)
            {
                slices[e] = columns[e][i];
            }

            results[i] = fn(slices) ?? throw new ArgumentException($"MapFn: fn returned null for element {i}.", nameof(fn));
            if (i > 0 && (results[i].DType != results[0].DType || !results[i].Shape.Dims.SequenceEqual(results[0].Shape.Dims)))
            {
                throw new ArgumentException(
                    $"MapFn: fn must return one shape and dtype for every element: element 0 gave {results[0].Shape} {results[0].DType}, element {i} gave {results[i].Shape} {results[i].DType}.",
                    nameof(fn));
            }
        }

        return Stack(results);
    }

    /// <summary>
    /// TensorFlow's <c>tf.vectorized_map</c>: the same result as <see cref="MapFn(Func{Tensor, Tensor}, Tensor)"/>.
    /// Nabla has no parallel-for compiler, so this is TensorFlow's <c>fallback_to_while_loop</c> path: fn runs once per
    /// element. Write fn over the whole batch where speed matters.
    /// </summary>
    /// <exception cref="ArgumentException">See <see cref="MapFn(Func{Tensor, Tensor}, Tensor)"/>.</exception>
    /// <exception cref="InvalidOperationException">When axis 0 is unknown (a traced batch axis).</exception>
    public static Tensor VectorizedMap(Func<Tensor, Tensor> fn, Tensor elems) => MapFn(fn, elems);

    /// <summary><c>tf.vectorized_map</c> over several tensors with one axis 0; see <see cref="VectorizedMap(Func{Tensor, Tensor}, Tensor)"/>.</summary>
    /// <exception cref="ArgumentException">See <see cref="MapFn(Func{Tensor[], Tensor}, Tensor[])"/>.</exception>
    /// <exception cref="InvalidOperationException">When axis 0 is unknown (a traced batch axis).</exception>
    public static Tensor VectorizedMap(Func<Tensor[], Tensor> fn, Tensor[] elems) => MapFn(fn, elems);

    private static int MappedLength(string op, Tensor[] elems)
    {
        if (elems.Length == 0)
        {
            throw new ArgumentException($"{op}: elems must hold at least one tensor.", nameof(elems));
        }

        foreach (Tensor t in elems)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(elems));
            if (t.Rank == 0)
            {
                throw new ArgumentException($"{op}: elems must have rank >= 1 to be unstacked along axis 0, got a scalar {t.DType}.", nameof(elems));
            }

            if (t.Shape.Dims[0] < 0)
            {
                throw new InvalidOperationException(
                    $"{op}: axis 0 of elems {t.Shape} is unknown; in a traced function the loop is unrolled and needs its length (give the input signature a fixed axis 0).");
            }

            if (t.Shape.Dims[0] != elems[0].Shape.Dims[0])
            {
                throw new ArgumentException($"{op}: all elems must have one length along axis 0, got shapes {string.Join(", ", elems.Select(e => e.Shape))}.", nameof(elems));
            }
        }

        int count = elems[0].Shape.Dims[0];
        return count > 0 ? count : throw new ArgumentException(
            $"{op}: elems of shape {elems[0].Shape} has no elements along axis 0, so the shape of fn's results is unknown.", nameof(elems));
    }
}
