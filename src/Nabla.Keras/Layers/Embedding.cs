using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// Maps integer indices in [0, inputDim) to dense vectors of size outputDim (Keras's <c>Embedding</c>): a
/// <c>Tf.Gather</c> of the <c>embeddings</c> matrix, so the output has shape inputs.shape + (outputDim,). With
/// <c>maskZero</c>, index 0 is padding: the output carries the mask <c>inputs != 0</c> to the next layers.
/// </summary>
public class Embedding : Layer
{
    private readonly Initializer _initializer;
    private readonly Regularizer? _regularizer;
    private readonly DType _dtype;
    private Variable? _embeddings;

    /// <summary>Creates the layer.</summary>
    /// <param name="inputDim">The vocabulary size.</param>
    /// <param name="outputDim">The vector size.</param>
    /// <param name="embeddingsInitializer">The initializer; uniform in [-0.05, 0.05] by default, as Keras.</param>
    /// <param name="embeddingsRegularizer">A penalty on the embeddings matrix, added to <see cref="Layer.Losses"/>.</param>
    /// <param name="activityRegularizer">A penalty on the outputs (<see cref="Layer.ActivityRegularizer"/>).</param>
    /// <param name="inputShape">The shape of one sample.</param>
    /// <param name="name">The layer's name; <c>embedding</c>... by default.</param>
    /// <param name="dtype">The weights' dtype; float32 by default.</param>
    /// <param name="maskZero">Whether index 0 is padding to mask in the following layers (Keras's <c>mask_zero</c>).</param>
    public Embedding(int inputDim, int outputDim, Initializer? embeddingsInitializer = null, Regularizer? embeddingsRegularizer = null,
        Regularizer? activityRegularizer = null, int[]? inputShape = null, string? name = null, DType? dtype = null, bool maskZero = false)
        : base(name, inputShape, dtype)
    {
        if (inputDim <= 0 || outputDim <= 0)
        {
            throw new ArgumentException($"Embedding: inputDim and outputDim must be positive, got {inputDim} and {outputDim}.", nameof(inputDim));
        }

        InputDim = inputDim;
        OutputDim = outputDim;
        _initializer = embeddingsInitializer ?? new RandomUniform(-0.05, 0.05);
        _regularizer = embeddingsRegularizer;
        ActivityRegularizer = activityRegularizer;
        _dtype = dtype ?? DType.Float32;
        MaskZero = maskZero;
        SupportsMasking = maskZero;
        BuildFromInputShape();
    }

    /// <summary>Whether index 0 is masked out.</summary>
    public bool MaskZero { get; }

    /// <summary>The vocabulary size.</summary>
    public int InputDim { get; }

    /// <summary>The vector size.</summary>
    public int OutputDim { get; }

    /// <summary>The (inputDim, outputDim) matrix; null before build.</summary>
    public Variable? Embeddings => _embeddings;

    /// <inheritdoc/>
    public override void Build(Shape inputShape) =>
        _embeddings = AddWeight("embeddings", new Shape(InputDim, OutputDim), _initializer, dtype: _dtype, regularizer: _regularizer);

    /// <summary>With <see cref="MaskZero"/>, <c>inputs != 0</c>; otherwise no mask.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return MaskZero ? Tf.NotEqual(inputs, 0) : null;
    }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Variable embeddings = _embeddings ?? throw new InvalidOperationException($"Embedding {Name} is not built: call Apply, or Build first.");
        Tensor indices = inputs.DType == DType.Int32 || inputs.DType == DType.Int64 ? inputs : Tf.Cast(inputs, DType.Int32);
        return Tf.Gather(embeddings, indices);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["input_dim"] = InputDim;
        config["output_dim"] = OutputDim;
        config["embeddings_initializer"] = KerasConfig.Initializer(_initializer, $"Embedding {Name}");
        config["embeddings_regularizer"] = KerasConfig.Regularizer(_regularizer, $"Embedding {Name}");
        config["activity_regularizer"] = KerasConfig.Regularizer(ActivityRegularizer, $"Embedding {Name}");
        config["embeddings_constraint"] = null;
        config["mask_zero"] = MaskZero;
        return config;
    }
}
