namespace Nabla.Keras.Optimizers.Schedules;

/// <summary>
/// Keras's <c>ExponentialDecay</c>: <c>initialLearningRate · decayRate^(step / decaySteps)</c>, the exponent
/// floored when <see cref="Staircase"/>.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0.</param>
    /// <param name="decaySteps">The steps over which the rate is multiplied by <paramref name="decayRate"/>; positive.</param>
    /// <param name="decayRate">The decay factor.</param>
    /// <param name="staircase">Whether the rate decays in discrete jumps every <paramref name="decaySteps"/> steps.</param>
    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false)
    {
        if (decaySteps <= 0)
        {
            throw new ArgumentException($"ExponentialDecay: decaySteps must be positive, got {decaySteps}.", nameof(decaySteps));
        }

        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        DecayRate = decayRate;
        Staircase = staircase;
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>The decay period in steps.</summary>
    public long DecaySteps { get; }

    /// <summary>The decay factor per period.</summary>
    public double DecayRate { get; }

    /// <summary>Whether the exponent is floored.</summary>
    public bool Staircase { get; }

    /// <inheritdoc/>
    public override double Call(long step)
    {
        double p = (double)step / DecaySteps;
        return InitialLearningRate * Math.Pow(DecayRate, Staircase ? Math.Floor(p) : p);
    }
}

/// <summary>
/// Keras's <c>CosineDecay</c>: after an optional linear warmup from <see cref="InitialLearningRate"/> to
/// <see cref="WarmupTarget"/> over <see cref="WarmupSteps"/>, the rate follows
/// <c>start · ((1 - α)·½(1 + cos(π·min(s, decaySteps)/decaySteps)) + α)</c> with <c>s</c> the steps since the warmup.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0.</param>
    /// <param name="decaySteps">The steps to decay over; positive.</param>
    /// <param name="alpha">The final rate as a fraction of the starting one.</param>
    /// <param name="warmupTarget">The rate reached at the end of the warmup; <c>null</c> for no warmup.</param>
    /// <param name="warmupSteps">The warmup's length in steps.</param>
    public CosineDecay(double initialLearningRate, long decaySteps, double alpha = 0, double? warmupTarget = null, long warmupSteps = 0)
    {
        if (decaySteps <= 0 || warmupSteps < 0)
        {
            throw new ArgumentException(
                $"CosineDecay: decaySteps must be positive and warmupSteps non-negative, got {decaySteps} and {warmupSteps}.", nameof(decaySteps));
        }

        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        Alpha = alpha;
        WarmupTarget = warmupTarget;
        WarmupSteps = warmupSteps;
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>The decay length in steps.</summary>
    public long DecaySteps { get; }

    /// <summary>The final rate as a fraction of the starting one.</summary>
    public double Alpha { get; }

    /// <summary>The rate at the end of the warmup, or <c>null</c>.</summary>
    public double? WarmupTarget { get; }

    /// <summary>The warmup's length.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc/>
    public override double Call(long step)
    {
        double start = InitialLearningRate;
        if (WarmupTarget is double target)
        {
            if (step < WarmupSteps)
            {
                return InitialLearningRate + ((target - InitialLearningRate) * step / WarmupSteps);
            }

            start = target;
            step -= WarmupSteps;
        }

        double s = Math.Min(step, DecaySteps);
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * s / DecaySteps));
        return start * (((1 - Alpha) * cosine) + Alpha);
    }
}

/// <summary>
/// Keras's <c>PiecewiseConstantDecay</c>: <c>values[0]</c> while <c>step ≤ boundaries[0]</c>, <c>values[i]</c> while
/// <c>boundaries[i-1] &lt; step ≤ boundaries[i]</c>, and the last value after the last boundary.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly double[] _values;

    /// <summary>Creates the schedule.</summary>
    /// <param name="boundaries">Increasing step boundaries.</param>
    /// <param name="values">One more value than boundaries.</param>
    /// <exception cref="ArgumentException">When the counts do not fit or the boundaries do not increase.</exception>
    public PiecewiseConstantDecay(IReadOnlyList<long> boundaries, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != boundaries.Count + 1)
        {
            throw new ArgumentException(
                $"PiecewiseConstantDecay: the length of values ({values.Count}) must be one more than the length of boundaries ({boundaries.Count}).",
                nameof(values));
        }

        for (int i = 1; i < boundaries.Count; i++)
        {
            if (boundaries[i] <= boundaries[i - 1])
            {
                throw new ArgumentException($"PiecewiseConstantDecay: boundaries must increase, got {boundaries[i - 1]} then {boundaries[i]}.", nameof(boundaries));
            }
        }

        _boundaries = [.. boundaries];
        _values = [.. values];
    }

    /// <inheritdoc/>
    public override double Call(long step)
    {
        for (int i = 0; i < _boundaries.Length; i++)
        {
            if (step <= _boundaries[i])
            {
                return _values[i];
            }
        }

        return _values[^1];
    }
}
