namespace Nabla;

/// <summary>
/// The op vocabulary (TensorFlow's <c>tf</c> module). Each op lives in its own file under <c>Ops/</c> as a
/// <c>partial</c> block of this class; nested classes <see cref="Nn"/>, <see cref="Math"/> and
/// <see cref="Random"/> mirror TensorFlow's modules.
/// </summary>
public static partial class Tf
{
    /// <summary>Always true: Nabla runs ops eagerly (a graph mode may come later).</summary>
    public static bool ExecutingEagerly() => ExecutionContext.Current.IsEager;

    /// <summary>
    /// A tensor that stops gradients: the same values, but tapes treat it as a constant. It shares the input's
    /// buffer (tensors are immutable), so it costs no copy.
    /// </summary>
    public static Tensor StopGradient(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return StopGradientOp.Instance.Call(x);
    }

    /// <summary>Neural-network ops (TensorFlow's <c>tf.nn</c>).</summary>
    public static partial class Nn
    {
    }

    /// <summary>Math ops (TensorFlow's <c>tf.math</c>); most are also directly on <see cref="Tf"/>.</summary>
    public static partial class Math
    {
    }
}
