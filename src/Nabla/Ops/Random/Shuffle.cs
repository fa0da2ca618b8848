using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Random
    {
        /// <summary>
        /// <paramref name="value"/> with its first dimension randomly permuted (TensorFlow's
        /// <c>tf.random.shuffle</c>); seeds follow <see cref="SetSeed"/>'s rules. The result is a Gather at a random
        /// permutation, so gradients flow back to the rows (TensorFlow registers none for RandomShuffle).
        /// </summary>
        public static Tensor Shuffle(Tensor value, int? seed = null)
        {
            ArgumentNullException.ThrowIfNull(value);
            (ulong key, ulong stream) = RandomSeeds.Next(seed);
            if (value.Rank == 0)
            {
                return Identity(value);
            }

            return Gather(value, new RandomPermutationOp(key, stream).Call(value));
        }
    }
}

/// <summary>A uniformly random permutation of [0, n) for n = the input's first dimension (Fisher–Yates on Philox).</summary>
internal sealed class RandomPermutationOp(ulong key, ulong stream) : Op("RandomShuffle")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs) => new(new Shape(inputs[0].Shape.Dims[0]), DType.Int32);

    // No gradient: the permutation is integer; Shuffle's Gather carries the gradient.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Span<int> p = output.Write<int>();
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = i;
        }

        var rng = new PhiloxStream(key, stream);
        for (int i = p.Length - 1; i > 0; i--)
        {
            // An unbiased draw in [0, i]: 64-bit modulo bias is below 2^-32 for any tensor size.
            int j = (int)(rng.NextUInt64() % (ulong)(i + 1));
            (p[i], p[j]) = (p[j], p[i]);
        }
    }
}
