using System.Globalization;
using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// What <see cref="SimpleRNN"/>, <see cref="LSTM"/> and <see cref="GRU"/> share (Keras's <c>RNN</c> layer around its
/// cell): inputs (batch, time, features); <c>x · kernel + bias</c> for all steps as one matrix product, then the time
/// loop as one fused op (<c>Tf.Nn.Lstm</c>...), which a tape records as one entry whatever the length; the output
/// at the last step or at every step (<see cref="ReturnSequences"/>), the final states (<see cref="ApplyWithStates"/>),
/// <see cref="GoBackwards"/>, <see cref="Stateful"/>, initial states and masks as Keras has them.
/// </summary>
public abstract class RecurrentLayer : Layer
{
    private readonly RecurrentSettings _settings;
    private readonly string _cellName;
    private Variable? _kernel;
    private Variable? _recurrentKernel;
    private Variable? _bias;

    // The stateful layer's states after the last call (tensors, not variables: Keras does not list them as weights).
    private Tensor[]? _states;

    private protected RecurrentLayer(int units, RecurrentSettings settings, string cellName, int[]? inputShape, string? name)
        : base(name, inputShape, settings.DType)
    {
        if (units <= 0)
        {
            throw new ArgumentException(
                $"{GetType().Name}: received an invalid value for argument `units`, expected a positive integer, got {units}.", nameof(units));
        }

        if (!(settings.Dropout >= 0 && settings.Dropout < 1))
        {
            throw new ArgumentException(
                $"{GetType().Name}: dropout must be in [0, 1), got {settings.Dropout.ToString(CultureInfo.InvariantCulture)}.", nameof(settings));
        }

        Units = units;
        _settings = settings;
        _cellName = cellName;
        SupportsMasking = true;
        ActivityRegularizer = settings.ActivityRegularizer;
    }

    /// <summary>The state size (and output size).</summary>
    public int Units { get; }

    /// <summary>Whether the output is the whole sequence (batch, time, units) rather than the last step's (batch, units).</summary>
    public bool ReturnSequences => _settings.ReturnSequences;

    /// <summary>Whether the layer's outputs include the final states; <see cref="ApplyWithStates"/> returns them.</summary>
    public bool ReturnState => _settings.ReturnState;

    /// <summary>Whether the sequence is processed last step first; the output sequence is then in that reversed order, as Keras's.</summary>
    public bool GoBackwards => _settings.GoBackwards;

    /// <summary>Whether the final states of a call are the initial states of the next (until <see cref="ResetStates"/>).</summary>
    public bool Stateful => _settings.Stateful;

    /// <summary>Whether a masked step outputs zeros (Keras's <c>zero_output_for_mask</c>) instead of the previous output.</summary>
    public bool ZeroOutputForMask { get; set; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias => _settings.UseBias;

    /// <summary>The fraction of the inputs' features dropped in training (one mask per sequence, as Keras).</summary>
    public double Dropout => _settings.Dropout;

    /// <summary>The input kernel, (features, gates·units); null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The recurrent kernel, (units, gates·units); null before build.</summary>
    public Variable? RecurrentKernel => _recurrentKernel;

    /// <summary>The bias; null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <summary>A stateful layer's current states (h, or h and c), or null before its first call or after <see cref="ResetStates"/>.</summary>
    public IReadOnlyList<Tensor>? States => _states;

    /// <summary>The number of state tensors: 2 for the LSTM (h, c), 1 otherwise.</summary>
    public int StateCount => CellStateCount;

    private protected abstract int GateCount { get; }

    private protected virtual int CellStateCount => 1;

    private protected RecurrentSettings Settings => _settings;

    /// <summary>Forgets a stateful layer's states: the next call starts from zeros (Keras's <c>reset_states</c>).</summary>
    public void ResetStates() => _states = null;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 3)
        {
            throw new ArgumentException(
                $"{GetType().Name} {Name}: inputs must have shape (batch, time, features), got {inputShape}.", nameof(inputShape));
        }

        int features = inputShape[2], width = GateCount * Units;
        DType dtype = _settings.DType;
        _kernel = AddWeight($"{_cellName}/kernel", new Shape(features, width), _settings.KernelInitializer, dtype: dtype,
            regularizer: _settings.KernelRegularizer);
        _recurrentKernel = AddWeight($"{_cellName}/recurrent_kernel", new Shape(Units, width), _settings.RecurrentInitializer, dtype: dtype,
            regularizer: _settings.RecurrentRegularizer);
        _bias = UseBias
            ? AddWeight($"{_cellName}/bias", BiasShape, BiasInitializer, dtype: dtype, regularizer: _settings.BiasRegularizer)
            : null;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Call(inputs, null, training);

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, Tensor? mask, bool training) => Run(inputs, null, mask, training, wantStates: false).Output;

    /// <summary>With <see cref="ReturnSequences"/>, the input mask (one value per step of the output); otherwise none.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => ReturnSequences ? mask : null;

    /// <summary>
    /// Applies the layer and returns the output followed by the final states: <c>[output, h]</c>, or
    /// <c>[output, h, c]</c> for the LSTM (what Keras returns with <c>return_state=True</c>).
    /// </summary>
    /// <param name="inputs">(batch, time, features).</param>
    /// <param name="initialState">The initial states, each (batch, units); zeros (or a stateful layer's last states) when null.</param>
    /// <param name="training">Whether the call is for training (input dropout).</param>
    /// <param name="mask">(batch, time) bool; by default the mask attached to <paramref name="inputs"/>.</param>
    public Tensor[] ApplyWithStates(Tensor inputs, IReadOnlyList<Tensor>? initialState = null, bool training = false, Tensor? mask = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (KerasTensors.IsKerasTensor(inputs) && mask is null)
        {
            // On Keras tensors: a node of the functional graph whose outputs are the output and the states.
            return SymbolicCall.Apply(this, [inputs, .. initialState ?? []], (xs, t) => ApplyWithStates(xs[0], xs.Count > 1 ? [.. xs.Skip(1)] : null, t));
        }

        mask ??= Backend.GetKerasMask(inputs);
        inputs = CastInputs(inputs);
        Tensor[] states = [];
        Tensor output = CallWithLosses(inputs, training, mask, m =>
        {
            (Tensor result, Tensor[] final) = Run(inputs, initialState, m, training, wantStates: true);
            states = final;
            return result;
        });
        return [output, .. states];
    }

    /// <summary>A layer with the same configuration (weights not copied), for Bidirectional.</summary>
    internal abstract RecurrentLayer CloneWith(string name, bool goBackwards);

    /// <summary>
    /// Keras's config of a recurrent layer: the <c>RNN</c> wrapper's entries (<c>return_sequences</c>...), then the
    /// cell's (<c>units</c>, activations, initializers...), as Keras's <c>LSTM.get_config</c> merges them.
    /// </summary>
    public override JsonObject GetConfig()
    {
        string owner = $"{GetType().Name} {Name}";
        JsonObject config = BaseConfig();
        config["return_sequences"] = ReturnSequences;
        config["return_state"] = ReturnState;
        config["go_backwards"] = GoBackwards;
        config["stateful"] = Stateful;
        config["unroll"] = false;
        config["zero_output_for_mask"] = ZeroOutputForMask;
        config["units"] = Units;
        AddCellConfig(config);
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = KerasConfig.Initializer(_settings.KernelInitializer, owner);
        config["recurrent_initializer"] = KerasConfig.Initializer(_settings.RecurrentInitializer, owner);
        config["bias_initializer"] = KerasConfig.Initializer(_settings.BiasInitializer, owner);
        config["kernel_regularizer"] = KerasConfig.Regularizer(_settings.KernelRegularizer, owner);
        config["recurrent_regularizer"] = KerasConfig.Regularizer(_settings.RecurrentRegularizer, owner);
        config["bias_regularizer"] = KerasConfig.Regularizer(_settings.BiasRegularizer, owner);
        config["activity_regularizer"] = KerasConfig.Regularizer(_settings.ActivityRegularizer, owner);
        config["kernel_constraint"] = null;
        config["recurrent_constraint"] = null;
        config["bias_constraint"] = null;
        config["dropout"] = Dropout;
        config["recurrent_dropout"] = 0.0;
        config["seed"] = _settings.Seed;
        return config;
    }

    /// <summary>Adds the cell's own entries: its activations, and LSTM's <c>unit_forget_bias</c> or GRU's <c>reset_after</c>.</summary>
    private protected abstract void AddCellConfig(JsonObject config);

    /// <summary>The bias shape: (gates·units) by default.</summary>
    private protected virtual Shape BiasShape => new(GateCount * Units);

    /// <summary>The bias initializer (the LSTM adds its unit forget bias here).</summary>
    private protected virtual Initializer BiasInitializer => _settings.BiasInitializer;

    /// <summary>The part of the bias added to <c>x · kernel</c>: all of it by default.</summary>
    private protected virtual Tensor? InputBias(Variable? bias) => bias;

    /// <summary>
    /// Runs the cell over the projected inputs (batch, time, gates·units) and returns the state sequences (h first),
    /// each (batch, time, units); masked steps carry the previous states.
    /// </summary>
    private protected abstract Tensor[] RunCell(Tensor projection, Tensor[] initialStates, Tensor? mask, Variable recurrentKernel, Variable? bias);

    private (Tensor Output, Tensor[] States) Run(Tensor inputs, IReadOnlyList<Tensor>? initialState, Tensor? mask, bool training, bool wantStates)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Variable kernel = _kernel ?? throw new InvalidOperationException($"{GetType().Name} {Name} is not built: call Apply, or Build first.");
        if (inputs.Rank != 3 || inputs.Shape[2] != kernel.Shape[0] || inputs.DType != kernel.DType || inputs.Shape[1] == 0)
        {
            throw new ArgumentException(
                $"{GetType().Name} {Name}: expected inputs of shape (batch, time, {kernel.Shape[0]}) with time >= 1 and dtype {kernel.DType}, " +
                $"got shape {inputs.Shape} ({inputs.DType}).", nameof(inputs));
        }

        int batch = inputs.Shape[0], time = inputs.Shape[1];
        Tensor[] initial = InitialStates(initialState, batch, kernel.DType);
        Tensor? stepMask = mask is null ? null : CheckMask(mask, batch, time);
        Tensor x = inputs;
        if (training && Dropout > 0)
        {
            // Keras drops the same features at every step of a sequence.
            x = Tf.Nn.Dropout(x, Dropout, _settings.Seed, noiseShape: [batch, 1, x.Shape[2]]);
        }

        if (GoBackwards)
        {
            x = Tf.Reverse(x, [1]);
            stepMask = stepMask is null ? null : Tf.Reverse(stepMask, [1]);
        }

        Tensor projection = Tf.Reshape(Tf.MatMul(Tf.Reshape(x, [-1, x.Shape[2]]), kernel), [batch, time, GateCount * Units]);
        if (InputBias(_bias) is { } inputBias)
        {
            projection = Tf.Add(projection, inputBias);
        }

        Tensor[] sequences = RunCell(projection, initial, stepMask, _recurrentKernel!, _bias);
        Tensor[] final = wantStates || Stateful ? [.. sequences.Select(LastStep)] : [];
        if (Stateful)
        {
            _states = [.. final.Select(Tf.StopGradient)];
        }

        Tensor outputs = stepMask is null ? sequences[0] : MaskOutputs(sequences[0], stepMask);
        return (ReturnSequences ? outputs : LastStep(outputs), final);
    }

    // Keras's masked outputs: a masked step repeats the previous output, zeros before the first kept step (or zeros
    // at every masked step with ZeroOutputForMask). The states themselves always carry over masked steps.
    private Tensor MaskOutputs(Tensor hidden, Tensor mask)
    {
        Tensor keep = Tf.Cast(mask, hidden.DType);
        Tensor factor = ZeroOutputForMask ? keep : Tf.Cast(Tf.Greater(Tf.CumSum(keep, 1), 0), hidden.DType);
        return Tf.Multiply(hidden, Tf.ExpandDims(factor, 2));
    }

    private static Tensor LastStep(Tensor sequence)
    {
        int batch = sequence.Shape[0], time = sequence.Shape[1], units = sequence.Shape[2];
        return Tf.Reshape(Tf.Slice(sequence, [0, time - 1, 0], [batch, 1, units]), [batch, units]);
    }

    private Tensor[] InitialStates(IReadOnlyList<Tensor>? given, int batch, DType dtype)
    {
        if (given is not null)
        {
            if (given.Count != StateCount)
            {
                throw new ArgumentException(
                    $"{GetType().Name} {Name}: expected {StateCount} initial state(s) of shape ({batch}, {Units}), got {given.Count}.", nameof(given));
            }

            foreach (Tensor s in given)
            {
                if (s is null || s.Shape != new Shape(batch, Units) || s.DType != dtype)
                {
                    throw new ArgumentException(
                        $"{GetType().Name} {Name}: an initial state must have shape ({batch}, {Units}) and dtype {dtype}, got {s?.Shape} ({s?.DType}).",
                        nameof(given));
                }
            }

            return [.. given];
        }

        if (Stateful && _states is { } states)
        {
            if (states[0].Shape[0] != batch)
            {
                throw new ArgumentException(
                    $"{GetType().Name} {Name}: if an RNN is stateful, the batch size of the input sequences must be the same as the batch size " +
                    $"of the initial state. Expected batch size: {states[0].Shape[0]}, received batch size: {batch}.");
            }

            return states;
        }

        var zeros = new Tensor[StateCount];
        Array.Fill(zeros, Tf.Zeros(new Shape(batch, Units), dtype));
        return zeros;
    }

    private Tensor CheckMask(Tensor mask, int batch, int time)
    {
        if (mask.Shape != new Shape(batch, time))
        {
            throw new ArgumentException(
                $"{GetType().Name} {Name}: the mask must have shape (batch, time) = ({batch}, {time}), got {mask.Shape} ({mask.DType}).", nameof(mask));
        }

        return mask.DType == DType.Bool ? mask : Tf.Cast(mask, DType.Bool);
    }
}

/// <summary>The constructor arguments every recurrent layer has, as Keras names them.</summary>
internal sealed record RecurrentSettings(
    bool UseBias,
    Initializer KernelInitializer,
    Initializer RecurrentInitializer,
    Initializer BiasInitializer,
    Regularizer? KernelRegularizer,
    Regularizer? RecurrentRegularizer,
    Regularizer? BiasRegularizer,
    Regularizer? ActivityRegularizer,
    double Dropout,
    int? Seed,
    bool ReturnSequences,
    bool ReturnState,
    bool GoBackwards,
    bool Stateful,
    DType DType)
{
    /// <summary>The settings with another <see cref="GoBackwards"/>.</summary>
    public RecurrentSettings WithDirection(bool goBackwards) => this with { GoBackwards = goBackwards };
}
