using System.Text.Json.Nodes;
using Nabla.Keras.Saving.Config;
namespace Nabla.Keras;

/// <summary>
/// The dot product of two batches of tensors along <see cref="Axes"/> (Keras's <c>layers.Dot</c>, a
/// <c>batch_dot</c>): for (batch, n) and (batch, n) with axes 1 it gives (batch, 1); for (batch, m, k) and
/// (batch, k, n) with axes (2, 1), the batched matrix product (batch, m, n). With <see cref="Normalize"/>, both
/// inputs are L2-normalized along their dot axes first, so the result is the cosine similarity.
/// </summary>
public class Dot : Layer
{
    /// <summary>Creates the layer with one dot axis for both inputs.</summary>
    /// <param name="axes">The axis of both inputs to take the dot product along (not the batch axis 0).</param>
    /// <param name="normalize">Whether to L2-normalize the inputs along their dot axes first (cosine similarity).</param>
    /// <param name="name">The layer's name; <c>dot</c>... by default.</param>
    /// <param name="dtype">The dtype of its computations; float32 by default.</param>
    public Dot(int axes, bool normalize = false, string? name = null, DType? dtype = null)
        : this([axes, axes], normalize, name, dtype)
    {
    }

    /// <summary>Creates the layer with a dot axis for each input.</summary>
    /// <param name="axes">The axis of the first and of the second input.</param>
    /// <param name="normalize">Whether to L2-normalize the inputs along their dot axes first (cosine similarity).</param>
    /// <param name="name">The layer's name; <c>dot</c>... by default.</param>
    /// <param name="dtype">The dtype of its computations; float32 by default.</param>
    public Dot(int[] axes, bool normalize = false, string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length != 2)
        {
            throw new ArgumentException($"Dot: axes must be one axis or a pair of axes, got {axes.Length}.", nameof(axes));
        }

        Axes = [.. axes];
        Normalize = normalize;
    }

    /// <summary>The dot axis of each input.</summary>
    public IReadOnlyList<int> Axes { get; }

    /// <summary>Whether the inputs are L2-normalized along their dot axes first.</summary>
    public bool Normalize { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Call([inputs], training);

    /// <inheritdoc/>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != 2)
        {
            throw new ArgumentException($"A Dot layer (\"{Name}\") should be called on exactly 2 inputs. Received {inputs.Count} inputs.", nameof(inputs));
        }

        Tensor x = inputs[0], y = inputs[1];
        int ax = Axes[0] < 0 ? Axes[0] + x.Rank : Axes[0];
        int ay = Axes[1] < 0 ? Axes[1] + y.Rank : Axes[1];
        if (x.Rank is < 2 or > 3 || y.Rank is < 2 or > 3 || ax < 1 || ax >= x.Rank || ay < 1 || ay >= y.Rank
            || (x.Shape.Dimension(ax) is int dx && y.Shape.Dimension(ay) is int dy && dx != dy))
        {
            throw new ArgumentException(
                $"Dot \"{Name}\": incompatible input shapes {x.Shape} and {y.Shape} for axes ({Axes[0]}, {Axes[1]}): the inputs must be of " +
                "rank 2 or 3, the axes must not be the batch axis 0, and the two dot axes must have the same size.", nameof(inputs));
        }

        if (Normalize)
        {
            x = L2Normalize(x, ax);
            y = L2Normalize(y, ay);
        }

        return BatchDot(x, y, ax, ay);
    }

    // Keras's batch_dot for ranks 2 and 3: move the dot axes to where a batched matrix product contracts them.
    private static Tensor BatchDot(Tensor x, Tensor y, int ax, int ay)
    {
        if (x.Rank == 2 && y.Rank == 2)
        {
            return Tf.ReduceSum(Tf.Multiply(x, y), 1, keepdims: true);
        }

        // x as (batch, m, k) with k the dot axis; y as (batch, k, n).
        Tensor left = x.Rank == 2 ? Tf.ExpandDims(x, 1) : ax == 2 ? x : Tf.Transpose(x, [0, 2, 1]);
        Tensor right = y.Rank == 2 ? Tf.ExpandDims(y, 2) : ay == 1 ? y : Tf.Transpose(y, [0, 2, 1]);
        Tensor product = Tf.MatMul(left, right);
        return x.Rank == 2 ? Tf.Squeeze(product, [1]) : y.Rank == 2 ? Tf.Squeeze(product, [2]) : product;
    }

    // Keras's l2_normalize: x / sqrt(max(sum(x²), 1e-12)).
    private static Tensor L2Normalize(Tensor x, int axis) =>
        Tf.Multiply(x, Tf.Rsqrt(Tf.Maximum(Tf.ReduceSum(Tf.Square(x), axis, keepdims: true), 1e-12)));

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["axes"] = KerasConfig.Ints(Axes);
        config["normalize"] = Normalize;
        return config;
    }
}
