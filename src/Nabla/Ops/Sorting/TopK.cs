namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// The <paramref name="k"/> largest entries of each row (last axis) of <paramref name="input"/> and their
        /// positions (TensorFlow's <c>tf.math.top_k</c> / <c>tf.nn.top_k</c>): values of shape input[:-1] + [k] in
        /// descending order, int32 indices; among equal values the lower index comes first. Nabla always returns
        /// them sorted (TensorFlow leaves the order unspecified when <paramref name="sorted"/> is false). The
        /// gradient scatters the upstream of the values back to their positions.
        /// </summary>
        /// <exception cref="ArgumentException">When k is negative or above the last dimension, or the dtype is not numeric.</exception>
        public static (Tensor Values, Tensor Indices) TopK(Tensor input, int k = 1, bool sorted = true)
        {
            ArgumentNullException.ThrowIfNull(input);
            if (k < 0)
            {
                throw new ArgumentException($"TopKV2: Need k >= 0, got {k} (input of shape {input.Shape}) [Op:TopKV2].", nameof(k));
            }

            _ = sorted;
            Tensor indices = new SortIndicesOp("TopKV2", descending: true, k).Call(input);
            return (TakeAlongLastAxis(input, indices), indices);
        }
    }
}
