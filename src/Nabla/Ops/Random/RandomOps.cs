using System.Globalization;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Random
    {
        /// <summary>
        /// Uniform values in [<paramref name="minval"/>, <paramref name="maxval"/>) of <paramref name="shape"/>
        /// (float32 unless <paramref name="dtype"/> says otherwise; int32/int64 give uniform integers).
        /// </summary>
        /// <exception cref="ArgumentException">When the dtype is bool, or for integers when maxval &lt;= minval.</exception>
        public static Tensor Uniform(Shape shape, double minval = 0, double maxval = 1, DType? dtype = null, int? seed = null)
        {
            DType d = dtype ?? DType.Float32;
            if (d.IsInteger && !(maxval > minval))
            {
                throw new ArgumentException(
                    $"RandomUniformInt: need minval < maxval, got {minval.ToString(CultureInfo.InvariantCulture)} >= " +
                    $"{maxval.ToString(CultureInfo.InvariantCulture)} (shape {shape}, dtype {d}).");
            }

            return Sample(RandomKind.Uniform, shape, d, minval, maxval, seed);
        }

        /// <summary>Normally distributed values (Box–Muller) of <paramref name="shape"/>, float32 by default.</summary>
        /// <exception cref="ArgumentException">When the dtype is not floating.</exception>
        public static Tensor Normal(Shape shape, double mean = 0, double stddev = 1, DType? dtype = null, int? seed = null)
            => Sample(RandomKind.Normal, shape, dtype ?? DType.Float32, mean, stddev, seed);

        /// <summary>
        /// Normal values whose draws beyond two standard deviations of the mean are discarded and redrawn
        /// (TensorFlow's <c>truncated_normal</c>).
        /// </summary>
        /// <exception cref="ArgumentException">When the dtype is not floating.</exception>
        public static Tensor TruncatedNormal(Shape shape, double mean = 0, double stddev = 1, DType? dtype = null, int? seed = null)
            => Sample(RandomKind.TruncatedNormal, shape, dtype ?? DType.Float32, mean, stddev, seed);

        private static Tensor Sample(RandomKind kind, Shape shape, DType dtype, double p0, double p1, int? seed)
        {
            (ulong key, ulong stream) = RandomSeeds.Next(seed);
            return new RandomOp(kind, shape, dtype, p0, p1, key, stream, seed).Call([]);
        }
    }
}

internal enum RandomKind
{
    Uniform,
    Normal,
    TruncatedNormal,
}

/// <summary>A random op: no inputs, no gradient; the kernel reads one Philox stream sequentially.</summary>
internal sealed class RandomOp(RandomKind kind, Shape shape, DType dtype, double p0, double p1, ulong key, ulong stream, int? opSeed)
    : Op(kind switch
    {
        RandomKind.Uniform => dtype.IsInteger ? "RandomUniformInt" : "RandomUniform",
        RandomKind.Normal => "RandomStandardNormal",
        _ => "TruncatedNormal",
    }), IGraphStateful
{
    /// <summary>
    /// The same op with the next numbers of its seed's sequence: what a graph runs each time, since a random node
    /// draws new numbers on every run (TensorFlow's stateful random ops), reproducibly under <see cref="Tf.Random.SetSeed"/>.
    /// </summary>
    public RandomOp Redraw()
    {
        (ulong nextKey, ulong nextStream) = RandomSeeds.Next(opSeed);
        return new RandomOp(kind, shape, dtype, p0, p1, nextKey, nextStream, opSeed);
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        DTypeRules.Require(Name, dtype, kind == RandomKind.Uniform ? DTypeSet.WideNumeric : DTypeSet.Floating, shape);
        return new TensorSpec(shape, dtype);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        var rng = new PhiloxStream(key, stream);
        int count = output.Size;
        switch (dtype.Code)
        {
            case DTypeCode.Int32:
                {
                    Span<int> y = output.Write<int>();
                    long low = (long)p0;
                    ulong range = (ulong)((long)p1 - low);
                    for (int i = 0; i < count; i++)
                    {
                        y[i] = (int)(low + (long)(rng.NextUInt64() % range));
                    }

                    break;
                }

            case DTypeCode.Int64:
                {
                    Span<long> y = output.Write<long>();
                    long low = (long)p0;
                    ulong range = (ulong)((long)p1 - low);
                    for (int i = 0; i < count; i++)
                    {
                        y[i] = low + (long)(rng.NextUInt64() % range);
                    }

                    break;
                }

            case DTypeCode.Float64:
                FillFloating(ref rng, output.Write<double>());
                break;
            default:
                {
                    var wide = new double[count];
                    FillFloating(ref rng, wide);
                    Conversion.Convert(wide, DType.Float64, output.Buffer, dtype, count);
                    break;
                }
        }
    }

    // No gradient (random numbers; the op has no inputs anyway): every slot stays null.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
    }

    private void FillFloating(ref PhiloxStream rng, Span<double> y)
    {
        switch (kind)
        {
            case RandomKind.Uniform:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = p0 + ((p1 - p0) * rng.NextDouble());
                }

                break;
            case RandomKind.Normal:
                for (int i = 0; i < y.Length; i += 2)
                {
                    (double z0, double z1) = BoxMuller(ref rng);
                    y[i] = p0 + (p1 * z0);
                    if (i + 1 < y.Length)
                    {
                        y[i + 1] = p0 + (p1 * z1);
                    }
                }

                break;
            default:
                int filled = 0;
                while (filled < y.Length)
                {
                    (double z0, double z1) = BoxMuller(ref rng);
                    if (System.Math.Abs(z0) <= 2)
                    {
                        y[filled++] = p0 + (p1 * z0);
                    }

                    if (filled < y.Length && System.Math.Abs(z1) <= 2)
                    {
                        y[filled++] = p0 + (p1 * z1);
                    }
                }

                break;
        }
    }

    private static (double Z0, double Z1) BoxMuller(ref PhiloxStream rng)
    {
        double u1 = rng.NextDoubleNonZero();
        double u2 = rng.NextDouble();
        double r = System.Math.Sqrt(-2 * System.Math.Log(u1));
        (double sin, double cos) = System.Math.SinCos(2 * System.Math.PI * u2);
        return (r * cos, r * sin);
    }
}
