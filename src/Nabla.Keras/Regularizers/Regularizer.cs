using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Nabla.Keras.Regularizers;

/// <summary>
/// A penalty on a tensor (Keras's <c>tf.keras.regularizers.Regularizer</c>): <see cref="Call"/> maps weights (or a
/// layer's outputs) to a scalar added to the training loss. Layers take one per weight (<c>kernelRegularizer</c>,
/// <c>biasRegularizer</c>) and one for their outputs (<c>activityRegularizer</c>); the penalties appear in
/// <see cref="Layer.Losses"/>. A string converts implicitly through <see cref="Get"/>, so <c>kernelRegularizer: "l2"</c>
/// works as in Keras.
/// </summary>
public abstract class Regularizer
{
    /// <summary>The penalty of <paramref name="weights"/>: a scalar of its dtype, built with tensor ops so tapes differentiate it.</summary>
    /// <param name="weights">The tensor to penalise.</param>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Keras's name (regularizer.__call__), as Layer.Call.")]
    public abstract Tensor Call(Tensor weights);

    /// <summary>
    /// The regularizer named <paramref name="name"/>, as Keras's <c>regularizers.get</c>: <c>"l1"</c> and <c>"l2"</c>
    /// (factor 0.01), <c>"l1_l2"</c> (both factors 0.01), and the class names <c>"L1"</c>, <c>"L2"</c>, <c>"L1L2"</c>
    /// with their constructors' defaults.
    /// </summary>
    /// <exception cref="ArgumentException">When the name is unknown.</exception>
    public static Regularizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "l1" or "L1" => new L1(),
            "l2" or "L2" => new L2(),
            "l1_l2" => new L1L2(0.01, 0.01),
            "L1L2" => new L1L2(),
            _ => throw new ArgumentException($"Could not interpret regularizer identifier: {name}", nameof(name)),
        };
    }

    /// <summary>The regularizer named <paramref name="name"/> (see <see cref="Get"/>).</summary>
    /// <param name="name">A regularizer name.</param>
    public static Regularizer FromString(string name) => Get(name);

    /// <summary>Looks up a regularizer by name (<see cref="Get"/>), so a layer accepts <c>kernelRegularizer: "l2"</c>.</summary>
    /// <param name="name">A regularizer name.</param>
    public static implicit operator Regularizer(string name) => Get(name);

    /// <summary>Checks a penalty factor as Keras does: finite.</summary>
    internal static double CheckFactor(string what, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(
                $"{what}: Value {value.ToString(CultureInfo.InvariantCulture)} is not a valid regularization penalty number, "
                + "a positive/negative infinity or NaN is not a property value.", what);
        }

        return value;
    }
}

/// <summary>The L1 penalty (Keras's <c>L1</c>): <c>l1 * sum(abs(x))</c>.</summary>
public sealed class L1 : Regularizer
{
    /// <summary>Creates the regularizer.</summary>
    /// <param name="l1">The factor; 0.01 by default, as Keras.</param>
    /// <exception cref="ArgumentException">When <paramref name="l1"/> is infinite or NaN.</exception>
    public L1(double l1 = 0.01) => Factor = CheckFactor("L1", l1);

    /// <summary>The factor.</summary>
    public double Factor { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor weights) => Factor * Tf.ReduceSum(Tf.Abs(weights));

    /// <inheritdoc/>
    public override string ToString() => $"L1(l1={Factor.ToString(CultureInfo.InvariantCulture)})";
}

/// <summary>The L2 penalty (Keras's <c>L2</c>): <c>l2 * sum(square(x))</c> (no factor of 1/2, as Keras).</summary>
public sealed class L2 : Regularizer
{
    /// <summary>Creates the regularizer.</summary>
    /// <param name="l2">The factor; 0.01 by default, as Keras.</param>
    /// <exception cref="ArgumentException">When <paramref name="l2"/> is infinite or NaN.</exception>
    public L2(double l2 = 0.01) => Factor = CheckFactor("L2", l2);

    /// <summary>The factor.</summary>
    public double Factor { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor weights) => Factor * Tf.ReduceSum(Tf.Square(weights));

    /// <inheritdoc/>
    public override string ToString() => $"L2(l2={Factor.ToString(CultureInfo.InvariantCulture)})";
}

/// <summary>
/// The sum of the L1 and L2 penalties (Keras's <c>L1L2</c>): <c>l1 * sum(abs(x)) + l2 * sum(square(x))</c>; a zero
/// factor's term is left out, as Keras.
/// </summary>
public sealed class L1L2 : Regularizer
{
    /// <summary>Creates the regularizer; both factors are 0 by default, as Keras's <c>L1L2()</c> (<c>"l1_l2"</c> is 0.01 each).</summary>
    /// <param name="l1">The L1 factor.</param>
    /// <param name="l2">The L2 factor.</param>
    /// <exception cref="ArgumentException">When a factor is infinite or NaN.</exception>
    public L1L2(double l1 = 0, double l2 = 0)
    {
        L1 = CheckFactor("L1L2", l1);
        L2 = CheckFactor("L1L2", l2);
    }

    /// <summary>The L1 factor.</summary>
    public double L1 { get; }

    /// <summary>The L2 factor.</summary>
    public double L2 { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Tensor penalty = Tf.Zeros(Shape.Scalar, weights.DType);
        if (L1 != 0)
        {
            penalty += L1 * Tf.ReduceSum(Tf.Abs(weights));
        }

        if (L2 != 0)
        {
            penalty += L2 * Tf.ReduceSum(Tf.Square(weights));
        }

        return penalty;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"L1L2(l1={L1.ToString(CultureInfo.InvariantCulture)}, l2={L2.ToString(CultureInfo.InvariantCulture)})";
}
