namespace Nabla.Keras.Metrics;

/// <summary>
/// A metric of one output of a model of several outputs: it reads that output's targets and predictions and is
/// logged under the output's name (Keras's <c>dense_1_accuracy</c>).
/// </summary>
internal sealed class OutputMetric(int output, string outputName, Metric inner) : Metric($"{outputName}_{inner.Name}")
{
    /// <summary>The output's position among the model's outputs.</summary>
    public int Output { get; } = output;

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => inner.UpdateState(yTrue, yPred, sampleWeight);

    /// <inheritdoc/>
    public override double Result() => inner.Result();

    /// <inheritdoc/>
    public override void ResetState() => inner.ResetState();
}

/// <summary>The mean loss of one output of a model of several outputs, logged as <c>{output}_loss</c> (unweighted, as Keras logs it).</summary>
internal sealed class OutputLoss(int output, string outputName) : Mean($"{outputName}_loss")
{
    /// <summary>The output's position among the model's outputs.</summary>
    public int Output { get; } = output;
}
