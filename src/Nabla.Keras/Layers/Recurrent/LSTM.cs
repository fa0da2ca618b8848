using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;

namespace Nabla.Keras;

/// <summary>
/// Long short-term memory (Keras's <c>LSTM</c>): for each step, <c>z = x · kernel + h · recurrent_kernel + bias</c>
/// split into the gates i, f, c, o (Keras's order); <c>c = f · c + i · activation(z_c)</c>, <c>h = o · activation(c)</c>,
/// with i, f, o through the recurrent activation. Weights as Keras names and shapes them: <c>lstm_cell/kernel</c>
/// (features, 4·units), <c>lstm_cell/recurrent_kernel</c> (units, 4·units), <c>lstm_cell/bias</c> (4·units). States: h, c.
/// </summary>
public class LSTM : RecurrentLayer
{
    private readonly string _activation;
    private readonly string _recurrentActivation;

    /// <summary>Creates the layer.</summary>
    /// <param name="units">The state and output size.</param>
    /// <param name="activation">The cell and output activation; <c>"tanh"</c>.</param>
    /// <param name="recurrentActivation">The gates' activation; <c>"sigmoid"</c>.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">The kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="recurrentInitializer">The recurrent kernel's initializer; <see cref="Orthogonal"/> by default.</param>
    /// <param name="biasInitializer">The bias's initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="unitForgetBias">Whether the forget gate's bias starts at 1 (the rest from <paramref name="biasInitializer"/>).</param>
    /// <param name="kernelRegularizer">A penalty on the kernel.</param>
    /// <param name="recurrentRegularizer">A penalty on the recurrent kernel.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the output.</param>
    /// <param name="dropout">The fraction of input features dropped in training (the same features at every step).</param>
    /// <param name="seed">The dropout seed.</param>
    /// <param name="returnSequences">Whether to return the output of every step.</param>
    /// <param name="returnState">Whether the outputs include the final states (see <see cref="RecurrentLayer.ApplyWithStates"/>).</param>
    /// <param name="goBackwards">Whether to process the sequence backwards.</param>
    /// <param name="stateful">Whether each call starts from the previous call's final states.</param>
    /// <param name="inputShape">The shape of one sample, (time, features).</param>
    /// <param name="name">The layer's name; <c>lstm</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    public LSTM(int units, string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        bool unitForgetBias = true, Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null, double dropout = 0, int? seed = null,
        bool returnSequences = false, bool returnState = false, bool goBackwards = false, bool stateful = false,
        int[]? inputShape = null, string? name = null, DType? dtype = null)
        : this(units, activation, recurrentActivation, unitForgetBias,
            new RecurrentSettings(useBias, kernelInitializer ?? new GlorotUniform(), recurrentInitializer ?? new Orthogonal(),
                biasInitializer ?? new Zeros(), kernelRegularizer, recurrentRegularizer, biasRegularizer, activityRegularizer, dropout, seed,
                returnSequences, returnState, goBackwards, stateful, dtype ?? DType.Float32),
            inputShape, name)
    {
    }

    private LSTM(int units, string? activation, string? recurrentActivation, bool unitForgetBias, RecurrentSettings settings,
        int[]? inputShape, string? name)
        : base(units, settings, "lstm_cell", inputShape, name)
    {
        _activation = RecurrentSteps.CheckActivation(activation, nameof(activation));
        _recurrentActivation = RecurrentSteps.CheckActivation(recurrentActivation, nameof(recurrentActivation));
        UnitForgetBias = unitForgetBias;
        BuildFromInputShape();
    }

    /// <summary>Whether the forget gate's bias starts at 1.</summary>
    public bool UnitForgetBias { get; }

    /// <summary>The cell and output activation's name.</summary>
    public string Activation => _activation;

    /// <summary>The gates' activation's name.</summary>
    public string RecurrentActivation => _recurrentActivation;

    /// <inheritdoc/>
    private protected override void AddCellConfig(JsonObject config)
    {
        config["activation"] = _activation;
        config["recurrent_activation"] = _recurrentActivation;
        config["unit_forget_bias"] = UnitForgetBias;
    }

    private protected override int GateCount => 4;

    private protected override int CellStateCount => 2;

    private protected override Initializer BiasInitializer =>
        UnitForgetBias ? new UnitForgetBiasInitializer(Settings.BiasInitializer, Units) : Settings.BiasInitializer;

    internal override RecurrentLayer CloneWith(string name, bool goBackwards) =>
        new LSTM(Units, _activation, _recurrentActivation, UnitForgetBias, Settings.WithDirection(goBackwards), null, name);

    private protected override Tensor[] RunCell(Tensor projection, Tensor[] initialStates, Tensor? mask, Variable recurrentKernel, Variable? bias)
    {
        if (_activation == "tanh" && _recurrentActivation == "sigmoid")
        {
            (Tensor hidden, Tensor carry) = Tf.Nn.Lstm(projection, initialStates[0], initialStates[1], recurrentKernel, mask);
            return [hidden, carry];
        }

        return RecurrentSteps.Lstm(projection, initialStates, mask, recurrentKernel,
            Activations.Get(_activation), Activations.Get(_recurrentActivation));
    }

    /// <summary>Keras's unit forget bias: the initializer's values for i, ones for f, the initializer's for c and o.</summary>
    private sealed class UnitForgetBiasInitializer(Initializer inner, int units) : Initializer
    {
        public override Tensor Initialize(Shape shape, DType dtype) => Tf.Concat(
            [inner.Initialize(new Shape(units), dtype), Tf.Ones(new Shape(units), dtype), inner.Initialize(new Shape(2 * units), dtype)], 0);
    }
}
