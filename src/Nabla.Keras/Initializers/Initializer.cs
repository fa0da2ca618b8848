namespace Nabla.Keras.Initializers;

/// <summary>Makes the initial value of a weight (Keras's <c>tf.keras.initializers.Initializer</c>).</summary>
public abstract class Initializer
{
    /// <summary>A tensor of <paramref name="shape"/> and <paramref name="dtype"/> holding initial values.</summary>
    public abstract Tensor Initialize(Shape shape, DType dtype);

    /// <summary>Keras's fans: for a matrix (rows, columns) fan in is the rows, fan out the columns; a
    /// convolution kernel's leading (receptive field) dimensions multiply both.</summary>
    public static (double FanIn, double FanOut) ComputeFans(Shape shape)
    {
        int rank = shape.Rank;
        if (rank < 1)
        {
            return (1, 1);
        }

        if (rank == 1)
        {
            return (shape[0], shape[0]);
        }

        if (rank == 2)
        {
            return (shape[0], shape[1]);
        }

        double receptive = 1;
        for (int i = 0; i < rank - 2; i++)
        {
            receptive *= shape[i];
        }

        return (shape[rank - 2] * receptive, shape[rank - 1] * receptive);
    }
}

/// <summary>All zeros (Keras's <c>Zeros</c>, the default bias initializer).</summary>
public sealed class Zeros : Initializer
{
    /// <inheritdoc/>
    public override Tensor Initialize(Shape shape, DType dtype) => Tf.Zeros(shape, dtype);
}

/// <summary>All ones (Keras's <c>Ones</c>).</summary>
public sealed class Ones : Initializer
{
    /// <inheritdoc/>
    public override Tensor Initialize(Shape shape, DType dtype) => Tf.Ones(shape, dtype);
}

/// <summary>Every element <see cref="Value"/> (Keras's <c>Constant</c>).</summary>
/// <param name="value">The value.</param>
public sealed class Constant(double value = 0) : Initializer
{
    /// <summary>The value.</summary>
    public double Value { get; } = value;

    /// <inheritdoc/>
    public override Tensor Initialize(Shape shape, DType dtype) => Tf.Fill(shape, Value, dtype);
}
