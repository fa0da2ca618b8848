using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;

namespace Nabla.Keras;

/// <summary>
/// Gated recurrent unit (Keras's <c>GRU</c>): gates z (update), r (reset), h (candidate), in Keras's order;
/// <c>h = z · h_prev + (1 - z) · hh</c>. With <see cref="ResetAfter"/> (Keras's default, cuDNN-compatible) the reset
/// gate multiplies <c>h_prev · U_h + b_rec</c> and the bias is (2, 3·units): row 0 for the inputs, row 1 for the
/// recurrent product; without it, it multiplies <c>h_prev</c> before <c>U_h</c> and the bias is (3·units). Weights:
/// <c>gru_cell/kernel</c> (features, 3·units), <c>gru_cell/recurrent_kernel</c> (units, 3·units), <c>gru_cell/bias</c>.
/// </summary>
public class GRU : RecurrentLayer
{
    private readonly string _activation;
    private readonly string _recurrentActivation;

    /// <summary>Creates the layer.</summary>
    /// <param name="units">The state and output size.</param>
    /// <param name="activation">The candidate's activation; <c>"tanh"</c>.</param>
    /// <param name="recurrentActivation">The gates' activation; <c>"sigmoid"</c>.</param>
    /// <param name="useBias">Whether to add biases.</param>
    /// <param name="kernelInitializer">The kernel's initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="recurrentInitializer">The recurrent kernel's initializer; <see cref="Orthogonal"/> by default.</param>
    /// <param name="biasInitializer">The bias's initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="kernelRegularizer">A penalty on the kernel.</param>
    /// <param name="recurrentRegularizer">A penalty on the recurrent kernel.</param>
    /// <param name="biasRegularizer">A penalty on the bias.</param>
    /// <param name="activityRegularizer">A penalty on the output.</param>
    /// <param name="dropout">The fraction of input features dropped in training (the same features at every step).</param>
    /// <param name="seed">The dropout seed.</param>
    /// <param name="returnSequences">Whether to return the output of every step.</param>
    /// <param name="returnState">Whether the outputs include the final state (see <see cref="RecurrentLayer.ApplyWithStates"/>).</param>
    /// <param name="goBackwards">Whether to process the sequence backwards.</param>
    /// <param name="stateful">Whether each call starts from the previous call's final state.</param>
    /// <param name="resetAfter">Whether the reset gate applies after the recurrent product (Keras's default).</param>
    /// <param name="inputShape">The shape of one sample, (time, features).</param>
    /// <param name="name">The layer's name; <c>gru</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    public GRU(int units, string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, double dropout = 0, int? seed = null, bool returnSequences = false,
        bool returnState = false, bool goBackwards = false, bool stateful = false, bool resetAfter = true,
        int[]? inputShape = null, string? name = null, DType? dtype = null)
        : this(units, activation, recurrentActivation, resetAfter,
            new RecurrentSettings(useBias, kernelInitializer ?? new GlorotUniform(), recurrentInitializer ?? new Orthogonal(),
                biasInitializer ?? new Zeros(), kernelRegularizer, recurrentRegularizer, biasRegularizer, activityRegularizer, dropout, seed,
                returnSequences, returnState, goBackwards, stateful, dtype ?? DType.Float32),
            inputShape, name)
    {
    }

    private GRU(int units, string? activation, string? recurrentActivation, bool resetAfter, RecurrentSettings settings,
        int[]? inputShape, string? name)
        : base(units, settings, "gru_cell", inputShape, name)
    {
        _activation = RecurrentSteps.CheckActivation(activation, nameof(activation));
        _recurrentActivation = RecurrentSteps.CheckActivation(recurrentActivation, nameof(recurrentActivation));
        ResetAfter = resetAfter;
        BuildFromInputShape();
    }

    /// <summary>Whether the reset gate applies after the recurrent product.</summary>
    public bool ResetAfter { get; }

    /// <summary>The candidate's activation's name.</summary>
    public string Activation => _activation;

    /// <summary>The gates' activation's name.</summary>
    public string RecurrentActivation => _recurrentActivation;

    /// <inheritdoc/>
    private protected override void AddCellConfig(JsonObject config)
    {
        config["activation"] = _activation;
        config["recurrent_activation"] = _recurrentActivation;
        config["reset_after"] = ResetAfter;
    }

    private protected override int GateCount => 3;

    private protected override Shape BiasShape => ResetAfter ? new Shape(2, 3 * Units) : new Shape(3 * Units);

    internal override RecurrentLayer CloneWith(string name, bool goBackwards) =>
        new GRU(Units, _activation, _recurrentActivation, ResetAfter, Settings.WithDirection(goBackwards), null, name);

    private protected override Tensor? InputBias(Variable? bias) => bias is not null && ResetAfter ? BiasRow(bias, 0) : bias;

    private protected override Tensor[] RunCell(Tensor projection, Tensor[] initialStates, Tensor? mask, Variable recurrentKernel, Variable? bias)
    {
        Tensor? recurrentBias = bias is not null && ResetAfter ? BiasRow(bias, 1) : null;
        if (_activation == "tanh" && _recurrentActivation == "sigmoid")
        {
            return [Tf.Nn.Gru(projection, initialStates[0], recurrentKernel, recurrentBias, mask, ResetAfter)];
        }

        return RecurrentSteps.Gru(projection, initialStates, mask, recurrentKernel, recurrentBias, ResetAfter,
            Activations.Get(_activation), Activations.Get(_recurrentActivation));
    }

    private Tensor BiasRow(Tensor bias, int row) => Tf.Reshape(Tf.Slice(bias, [row, 0], [1, 3 * Units]), [3 * Units]);
}
