namespace Nabla.Tests.Ops;

/// <summary>Where an operand's test values come from: integers or reals in [Low, High], optionally kept away from 0.</summary>
public sealed record Domain(double Low, double High, bool AwayFromZero = false)
{
    public static readonly Domain Wide = new(-3, 3);
    public static readonly Domain Divisor = new(0.5, 3, AwayFromZero: true);
    public static readonly Domain Ties = new(-2, 2); // sampled as integers for every dtype, so ties happen
    public static readonly Domain Bits = new(0, 1);

    /// <summary>Seeded values; integral when <paramref name="integral"/>.</summary>
    public double[] Sample(Random random, int count, bool integral)
    {
        ArgumentNullException.ThrowIfNull(random);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            double v;
            if (integral)
            {
                do
                {
                    v = random.Next((int)Math.Ceiling(Low), (int)Math.Floor(High) + 1);
                    if (AwayFromZero && random.Next(2) == 0)
                    {
                        v = -v;
                    }
                }
                while (AwayFromZero && v == 0);
            }
            else
            {
                v = Low + ((High - Low) * random.NextDouble());
                if (AwayFromZero && random.Next(2) == 0)
                {
                    v = -v;
                }
            }

            values[i] = v;
        }

        return values;
    }
}

/// <summary>One binary op as the catalog tests see it.</summary>
public sealed record BinarySpec(
    string Name,
    string OpName,
    Func<Tensor, Tensor, Tensor> Apply,
    Func<double, double, double> Reference,
    DType[] DTypes,
    Domain X,
    Domain Y,
    bool Differentiable,
    Func<DType, DType> OutputDType)
{
    /// <summary>Domains for integer dtypes where they differ (Pow's exponent must not be negative).</summary>
    public Domain? IntX { get; init; }

    public Domain? IntY { get; init; }

    public Domain XFor(DType dtype) => dtype.IsInteger ? IntX ?? X : X;

    public Domain YFor(DType dtype) => dtype.IsInteger ? IntY ?? Y : Y;
}

/// <summary>Every binary elementwise op with its double-precision reference.</summary>
public static class BinaryCatalog
{
    public static readonly DType[] Numeric = [DType.Int8, DType.UInt8, DType.Int16, DType.Int32, DType.Int64, DType.Float16, DType.BFloat16, DType.Float32, DType.Float64];
    public static readonly DType[] Floating = [DType.Float16, DType.BFloat16, DType.Float32, DType.Float64];
    public static readonly DType[] All = [DType.Bool, .. Numeric];
    public static readonly DType[] BoolOnly = [DType.Bool];

    private static DType Same(DType d) => d;

    private static DType ToBool(DType d) => DType.Bool;

    private static double B(bool b) => b ? 1 : 0;

    public static double FloorMod(double x, double y)
    {
        double r = x % y;
        return r != 0 && (r < 0) != (y < 0) ? r + y : r;
    }

    public static readonly BinarySpec[] Specs =
    [
        new("Add", "AddV2", Tf.Add, (x, y) => x + y, Numeric, Domain.Wide, Domain.Wide, true, Same),
        new("Subtract", "Sub", Tf.Subtract, (x, y) => x - y, Numeric, Domain.Wide, Domain.Wide, true, Same),
        new("Multiply", "Mul", Tf.Multiply, (x, y) => x * y, Numeric, Domain.Wide, Domain.Wide, true, Same),
        new("Divide", "RealDiv", Tf.Divide, (x, y) => x / y, Numeric, Domain.Wide, Domain.Divisor, true,
            d => d.IsNarrowInteger ? DType.Float32 : d.IsInteger ? DType.Float64 : d),
        new("FloorDiv", "FloorDiv", Tf.FloorDiv, (x, y) => Math.Floor(x / y), Numeric, Domain.Wide, Domain.Divisor, false, Same),
        new("FloorMod", "FloorMod", Tf.FloorMod, FloorMod, Numeric, Domain.Wide, Domain.Divisor, true, Same),
        new("Pow", "Pow", Tf.Pow, Math.Pow, Numeric, new Domain(0.5, 2), new Domain(-2, 2), true, Same)
        {
            IntX = new Domain(-3, 3),
            IntY = new Domain(0, 4),
        },
        new("Maximum", "Maximum", Tf.Maximum, Math.Max, Numeric, Domain.Wide, Domain.Wide, true, Same),
        new("Minimum", "Minimum", Tf.Minimum, Math.Min, Numeric, Domain.Wide, Domain.Wide, true, Same),
        new("SquaredDifference", "SquaredDifference", Tf.SquaredDifference, (x, y) => (x - y) * (x - y), Numeric,
            Domain.Wide, Domain.Wide, true, Same),
        new("Atan2", "Atan2", Tf.Atan2, Math.Atan2, Floating, Domain.Divisor, Domain.Divisor, true, Same),
        new("Equal", "Equal", Tf.Equal, (x, y) => B(x == y), All, Domain.Ties, Domain.Ties, false, ToBool),
        new("NotEqual", "NotEqual", Tf.NotEqual, (x, y) => B(x != y), All, Domain.Ties, Domain.Ties, false, ToBool),
        new("Less", "Less", Tf.Less, (x, y) => B(x < y), Numeric, Domain.Ties, Domain.Ties, false, ToBool),
        new("LessEqual", "LessEqual", Tf.LessEqual, (x, y) => B(x <= y), Numeric, Domain.Ties, Domain.Ties, false, ToBool),
        new("Greater", "Greater", Tf.Greater, (x, y) => B(x > y), Numeric, Domain.Ties, Domain.Ties, false, ToBool),
        new("GreaterEqual", "GreaterEqual", Tf.GreaterEqual, (x, y) => B(x >= y), Numeric, Domain.Ties, Domain.Ties, false, ToBool),
        new("LogicalAnd", "LogicalAnd", Tf.LogicalAnd, (x, y) => B(x != 0 && y != 0), BoolOnly, Domain.Bits, Domain.Bits, false, ToBool),
        new("LogicalOr", "LogicalOr", Tf.LogicalOr, (x, y) => B(x != 0 || y != 0), BoolOnly, Domain.Bits, Domain.Bits, false, ToBool),
    ];

    /// <summary>
    /// An exact integer result as an integer dtype holds it: two's-complement wraparound (C++'s, so TensorFlow's, integer
    /// arithmetic); unchanged for other dtypes. The catalog's uint8 operands are the wrapped negatives (253..255), so
    /// their sums and products overflow.
    /// </summary>
    public static double Wrap(double value, DType dtype) => dtype.Name switch
    {
        "int8" => unchecked((sbyte)(long)value),
        "uint8" => unchecked((byte)(long)value),
        "int16" => unchecked((short)(long)value),
        _ => value,
    };

    public static DType DTypeNamed(string name)
    {
        foreach (DType d in DType.All)
        {
            if (d.Name == name)
            {
                return d;
            }
        }

        throw new ArgumentException($"No dtype {name}.", nameof(name));
    }

    public static BinarySpec Get(string name)
    {
        foreach (BinarySpec spec in Specs)
        {
            if (spec.Name == name)
            {
                return spec;
            }
        }

        throw new ArgumentException($"No catalog entry {name}.", nameof(name));
    }

    /// <summary>Shape pairs covering equal shapes, trailing-axis, both-sided, rank-extending, scalar and empty broadcasts.</summary>
    public static readonly (int[] X, int[] Y)[] ShapePairs =
    [
        ([5], [5]),
        ([2, 3], [3]),
        ([3], [2, 3]),
        ([2, 1], [1, 3]),
        ([4, 1, 3], [2, 1]),
        ([], [2, 3]),
        ([2, 3], []),
        ([], []),
        ([2, 1, 3, 1], [1, 4, 1, 5]),
        ([0, 3], [1, 3]),
        ([3, 37], [37]), // a run longer than any SIMD width, plus a tail
    ];

    /// <summary>NumPy's broadcast shape (independent of the library's implementation).</summary>
    public static int[] BroadcastShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                throw new InvalidOperationException("test shapes do not broadcast");
            }

            dims[i] = da == 1 ? db : da;
        }

        return dims;
    }

    /// <summary>Reads <paramref name="values"/> (of shape <paramref name="dims"/>) broadcast to <paramref name="outDims"/>, by explicit indexing.</summary>
    public static double[] Expand(double[] values, int[] dims, int[] outDims)
    {
        int size = 1;
        foreach (int d in outDims)
        {
            size *= d;
        }

        var result = new double[size];
        int lead = outDims.Length - dims.Length;
        var index = new int[outDims.Length];
        for (int flat = 0; flat < size; flat++)
        {
            int rest = flat;
            for (int i = outDims.Length - 1; i >= 0; i--)
            {
                index[i] = rest % outDims[i];
                rest /= outDims[i];
            }

            int source = 0;
            for (int i = 0; i < dims.Length; i++)
            {
                source = (source * dims[i]) + (dims[i] == 1 ? 0 : index[lead + i]);
            }

            result[flat] = values[source];
        }

        return result;
    }

    /// <summary>A tensor of <paramref name="dtype"/> from doubles (values must be representable or are rounded).</summary>
    public static Tensor Make(double[] values, int[] shape, DType dtype)
        => Tf.Cast(Tf.Constant(values, new Shape(shape)), dtype);
}
