using System.Diagnostics.CodeAnalysis;

namespace Nabla.Keras.Losses;

/// <summary>
/// The base of Keras's losses (<c>tf.keras.losses.Loss</c>): <see cref="Compute"/> gives one value per sample
/// (averaged over the last axis), <see cref="Call"/> averages those over the batch
/// (Keras's <c>sum_over_batch_size</c> reduction).
/// </summary>
public abstract class Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="name">Its name (Keras's snake case: <c>mean_squared_error</c>).</param>
    protected Loss(string name) => Name = name;

    /// <summary>The loss's name.</summary>
    public string Name { get; }

    /// <summary>The scalar loss: the mean over the batch of <see cref="Compute"/>.</summary>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions; their dtype is the loss's dtype (targets are cast to it).</param>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Keras's name (loss.__call__).")]
    public Tensor Call(Tensor yTrue, Tensor yPred) => Tf.ReduceMean(Compute(yTrue, yPred));

    /// <summary>The per-sample losses, shape of <paramref name="yPred"/> without its last axis.</summary>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    public abstract Tensor Compute(Tensor yTrue, Tensor yPred);

    /// <summary>Casts <paramref name="yTrue"/> to <paramref name="yPred"/>'s dtype and checks the shapes match.</summary>
    protected Tensor Prepare(Tensor yTrue, Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yTrue.Shape != yPred.Shape)
        {
            throw new ArgumentException(
                $"{Name}: yTrue shape {yTrue.Shape} ({yTrue.DType}) and yPred shape {yPred.Shape} ({yPred.DType}) must be equal.");
        }

        return yTrue.DType == yPred.DType ? yTrue : Tf.Cast(yTrue, yPred.DType);
    }

    /// <summary>Clips to [low, high]; the gradient is zero outside, as <c>tf.clip_by_value</c>.</summary>
    protected static Tensor Clip(Tensor x, double low, double high)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Tf.Where(x < low, Tf.ZerosLike(x) + low, Tf.Where(x > high, Tf.ZerosLike(x) + high, x));
    }

    /// <summary>The mean over the last axis (a scalar input stays as it is).</summary>
    protected static Tensor MeanLastAxis(Tensor x) => x.Rank == 0 ? x : Tf.ReduceMean(x, -1);
}

/// <summary>Mean squared error: <c>mean((yTrue - yPred)²)</c> over the last axis.</summary>
public sealed class MeanSquaredError() : Loss("mean_squared_error")
{
    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred) => MeanLastAxis(Tf.Square(yPred - Prepare(yTrue, yPred)));
}

/// <summary>Mean absolute error: <c>mean(|yTrue - yPred|)</c> over the last axis.</summary>
public sealed class MeanAbsoluteError() : Loss("mean_absolute_error")
{
    /// <inheritdoc/>
    public override Tensor Compute(Tensor yTrue, Tensor yPred) => MeanLastAxis(Tf.Abs(yPred - Prepare(yTrue, yPred)));
}
