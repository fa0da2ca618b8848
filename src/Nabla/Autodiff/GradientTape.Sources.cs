namespace Nabla;

// The shapes of `sources` that TensorFlow's tape.gradient and tape.jacobian accept besides one tensor and an
// array: any sequence (a model's TrainableVariables, an IReadOnlyList<Variable>), and a dictionary, whose
// gradients come back under the same keys. One target with options (unconnectedGradients, an output gradient)
// has its own overloads, as tape.gradient(y, x, unconnected_gradients=...) in Python.
public sealed partial class GradientTape
{
    /// <summary>
    /// One gradient of <paramref name="target"/> per source, in order (TensorFlow's <c>tape.gradient(loss, model.trainable_variables)</c>):
    /// any sequence of tensors or variables, such as a layer's <c>TrainableVariables</c>.
    /// </summary>
    /// <param name="target">The tensor to differentiate (its sum, if not a scalar).</param>
    /// <param name="sources">The tensors or variables to differentiate with respect to.</param>
    /// <param name="outputGradient">Weights of the target's elements (ones by default).</param>
    /// <param name="unconnectedGradients">What a source the target does not depend on gets: null (the default) or zeros.</param>
    /// <exception cref="InvalidOperationException">On a second call to a non-persistent tape.</exception>
    public Tensor?[] Gradient(
        Tensor target, IEnumerable<Tensor> sources, Tensor? outputGradient = null, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Gradient([target], ListOf(sources), outputGradient is null ? null : [outputGradient], unconnectedGradients);
    }

    /// <summary>
    /// The gradients of <paramref name="target"/> with respect to the values of <paramref name="sources"/>, under the same
    /// keys (TensorFlow's <c>tape.gradient(loss, {"w": w, "b": b})</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">On a second call to a non-persistent tape.</exception>
    public Dictionary<TKey, Tensor?> Gradient<TKey, TSource>(
        Tensor target, IReadOnlyDictionary<TKey, TSource> sources, Tensor? outputGradient = null,
        UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
        where TKey : notnull
        where TSource : Tensor
    {
        ArgumentNullException.ThrowIfNull(sources);
        (TKey[] keys, Tensor[] values) = Split(sources);
        return Zip(keys, Gradient(target, values, outputGradient, unconnectedGradients));
    }

    /// <summary>The gradient of the sum of <paramref name="targets"/> with respect to each source of any sequence.</summary>
    /// <exception cref="InvalidOperationException">On a second call to a non-persistent tape.</exception>
    public Tensor?[] Gradient(
        IReadOnlyList<Tensor> targets, IEnumerable<Tensor> sources, IReadOnlyList<Tensor?>? outputGradients = null,
        UnconnectedGradients unconnectedGradients = UnconnectedGradients.None) =>
        Gradient(targets, ListOf(sources), outputGradients, unconnectedGradients);

    /// <summary>Makes the tape record operations on each tensor of <paramref name="tensors"/> (TensorFlow's <c>tape.watch(list)</c>).</summary>
    public void Watch(IEnumerable<Tensor> tensors) => Watch([.. ListOf(tensors)]);

    /// <summary>One Jacobian of <paramref name="target"/> per source of any sequence (see <see cref="Jacobian(Tensor, Tensor, UnconnectedGradients)"/>).</summary>
    /// <exception cref="InvalidOperationException">On a non-persistent tape already used.</exception>
    public Tensor?[] Jacobian(Tensor target, IEnumerable<Tensor> sources, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None) =>
        Jacobian(target, ListOf(sources), unconnectedGradients);

    /// <summary>The Jacobians of <paramref name="target"/> with respect to the values of <paramref name="sources"/>, under the same keys.</summary>
    /// <exception cref="InvalidOperationException">On a non-persistent tape already used.</exception>
    public Dictionary<TKey, Tensor?> Jacobian<TKey, TSource>(
        Tensor target, IReadOnlyDictionary<TKey, TSource> sources, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
        where TKey : notnull
        where TSource : Tensor
    {
        ArgumentNullException.ThrowIfNull(sources);
        (TKey[] keys, Tensor[] values) = Split(sources);
        return Zip(keys, Jacobian(target, values, unconnectedGradients));
    }

    // A list is used as it is (no copy for a model's variables); any other sequence is read once, in order.
    // paramName: the caller's public parameter (tensors for Watch, sources for Gradient), not this helper's.
    private static IReadOnlyList<Tensor> ListOf(IEnumerable<Tensor> sources, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(sources))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(sources, paramName);
        IReadOnlyList<Tensor> list = sources as IReadOnlyList<Tensor> ?? [.. sources];
        for (int i = 0; i < list.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(list[i], paramName);
        }

        return list;
    }

    private static (TKey[] Keys, Tensor[] Values) Split<TKey, TSource>(IReadOnlyDictionary<TKey, TSource> sources)
        where TSource : Tensor
    {
        var keys = new TKey[sources.Count];
        var values = new Tensor[sources.Count];
        int i = 0;
        foreach ((TKey key, TSource value) in sources)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(sources));
            keys[i] = key;
            values[i++] = value;
        }

        return (keys, values);
    }

    private static Dictionary<TKey, Tensor?> Zip<TKey>(TKey[] keys, Tensor?[] values)
        where TKey : notnull
    {
        var result = new Dictionary<TKey, Tensor?>(keys.Length);
        for (int i = 0; i < keys.Length; i++)
        {
            result[keys[i]] = values[i];
        }

        return result;
    }
}
