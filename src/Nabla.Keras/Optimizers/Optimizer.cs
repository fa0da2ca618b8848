using System.Globalization;
using System.Runtime.CompilerServices;
using Nabla.Keras.Distribute;
using Nabla.Keras.Optimizers.Schedules;

namespace Nabla.Keras.Optimizers;

/// <summary>
/// The base of Keras's optimizers (<c>keras.optimizers.Optimizer</c>): <see cref="ApplyGradients(IEnumerable{ValueTuple{Tensor, Variable}})"/>
/// clips the gradients (<see cref="ClipNorm"/>, <see cref="GlobalClipNorm"/> or <see cref="ClipValue"/>), applies
/// decoupled weight decay (<c>w -= w·weightDecay·lr</c>), then updates each variable; per-variable state
/// (momentum, moments) lives in slots created on first use. The learning rate is a number or a
/// <see cref="LearningRateSchedule"/> evaluated at <see cref="Iterations"/>.
/// </summary>
public abstract partial class Optimizer
{
    private readonly ConditionalWeakTable<Variable, Dictionary<string, Variable>> _slots = [];
    private LearningRateSchedule _learningRate;

    // The learning rate a traced step reads (assigned eagerly before each traced step when it changed).
    private Variable? _learningRateVariable;
    private double _assignedLearningRate = double.NaN;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The learning rate or schedule; <c>null</c> for <paramref name="defaultLearningRate"/>.</param>
    /// <param name="defaultLearningRate">The optimizer's Keras default rate.</param>
    /// <param name="name">The optimizer's name.</param>
    /// <param name="options">Clipping and weight decay.</param>
    /// <exception cref="ArgumentException">When more than one clipping option is set, or one is not positive.</exception>
    protected Optimizer(LearningRateSchedule? learningRate, double defaultLearningRate, string name, OptimizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _learningRate = learningRate ?? LearningRateSchedule.FromDouble(defaultLearningRate);
        options ??= new OptimizerOptions();
        int clips = (options.ClipNorm is null ? 0 : 1) + (options.ClipValue is null ? 0 : 1) + (options.GlobalClipNorm is null ? 0 : 1);
        if (clips > 1)
        {
            throw new ArgumentException($"{name}: only one of clipnorm, clipvalue and globalClipnorm can be set.", nameof(options));
        }

        foreach (double? bound in (ReadOnlySpan<double?>)[options.ClipNorm, options.ClipValue, options.GlobalClipNorm])
        {
            if (bound is double b && !(b > 0))
            {
                throw new ArgumentException($"{name}: clipping bounds must be positive, got {b.ToString(CultureInfo.InvariantCulture)}.", nameof(options));
            }
        }

        if (options.WeightDecay is double wd && !(wd >= 0))
        {
            throw new ArgumentException($"{name}: weight decay must be non-negative, got {wd.ToString(CultureInfo.InvariantCulture)}.", nameof(options));
        }

        ClipNorm = options.ClipNorm;
        ClipValue = options.ClipValue;
        GlobalClipNorm = options.GlobalClipNorm;
        WeightDecay = options.WeightDecay;
    }

    /// <summary>Creates the optimizer from the clipping and weight-decay arguments every Keras optimizer takes.</summary>
    private protected Optimizer(LearningRateSchedule? learningRate, double defaultLearningRate, string name,
        double? clipNorm, double? clipValue, double? globalClipNorm, double? weightDecay)
        : this(learningRate, defaultLearningRate, name,
            new OptimizerOptions { ClipNorm = clipNorm, ClipValue = clipValue, GlobalClipNorm = globalClipNorm, WeightDecay = weightDecay })
    {
    }

    /// <summary>
    /// The current learning rate (the schedule's value at <see cref="Iterations"/>). Setting it replaces a constant
    /// rate, as callbacks such as <c>LearningRateScheduler</c> do.
    /// </summary>
    /// <exception cref="InvalidOperationException">On set, when the optimizer was created with a schedule.</exception>
    public double LearningRate
    {
        get => _learningRate.Call(Iterations);
        set
        {
            if (_learningRate is not ConstantLearningRate)
            {
                throw new InvalidOperationException(
                    $"{Name}: this optimizer was created with a LearningRateSchedule ({_learningRate.GetType().Name}) as its learning rate, hence its learning rate is not settable.");
            }

            _learningRate = LearningRateSchedule.FromDouble(value);
        }
    }

    /// <summary>The schedule behind the learning rate; <c>null</c> when it is a constant.</summary>
    public LearningRateSchedule? Schedule => _learningRate is ConstantLearningRate ? null : _learningRate;

    /// <summary>The optimizer's name.</summary>
    public string Name { get; }

    /// <summary>A new optimizer with Keras's defaults, by name (see <see cref="OptimizerRegistry.Get"/>).</summary>
    /// <param name="name">An optimizer name: <c>"adam"</c>, <c>"sgd"</c>...</param>
    public static Optimizer FromString(string name) => OptimizerRegistry.Get(name);

    /// <summary>Looks an optimizer up by name, so <c>Compile("adam", loss)</c> works as Keras's <c>compile(optimizer="adam")</c>.</summary>
    /// <param name="name">An optimizer name.</param>
    public static implicit operator Optimizer(string name) => OptimizerRegistry.Get(name);

    /// <summary>Each gradient is rescaled so its L2 norm is at most this (Keras's <c>clipnorm</c>).</summary>
    public double? ClipNorm { get; }

    /// <summary>Each gradient element is clipped to [-v, v] (Keras's <c>clipvalue</c>).</summary>
    public double? ClipValue { get; }

    /// <summary>All gradients are rescaled so their joint L2 norm is at most this (Keras's <c>global_clipnorm</c>).</summary>
    public double? GlobalClipNorm { get; }

    /// <summary>Decoupled weight decay: before each update <c>w -= w·weightDecay·lr</c> (Keras's <c>weight_decay</c>).</summary>
    public double? WeightDecay { get; }

    /// <summary>How many times <see cref="ApplyGradients(IEnumerable{ValueTuple{Tensor, Variable}})"/> has run (Keras's <c>iterations</c>).</summary>
    public long Iterations => IterationsVariable.Item<long>();

    /// <summary>
    /// The step counter as an int64 variable (Keras's <c>optimizer.iterations</c>): a traced training step reads and
    /// increments it when the graph runs, so the step-dependent numbers (Adam's bias correction) stay right.
    /// </summary>
    public Variable IterationsVariable { get; } = new(0L, trainable: false, name: "iterations");

    /// <summary>
    /// Makes the learning rate a traced step reads current: the schedule's value at <see cref="Iterations"/>, or the
    /// rate a callback set. Keras's <c>Fit</c> calls it before each traced step; call it yourself before a
    /// <c>Tf.Function</c> of your own that applies gradients, when the rate changes.
    /// </summary>
    public void PrepareTracedStep()
    {
        double rate = LearningRate;
        _learningRateVariable ??= new Variable(rate, trainable: false, name: Name + "/learning_rate");
        if (!rate.Equals(_assignedLearningRate))
        {
            _learningRateVariable.Assign(rate);
            _assignedLearningRate = rate;
        }
    }

    /// <summary>
    /// Applies one update step, as Keras's <c>apply_gradients(zip(grads, vars))</c>. Pairs whose gradient is
    /// <c>null</c> (the loss does not depend on the variable) are skipped.
    /// </summary>
    /// <exception cref="ArgumentException">When a gradient's shape differs from its variable's, or the variable is not floating point.</exception>
    public void ApplyGradients(IEnumerable<(Tensor? Gradient, Variable Variable)> gradientsAndVariables)
    {
        ArgumentNullException.ThrowIfNull(gradientsAndVariables);
        var gradients = new List<Tensor>();
        var variables = new List<Variable>();
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

            gradients.Add(gradient.DType == variable.DType ? gradient : Tf.Cast(gradient, variable.DType));
            variables.Add(variable);
        }

        if (Distribution.Current is { } strategy)
        {
            // Each worker computed its gradients on its shard of the batch: apply their mean, clipped as a whole.
            IReadOnlyList<Tensor?> aggregated = strategy.AggregateGradients(gradients, variables);
            for (int i = 0; i < gradients.Count; i++)
            {
                gradients[i] = aggregated[i] ?? gradients[i];
            }
        }

        if (TryUpdateTraced(gradients, variables))
        {
            return;
        }

        UpdateAll(gradients, variables);
    }

    // Clipping, weight decay, each variable's update and the step count: eagerly, or as the body of a traced step.
    private void UpdateAll(List<Tensor> gradients, IReadOnlyList<Variable> variables)
    {
        Clip(gradients);
        (Tensor learningRate, Tensor step) = StepScalars();
        var perDType = new Dictionary<DType, (Tensor LearningRate, Tensor Step)>();
        for (int i = 0; i < variables.Count; i++)
        {
            DType dtype = variables[i].DType;
            if (!perDType.TryGetValue(dtype, out (Tensor LearningRate, Tensor Step) scalars))
            {
                scalars = (Tf.Cast(learningRate, dtype), Tf.Cast(step, dtype));
                perDType[dtype] = scalars;
            }

            if (WeightDecay is double decay && decay > 0)
            {
                variables[i].AssignSub(variables[i] * (scalars.LearningRate * decay));
            }

            UpdateStep(gradients[i], variables[i], scalars.LearningRate, scalars.Step);
        }

        IterationsVariable.AssignAdd(1L);
    }

    // The learning rate and the 1-based step as float64 scalars: the values now when eager; inside a traced step,
    // reads of the optimizer's variables, so the graph uses each run's values (see PrepareTracedStep).
    private (Tensor LearningRate, Tensor Step) StepScalars()
    {
        if (Tf.ExecutingEagerly())
        {
            return (Tf.Constant(LearningRate), Tf.Constant((double)(Iterations + 1)));
        }

        if (_learningRateVariable is null)
        {
            using (Tf.InitScope())
            {
                PrepareTracedStep();
            }
        }

        return (Tf.Identity(_learningRateVariable!), Tf.Cast(IterationsVariable + 1L, DType.Float64));
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
    /// <param name="gradient">The (clipped) gradient.</param>
    /// <param name="variable">The variable.</param>
    /// <param name="learningRate">The learning rate for this step: a scalar of the variable's dtype.</param>
    /// <param name="localStep">The 1-based step number (Keras's <c>local_step</c>): a scalar of the variable's dtype.</param>
    /// <remarks>
    /// As in Keras 3, the step's numbers are tensors, so the same rule runs eagerly and inside a traced training
    /// step (where they are read from <see cref="IterationsVariable"/> and the learning-rate variable when the graph runs).
    /// </remarks>
    protected abstract void UpdateStep(Tensor gradient, Variable variable, Tensor learningRate, Tensor localStep);

    /// <summary>The slot <paramref name="slotName"/> of <paramref name="variable"/>, made on first use filled with <paramref name="initialValue"/>.</summary>
    protected Variable Slot(Variable variable, string slotName, double initialValue = 0)
    {
        ArgumentNullException.ThrowIfNull(variable);
        Dictionary<string, Variable> slots = _slots.GetValue(variable, static _ => new Dictionary<string, Variable>(StringComparer.Ordinal));
        if (!slots.TryGetValue(slotName, out Variable? slot))
        {
            string owner = variable.Name.EndsWith(":0", StringComparison.Ordinal) ? variable.Name[..^2] : variable.Name;
            slot = new Variable(Tf.Fill(variable.Shape, initialValue, variable.DType), trainable: false, name: $"{Name}/{owner}/{slotName}");
            slots[slotName] = slot;
        }

        return slot;
    }

    /// <summary>The slot <paramref name="slotName"/> of <paramref name="variable"/> when it exists (saving reads optimizer state).</summary>
    internal Variable? ExistingSlot(Variable variable, string slotName) =>
        _slots.TryGetValue(variable, out Dictionary<string, Variable>? slots) && slots.TryGetValue(slotName, out Variable? slot) ? slot : null;

    /// <summary>The slot, made now when it does not exist (loading assigns saved optimizer state to it).</summary>
    internal Variable SlotForLoading(Variable variable, string slotName, double initialValue) => Slot(variable, slotName, initialValue);

    /// <summary>The exponential moving average update <c>slot = decay·slot + (1 - decay)·value</c>.</summary>
    private protected static void AssignMovingAverage(Variable slot, Tensor value, double decay)
        => slot.Assign((slot * decay) + (value * (1 - decay)));

    private void Clip(List<Tensor> gradients)
    {
        if (ClipNorm is double clipNorm)
        {
            for (int i = 0; i < gradients.Count; i++)
            {
                Tensor norm = Tf.Sqrt(Tf.ReduceSum(Tf.Square(gradients[i])));
                gradients[i] = gradients[i] * clipNorm / Tf.Maximum(norm, clipNorm);
            }
        }
        else if (GlobalClipNorm is double globalNorm && gradients.Count > 0)
        {
            Tensor sum = Tf.Cast(Tf.ReduceSum(Tf.Square(gradients[0])), DType.Float64);
            for (int i = 1; i < gradients.Count; i++)
            {
                sum += Tf.Cast(Tf.ReduceSum(Tf.Square(gradients[i])), DType.Float64);
            }

            // A tensor, not a number read out, so a traced step computes it when the graph runs.
            Tensor scale = globalNorm / Tf.Maximum(Tf.Sqrt(sum), globalNorm);
            for (int i = 0; i < gradients.Count; i++)
            {
                gradients[i] = gradients[i] * Tf.Cast(scale, gradients[i].DType);
            }
        }
        else if (ClipValue is double clipValue)
        {
            for (int i = 0; i < gradients.Count; i++)
            {
                gradients[i] = Tf.ClipByValue(gradients[i], -clipValue, clipValue);
            }
        }
    }
}

/// <summary>The options every Keras optimizer takes: gradient clipping (at most one kind) and weight decay.</summary>
public sealed record OptimizerOptions
{
    /// <summary>Rescale each gradient to an L2 norm of at most this (Keras's <c>clipnorm</c>).</summary>
    public double? ClipNorm { get; init; }

    /// <summary>Clip each gradient element to [-v, v] (Keras's <c>clipvalue</c>).</summary>
    public double? ClipValue { get; init; }

    /// <summary>Rescale all gradients to a joint L2 norm of at most this (Keras's <c>global_clipnorm</c>).</summary>
    public double? GlobalClipNorm { get; init; }

    /// <summary>Decoupled weight decay (Keras's <c>weight_decay</c>).</summary>
    public double? WeightDecay { get; init; }
}
