using System.Globalization;

namespace Nabla.Keras.Initializers;

/// <summary>
/// An orthogonal matrix (Keras's <c>Orthogonal</c>, the default recurrent kernel initializer): a normal random
/// matrix of shape (max(rows, cols), min(rows, cols)), where rows is the product of all dimensions but the last,
/// is factored as Q·R with R's diagonal positive (Keras's <c>q *= sign(diag(r))</c>), and Q (transposed when rows
/// &lt; cols) times <see cref="Gain"/> is the value: its rows or its columns are orthonormal.
/// </summary>
/// <param name="gain">The factor applied to the orthogonal matrix.</param>
/// <param name="seed">The seed; <c>null</c> for fresh values each call.</param>
public sealed class Orthogonal(double gain = 1, int? seed = null) : Initializer
{
    /// <summary>The factor applied to the orthogonal matrix.</summary>
    public double Gain { get; } = gain;

    /// <summary>The seed.</summary>
    public int? Seed { get; } = seed;

    /// <inheritdoc/>
    public override Tensor Initialize(Shape shape, DType dtype)
    {
        if (shape.Rank < 2)
        {
            throw new ArgumentException(
                $"Orthogonal: the tensor to initialize must be at least two-dimensional, got shape {shape} of rank {shape.Rank}.", nameof(shape));
        }

        int cols = shape[shape.Rank - 1];
        int rows = cols == 0 ? 0 : shape.Size / cols;
        int tall = Math.Max(rows, cols), wide = Math.Min(rows, cols);
        double[] a = RandomSource.Normal(new Shape(tall, wide), 0, 1, DType.Float64, Seed).ToArray<double>();
        double[] q = OrthonormalColumns(a, tall, wide);
        var value = new double[rows * cols];
        for (int i = 0; i < tall; i++)
        {
            for (int j = 0; j < wide; j++)
            {
                // Q is (tall, wide); the value is Q itself when rows >= cols, its transpose otherwise.
                int at = rows >= cols ? (i * cols) + j : (j * cols) + i;
                value[at] = Gain * q[(i * wide) + j];
            }
        }

        return Tf.Cast(Tf.Constant(value, shape), dtype);
    }

    /// <summary>The Q of a (rows ≥ cols) matrix's reduced QR factorization with R's diagonal positive: modified
    /// Gram-Schmidt, each column orthogonalized twice (enough for float64 accuracy on random matrices).</summary>
    private static double[] OrthonormalColumns(double[] a, int rows, int cols)
    {
        var q = (double[])a.Clone();
        for (int j = 0; j < cols; j++)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                for (int k = 0; k < j; k++)
                {
                    double dot = 0;
                    for (int i = 0; i < rows; i++)
                    {
                        dot += q[(i * cols) + k] * q[(i * cols) + j];
                    }

                    for (int i = 0; i < rows; i++)
                    {
                        q[(i * cols) + j] -= dot * q[(i * cols) + k];
                    }
                }
            }

            double norm = 0;
            for (int i = 0; i < rows; i++)
            {
                norm += q[(i * cols) + j] * q[(i * cols) + j];
            }

            norm = Math.Sqrt(norm);
            if (norm == 0)
            {
                throw new InvalidOperationException(
                    string.Create(CultureInfo.InvariantCulture, $"Orthogonal: the random matrix ({rows}, {cols}) is rank-deficient at column {j}."));
            }

            for (int i = 0; i < rows; i++)
            {
                q[(i * cols) + j] /= norm;
            }
        }

        return q;
    }
}
