namespace Nabla.Keras.Initializers;

/// <summary>Makes the initial value of a weight (Keras's <c>tf.keras.initializers.Initializer</c>).</summary>
public abstract class Initializer
{
    /// <summary>A tensor of <paramref name="shape"/> and <paramref name="dtype"/> holding initial values.</summary>
    public abstract Tensor Initialize(Shape shape, DType dtype);

    /// <summary>
    /// The initializer named <paramref name="name"/> with Keras's defaults, as Keras's <c>initializers.get</c>:
    /// <c>glorot_uniform</c>, <c>glorot_normal</c>, <c>he_normal</c>, <c>he_uniform</c>, <c>lecun_normal</c>,
    /// <c>lecun_uniform</c>, <c>orthogonal</c>, <c>random_normal</c>, <c>random_uniform</c>, <c>zeros</c>, <c>ones</c> (or the class names).
    /// </summary>
    /// <exception cref="ArgumentException">When the name is unknown.</exception>
    public static Initializer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "glorot_uniform" or "GlorotUniform" => new GlorotUniform(),
            "glorot_normal" or "GlorotNormal" => new GlorotNormal(),
            "he_normal" or "HeNormal" => new HeNormal(),
            "he_uniform" or "HeUniform" => new HeUniform(),
            "lecun_normal" or "LecunNormal" => new LecunNormal(),
            "lecun_uniform" or "LecunUniform" => new LecunUniform(),
            "orthogonal" or "Orthogonal" => new Orthogonal(),
            "random_normal" or "RandomNormal" => new RandomNormal(),
            "random_uniform" or "RandomUniform" => new RandomUniform(),
            "zeros" or "Zeros" => new Zeros(),
            "ones" or "Ones" => new Ones(),
            _ => throw new ArgumentException($"Could not interpret initializer identifier: {name}", nameof(name)),
        };
    }

    /// <summary>The initializer named <paramref name="name"/> (see <see cref="Get"/>).</summary>
    /// <param name="name">An initializer name.</param>
    public static Initializer FromString(string name) => Get(name);

    /// <summary>Looks an initializer up by name (<see cref="Get"/>), so a layer accepts <c>kernelInitializer: "he_normal"</c>.</summary>
    /// <param name="name">An initializer name.</param>
    public static implicit operator Initializer(string name) => Get(name);

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
