using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;

namespace Nabla.Keras;

/// <summary>
/// A fully connected recurrent layer (Keras's <c>SimpleRNN</c>): <c>h = activation(x · kernel + h_prev · recurrent_kernel
/// + bias)</c>. Weights: <c>simple_rnn_cell/kernel</c> (features, units), <c>simple_rnn_cell/recurrent_kernel</c>
/// (units, units), <c>simple_rnn_cell/bias</c> (units).
/// </summary>
public class SimpleRNN : RecurrentLayer
{
    private readonly string _activation;

    /// <summary>Creates the layer.</summary>
    /// <param name="units">The state and output size.</param>
    /// <param name="activation">The activation; <c>"tanh"</c>.</param>
    /// <param name="useBias">Whether to add a bias.</param>
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
    /// <param name="inputShape">The shape of one sample, (time, features).</param>
    /// <param name="name">The layer's name; <c>simple_rnn</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    public SimpleRNN(int units, string? activation = "tanh", bool useBias = true, Initializer? kernelInitializer = null,
        Initializer? recurrentInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        double dropout = 0, int? seed = null, bool returnSequences = false, bool returnState = false, bool goBackwards = false,
        bool stateful = false, int[]? inputShape = null, string? name = null, DType? dtype = null)
        : this(units, activation,
            new RecurrentSettings(useBias, kernelInitializer ?? new GlorotUniform(), recurrentInitializer ?? new Orthogonal(),
                biasInitializer ?? new Zeros(), kernelRegularizer, recurrentRegularizer, biasRegularizer, activityRegularizer, dropout, seed,
                returnSequences, returnState, goBackwards, stateful, dtype ?? DType.Float32),
            inputShape, name)
    {
    }

    private SimpleRNN(int units, string? activation, RecurrentSettings settings, int[]? inputShape, string? name)
        : base(units, settings, "simple_rnn_cell", inputShape, name)
    {
        _activation = RecurrentSteps.CheckActivation(activation, nameof(activation));
        BuildFromInputShape();
    }

    /// <summary>The activation's name.</summary>
    public string Activation => _activation;

    /// <inheritdoc/>
    private protected override void AddCellConfig(JsonObject config)
    {
        config["activation"] = _activation;
    }

    private protected override int GateCount => 1;

    internal override RecurrentLayer CloneWith(string name, bool goBackwards) =>
        new SimpleRNN(Units, _activation, Settings.WithDirection(goBackwards), null, name);

    private protected override Tensor[] RunCell(Tensor projection, Tensor[] initialStates, Tensor? mask, Variable recurrentKernel, Variable? bias) =>
        _activation is "tanh" or "relu"
            ? [Tf.Nn.SimpleRnn(projection, initialStates[0], recurrentKernel, mask, _activation)]
            : RecurrentSteps.Simple(projection, initialStates, mask, recurrentKernel, Activations.Get(_activation));
}
