namespace Nabla;

public static partial class Tf
{
    public static partial class Linalg
    {
        /// <summary>
        /// TensorFlow's <c>tf.norm</c> with a pair of axes: the matrix norm over those two axes (a batch of matrices
        /// along the others). <c>"fro"</c> / <c>"euclidean"</c>: the square root of the sum of squares; <c>"2"</c>: the
        /// largest singular value (through <see cref="Svd"/>); <c>"1"</c>: the largest absolute column sum; <c>"inf"</c>: the largest absolute row sum. With one axis in the array it is
        /// the vector norm of <see cref="Norm(Tensor, string, int?, bool)"/>. Gradients come from the ops it is made of.
        /// </summary>
        /// <exception cref="ArgumentException">
        /// When the axes are not one or two distinct axes of <paramref name="x"/>, the dtype is not floating, or
        /// <paramref name="ord"/> is not supported for matrices.
        /// </exception>
        public static Tensor Norm(Tensor x, string ord, int[] axis, bool keepdims = false)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(ord);
            ArgumentNullException.ThrowIfNull(axis);
            if (axis.Length == 1)
            {
                return Norm(x, ord, axis[0], keepdims);
            }

            // An out-of-range axis throws from Axes.Normalize, naming it and the shape.
            bool pair = axis.Length == 2;
            int rows = pair ? Axes.Normalize("Norm", axis[0], x.Rank, x.Shape) : -1;
            int columns = pair ? Axes.Normalize("Norm", axis[1], x.Rank, x.Shape) : -1;
            if (!pair || rows == columns)
            {
                throw new ArgumentException(
                    $"Norm: axis must be one axis or two distinct axes of a tensor of shape {x.Shape}, got [{string.Join(", ", axis)}].",
                    nameof(axis));
            }

            DTypeRules.Require("Norm", x.DType, DTypeSet.Floating, x.Shape);
            int[] both = [rows, columns];
            Tensor norm = ord switch
            {
                "fro" or "euclidean" => Sqrt(ReduceSum(Multiply(x, x), both, keepdims: true)),
                "1" => ReduceMax(ReduceSum(Abs(x), rows, keepdims: true), columns, keepdims: true),
                "inf" or "Infinity" => ReduceMax(ReduceSum(Abs(x), columns, keepdims: true), rows, keepdims: true),
                "2" => SpectralNorm(x, rows, columns),
                _ => throw new ArgumentException(
                    $"Norm: ord '{ord}' is not supported for matrices (axes [{rows}, {columns}] of shape {x.Shape}); use \"fro\", " +
                    "\"euclidean\", \"1\", \"2\" or \"inf\".",
                    nameof(ord)),
            };
            return keepdims ? norm : Squeeze(norm, both);
        }

        // The largest singular value of the matrices over (rows, columns), with those axes kept as size 1; its
        // gradient comes from Svd's (u1·v1ᵀ for a simple largest value).
        private static Tensor SpectralNorm(Tensor x, int rows, int columns)
        {
            int[] perm = [.. Enumerable.Range(0, x.Rank).Where(a => a != rows && a != columns), rows, columns];
            Tensor largest = ReduceMax(Svd(Transpose(x, perm)).S, -1);
            int[] kept = x.Shape.ToArray();
            kept[rows] = 1;
            kept[columns] = 1;
            return Reshape(largest, kept);
        }
    }
}
