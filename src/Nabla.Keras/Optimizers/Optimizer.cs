using System.Runtime.CompilerServices;

namespace Nabla.Keras.Optimizers;

/// <summary>
/// The base of Keras's optimizers (<c>tf.keras.optimizers.Optimizer</c>): <see cref="ApplyGradients(IEnumerable{ValueTuple{Tensor, Variable}})"/> updates
/// each variable from its gradient; per-variable state (momentum, moments) lives in slots created on first use.
/// </summary>
public abstract class Optimizer
{
    private readonly ConditionalWeakTable<Variable, Variable[]> _slots = [];

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The learning rate.</param>
    /// <param name="name">The optimizer's name (Keras's class name by default).</param>
    protected Optimizer(double learningRate, string name)
    {
        if (!(learningRate >= 0))
        {
            throw new ArgumentException(
                $"{name}: the learning rate must be non-negative, got {learningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}.",
                nameof(learningRate));
        }

        LearningRate = learningRate;
        Name = name;
    }

    /// <summary>The learning rate; it may change between steps.</summary>
    public double LearningRate { get; set; }

    /// <summary>The optimizer's name.</summary>
    public string Name { get; }

    /// <summary>How many times <see cref="ApplyGradients(IEnumerable{ValueTuple{Tensor, Variable}})"/> has run (Keras's <c>iterations</c>).</summary>
    public long Iterations { get; private set; }

    /// <summary>
    /// Applies one update step, as Keras's <c>apply_gradients(zip(grads, vars))</c>. Pairs whose gradient is
    /// <c>null</c> (the loss does not depend on the variable) are skipped.
    /// </summary>
    /// <exception cref="ArgumentException">When a gradient's shape differs from its variable's, or the variable is not floating point.</exception>
    public void ApplyGradients(IEnumerable<(Tensor? Gradient, Variable Variable)> gradientsAndVariables)
    {
        ArgumentNullException.ThrowIfNull(gradientsAndVariables);
        var pairs = new List<(Tensor Gradient, Variable Variable)>();
        foreach ((Tensor? gradient, Variable variable) in gradientsAndVariables)
        {
            ArgumentNullException.ThrowIfNull(variable);
            if (gradient is null)
            {
                continue;
            }

            if (!variable.DType.IsFloating)
            {
                throw new ArgumentException($"{Name}: cannot update variable '{variable.Name}' of dtype {variable.DType}: only floating-point variables train.");
            }

            if (gradient.Shape != variable.Shape)
            {
                throw new ArgumentException(
                    $"{Name}: gradient of shape {gradient.Shape} ({gradient.DType}) does not match variable '{variable.Name}' of shape {variable.Shape} ({variable.DType}).");
            }

            pairs.Add((gradient.DType == variable.DType ? gradient : Tf.Cast(gradient, variable.DType), variable));
        }

        Iterations++;
        foreach ((Tensor gradient, Variable variable) in pairs)
        {
            UpdateStep(gradient, variable, Iterations);
        }
    }

    /// <summary>Applies gradients given as two parallel lists (the output of <c>tape.Gradient(loss, variables)</c>).</summary>
    public void ApplyGradients(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(variables);
        if (gradients.Count != variables.Count)
        {
            throw new ArgumentException($"{Name}: {gradients.Count} gradients for {variables.Count} variables.", nameof(gradients));
        }

        ApplyGradients(gradients.Zip(variables));
    }

    /// <summary>Updates <paramref name="variable"/> from <paramref name="gradient"/> (same shape and dtype).</summary>
    /// <param name="gradient">The gradient.</param>
    /// <param name="variable">The variable.</param>
    /// <param name="iteration">The 1-based step number.</param>
    protected abstract void UpdateStep(Tensor gradient, Variable variable, long iteration);

    /// <summary>The <paramref name="count"/> zero-initialised slot variables of <paramref name="variable"/>, made on first use.</summary>
    protected Variable[] Slots(Variable variable, int count)
    {
        ArgumentNullException.ThrowIfNull(variable);
        return _slots.GetValue(variable, v =>
        {
            var slots = new Variable[count];
            for (int i = 0; i < count; i++)
            {
                slots[i] = new Variable(Tf.ZerosLike(v), trainable: false, name: $"{Name}/{StripSuffix(v.Name)}/slot{i}");
            }

            return slots;
        });
    }

    private static string StripSuffix(string name) => name.EndsWith(":0", StringComparison.Ordinal) ? name[..^2] : name;
}
