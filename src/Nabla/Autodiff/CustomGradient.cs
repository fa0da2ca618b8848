namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Gives a function its own gradient (TensorFlow's <c>@tf.custom_gradient</c>). <paramref name="f"/> returns its
    /// result and a gradient function mapping the upstream gradient of the result to the gradient of the input.
    /// Tapes differentiate the returned function through that gradient function only, never through the ops
    /// <paramref name="f"/> ran. The gradient function is written with <see cref="Tf"/> ops, so an outer tape
    /// records it and higher-order derivatives work; tensors it captures from the forward pass keep their own
    /// recorded history (as in TensorFlow), which is what makes <c>e = Tf.Exp(x)</c> captured in the gradient
    /// differentiable again. Variables read inside <paramref name="f"/> get no gradient through the result.
    /// </summary>
    /// <example>
    /// <code>
    /// var log1pexp = Tf.CustomGradient(x =>
    /// {
    ///     var e = Tf.Exp(x);
    ///     return (Tf.Log(1 + e), dy => dy * (1 - (1 / (1 + e))));
    /// });
    /// </code>
    /// </example>
    public static Func<Tensor, Tensor> CustomGradient(Func<Tensor, (Tensor Result, Func<Tensor, Tensor> Gradient)> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x =>
        {
            ArgumentNullException.ThrowIfNull(x);
            (Tensor result, Func<Tensor, Tensor> gradient) = f(x);
            ArgumentNullException.ThrowIfNull(result, "Result");
            ArgumentNullException.ThrowIfNull(gradient, "Gradient");
            return new CustomGradientOp(result, upstream => [gradient(upstream)]).Call(x);
        };
    }

    /// <summary>
    /// The two-input form of <see cref="CustomGradient(Func{Tensor, ValueTuple{Tensor, Func{Tensor, Tensor}}})"/>:
    /// the gradient function returns the gradients of both inputs (either may be null: no gradient).
    /// </summary>
    public static Func<Tensor, Tensor, Tensor> CustomGradient(
        Func<Tensor, Tensor, (Tensor Result, Func<Tensor, (Tensor?, Tensor?)> Gradient)> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return (x, y) =>
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            (Tensor result, Func<Tensor, (Tensor?, Tensor?)> gradient) = f(x, y);
            ArgumentNullException.ThrowIfNull(result, "Result");
            ArgumentNullException.ThrowIfNull(gradient, "Gradient");
            return new CustomGradientOp(result, upstream =>
            {
                (Tensor? dx, Tensor? dy) = gradient(upstream);
                return [dx, dy];
            }).Call(x, y);
        };
    }
}

/// <summary>
/// The tape entry of a <see cref="Tf.CustomGradient(Func{Tensor, ValueTuple{Tensor, Func{Tensor, Tensor}}})"/> call:
/// its output is a fresh tensor sharing the precomputed result's buffer (so tapes see it produced by this op
/// alone), its gradient is the user's function.
/// </summary>
internal sealed class CustomGradientOp(Tensor result, Func<Tensor, Tensor?[]> gradient) : Op("CustomGradient")
{
    private readonly Tensor _result = result;
    private readonly Func<Tensor, Tensor?[]> _gradient = gradient;

    /// <summary>The forward result the user's function computed (a graph value when traced).</summary>
    internal Tensor Result => _result;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(_result.Shape, _result.DType);

    public override Tensor Evaluate(ReadOnlySpan<Tensor> inputs, TensorSpec spec)
        => _result.Alias(spec.Shape, spec.DType, _result.IsWeak);

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => throw new System.Diagnostics.UnreachableException("CustomGradient aliases its precomputed result in Evaluate.");

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        // The user's function may keep or watch what it receives: never hand it the tape's shared seed.
        Tensor?[] grads = _gradient(Backprop.Unshared(upstream)!);
        if (grads.Length != inputs.Length)
        {
            throw new InvalidOperationException(
                $"The custom gradient function returned {grads.Length} gradients for {inputs.Length} inputs [Op:CustomGradient].");
        }

        for (int i = 0; i < grads.Length; i++)
        {
            result[i] = grads[i] is { } g && needsGradient[i] ? Checked(g, inputs[i], i) : grads[i];
        }
    }

    // TensorFlow refuses a gradient whose shape is not the input's (gradients_util's check): the tape would otherwise
    // sum a broadcast one down to the input's shape, or pass a wrong one on, silently. A strongly typed gradient of
    // another dtype is refused too (it was cast silently); a C# number (weakly typed) takes the input's dtype.
    private static Tensor Checked(Tensor gradient, Tensor input, int index)
    {
        if (gradient.DType != input.DType)
        {
            if (!gradient.IsWeak)
            {
                throw new InvalidOperationException(
                    $"The custom gradient function returned a {gradient.DType} gradient of shape {gradient.Shape} for input #{index} " +
                    $"(zero-based), a {input.DType} tensor of shape {input.Shape} [Op:CustomGradient]. Return the gradient in the input's dtype (Tf.Cast).");
            }

            gradient = DTypeRules.ConvertWeak(gradient, input.DType, "CustomGradient");
        }

        if (!gradient.Shape.IsCompatibleWith(input.Shape))
        {
            throw new InvalidOperationException(
                $"Incompatible shapes between op input and calculated input gradient. Forward operation: CustomGradient. " +
                $"Input index: {index}. Original input shape: {input.Shape}. Calculated input gradient shape: {gradient.Shape} (dtype {input.DType}).");
        }

        return gradient;
    }
}
