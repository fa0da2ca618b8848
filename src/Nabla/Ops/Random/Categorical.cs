using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Random
    {
        /// <summary>
        /// Draws <paramref name="numSamples"/> classes per row of <paramref name="logits"/> (shape [batch,
        /// numClasses], unnormalized log-probabilities) from the categorical distribution <c>softmax(logits)</c>
        /// (TensorFlow's <c>tf.random.categorical</c>): an int64 (or <paramref name="dtype"/> int32) tensor of
        /// shape [batch, numSamples]. Seeds follow <see cref="SetSeed"/>'s rules, as every random op. A row whose
        /// logits are all -inf has no probability mass and samples class 0.
        /// </summary>
        /// <exception cref="ArgumentException">When logits is not a floating matrix with at least one class, or numSamples is negative.</exception>
        public static Tensor Categorical(Tensor logits, int numSamples, DType? dtype = null, int? seed = null)
        {
            ArgumentNullException.ThrowIfNull(logits);
            DType outputType = dtype ?? DType.Int64;
            DTypeRules.Require("Multinomial", logits.DType, DTypeSet.Floating, logits.Shape);
            if (logits.Rank != 2 || logits.Shape.Dims[1] == 0 || numSamples < 0 || !outputType.IsIndex)
            {
                throw new ArgumentException(
                    $"Multinomial: logits should be a matrix [batch, num_classes] with num_classes >= 1, num_samples >= 0 and an " +
                    $"int32 or int64 output dtype; got logits of shape {logits.Shape} ({logits.DType}), num_samples {numSamples}, " +
                    $"dtype {outputType} [Op:Multinomial].");
            }

            (ulong key, ulong stream) = RandomSeeds.Next(seed);
            return new CategoricalOp(numSamples, outputType, key, stream).Call(Cast(logits, DType.Float64));
        }
    }
}

/// <summary>Inverse-CDF sampling per row: exp(logits - max) accumulated, one uniform draw per sample, a binary search.</summary>
internal sealed class CategoricalOp(int numSamples, DType outputType, ulong key, ulong stream) : Op("Multinomial")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
        => new(new Shape(inputs[0].Shape.Dims[0], numSamples), outputType);

    // No gradient: the samples are integers.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        ReadOnlySpan<double> logits = inputs[0].Read<double>();
        int batch = inputs[0].Shape.Dims[0];
        int classes = inputs[0].Shape.Dims[1];
        var rng = new PhiloxStream(key, stream);
        var cumulative = new double[classes];
        var samples = new long[numSamples];
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<double> row = logits.Slice(b * classes, classes);
            double max = double.NegativeInfinity;
            foreach (double v in row)
            {
                max = v > max ? v : max;
            }

            double total = 0;
            for (int c = 0; c < classes; c++)
            {
                total += double.IsFinite(max) ? System.Math.Exp(row[c] - max) : 0;
                cumulative[c] = total;
            }

            for (int s = 0; s < numSamples; s++)
            {
                double u = rng.NextDouble() * total;

                // The first class whose running total exceeds u (so classes of zero mass are never chosen).
                int low = 0, high = classes - 1;
                while (low < high)
                {
                    int mid = (low + high) >>> 1;
                    if (cumulative[mid] > u)
                    {
                        high = mid;
                    }
                    else
                    {
                        low = mid + 1;
                    }
                }

                samples[s] = total > 0 ? low : 0;
            }

            if (outputType == DType.Int64)
            {
                samples.CopyTo(output.Write<long>().Slice(b * numSamples, numSamples));
            }
            else
            {
                Span<int> y = output.Write<int>().Slice(b * numSamples, numSamples);
                for (int s = 0; s < numSamples; s++)
                {
                    y[s] = (int)samples[s];
                }
            }
        }
    }
}
