using System.Reflection;

namespace Nabla.Sweep;

/// <summary>One generated argument: a label for reports and a factory (tensors and variables are made fresh per call).</summary>
internal sealed record Candidate(string Label, Func<object?> Make);

/// <summary>
/// The hostile values per parameter type: empty and huge shapes, rank 0 and rank 9 (and the largest rank), every
/// dtype, NaN and infinities, extreme integers, negative, out-of-range and duplicate axes, nulls. The first candidate
/// of each list is a plain, valid-looking value, so that varying one parameter at a time reaches each op's deeper
/// checks. Values are fixed (no randomness), so the parent and child processes enumerate identical cases.
/// </summary>
internal static class ArgumentPools
{
    private static readonly int[] s_rank9 = [1, 2, 1, 2, 1, 1, 2, 1, 1];

    public static IReadOnlyList<Candidate> Tensors { get; } =
    [
        new("f32(2,3)", () => Tf.Constant(new float[,] { { 0.25f, 0.5f, 0.75f }, { 1.5f, 2f, 3f } })),
        new("null", () => null),
        new("f32 scalar", () => Tf.Constant(1.5f)),
        new("f32(0,)", () => Tf.Zeros([0])),
        new("f32(0,3)", () => Tf.Zeros([0, 3])),
        new("f32 rank 9", () => Tf.Reshape(Tf.Constant(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }), s_rank9)),
        new("f32(3,3)", () => Tf.Constant(new float[,] { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } })),
        new("f64 NaN/Inf(2,3)", () => Tf.Constant(new double[,] { { double.NaN, double.PositiveInfinity, double.NegativeInfinity }, { -0.0, 1e308, -1e-320 } })),
        new("i32 extremes(2,3)", () => Tf.Constant(new int[,] { { int.MinValue, -1, 0 }, { 1, int.MaxValue, 7 } })),
        new("i64 extremes(2,3)", () => Tf.Constant(new long[,] { { long.MinValue, -1, 0 }, { 1, long.MaxValue, 1L << 40 } })),
        new("i32 indices(4,)", () => Tf.Constant(new[] { 0, 2, 1, 0 })),
        new("bool(2,3)", () => Tf.Constant(new bool[,] { { true, false, true }, { false, false, true } })),
        new("f16(2,3)", () => Tf.Cast(Tf.Constant(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }), DType.Float16)),
        new("bf16(2,3)", () => Tf.Cast(Tf.Constant(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }), DType.BFloat16)),
        new("weak 5", () => (Tensor)5),
        new("weak 1e300", () => (Tensor)1e300),
        new("weak long.MaxValue", () => (Tensor)long.MaxValue),
        new("variable f32(2,3)", () => new Variable(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } })),
    ];

    /// <summary>One (2, 3) tensor of every dtype, for the dtype-pair cases of ops with two tensor operands.</summary>
    public static IReadOnlyList<Candidate> TypedTensors { get; } = DType.All
        .Select(d => new Candidate($"{d}(2,3)", () => Tf.Cast(Tf.Constant(new float[,] { { 0, 1, 2 }, { 3, 1, 0 } }), d)))
        .ToArray();

    private static readonly Candidate[] s_tensorLists =
    [
        new("[f32(2,3), f32(2,3)]", () => new[] { Make(0), Make(0) }),
        new("null list", () => null),
        new("[]", () => Array.Empty<Tensor>()),
        new("[null]", () => new Tensor?[] { null }),
        new("[f32, i32]", () => new[] { Make(0), Make(8) }),
        new("[f32(2,3), f32(3,3)]", () => new[] { Make(0), Make(6) }),
        new("[scalar, f32(2,3)]", () => new[] { Make(2), Make(0) }),
        new("[f32(0,3), f32 rank 9]", () => new[] { Make(4), Make(5) }),
    ];

    private static readonly Candidate[] s_shapes =
    [
        new("(2,3)", () => new Shape(2, 3)),
        new("()", () => Shape.Scalar),
        new("(0,)", () => new Shape(0)),
        new("(0,65536,65536)", () => new Shape(0, 65536, 65536)),
        new("(65536,)*4", () => new Shape(65536, 65536, 65536, 65536)),
        new("(int.MaxValue,)", () => new Shape(int.MaxValue)),
        new("(46341,46341)", () => new Shape(46341, 46341)),
        new("rank 9", () => new Shape(s_rank9)),
        new("rank 254", () => new Shape(Enumerable.Repeat(1, 254).ToArray())),
    ];

    private static readonly int[] s_ints = [1, 0, -1, -3, 2, 65536, int.MaxValue, int.MinValue];

    private static readonly Candidate[] s_intArrays =
    [
        new("[1]", () => new[] { 1 }),
        new("null", () => null),
        new("[]", () => Array.Empty<int>()),
        new("[0,0]", () => new[] { 0, 0 }),
        new("[-1]", () => new[] { -1 }),
        new("[-3]", () => new[] { -3 }),
        new("[int.MaxValue]", () => new[] { int.MaxValue }),
        new("[int.MinValue]", () => new[] { int.MinValue }),
        new("[65536,65536]", () => new[] { 65536, 65536 }),
        new("[2,-1]", () => new[] { 2, -1 }),
        new("[0,1]", () => new[] { 0, 1 }),
        new("[int.MaxValue,int.MaxValue]", () => new[] { int.MaxValue, int.MaxValue }),
    ];

    private static readonly long[] s_longs = [1, 0, -1, long.MaxValue, long.MinValue, 1L << 40];
    private static readonly double[] s_doubles = [0.5, 0, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, double.Epsilon, -0.0];
    private static readonly string?[] s_strings = ["VALID", null, "", "SAME", "bogus", "ij,jk->ik", "ii", "->", "relu", "\0", "...", new string('a', 300)];

    private static readonly Candidate[] s_indices =
    [
        new("0", () => (TensorIndex)0),
        new("-1", () => (TensorIndex)(-1)),
        new("int.MaxValue", () => (TensorIndex)int.MaxValue),
        new("int.MinValue", () => (TensorIndex)int.MinValue),
        new("Slice(min,max,-1)", () => TensorIndex.Slice(int.MinValue, int.MaxValue, -1)),
        new("Slice(min,max,int.MinValue)", () => TensorIndex.Slice(int.MinValue, int.MaxValue, int.MinValue)),
        new("NewAxis", () => TensorIndex.NewAxis),
        new("Ellipsis", () => TensorIndex.Ellipsis),
    ];

    private static readonly Candidate[] s_indexArrays =
    [
        new("[0]", () => new TensorIndex[] { 0 }),
        new("null", () => null),
        new("[]", () => Array.Empty<TensorIndex>()),
        new("[..., ...]", () => new[] { TensorIndex.Ellipsis, TensorIndex.Ellipsis }),
        new("[NewAxis x300]", () => Enumerable.Repeat(TensorIndex.NewAxis, 300).ToArray()),
        new("[0,0,0]", () => new TensorIndex[] { 0, 0, 0 }),
        new("[Slice(min,max,int.MinValue), -1]", () => new[] { TensorIndex.Slice(int.MinValue, int.MaxValue, int.MinValue), -1 }),
    ];

    private static readonly Candidate[] s_unaryFunctions =
    [
        new("x => x", () => new Func<Tensor, Tensor>(x => x)),
        new("null", () => null),
        new("x => throw", () => new Func<Tensor, Tensor>(_ => throw new InvalidOperationException("thrown by the user's function"))),
        new("x => Reshape(x, [-1])", () => new Func<Tensor, Tensor>(x => Tf.Reshape(x, [-1]))),
        new("x => null", () => new Func<Tensor, Tensor>(_ => null!)),
    ];

    private static readonly Candidate[] s_paddings =
    [
        new("[[1,1],[2,2]]", () => new[,] { { 1, 1 }, { 2, 2 } }),
        new("null", () => null),
        new("[[int.MaxValue,int.MaxValue],[0,0]]", () => new[,] { { int.MaxValue, int.MaxValue }, { 0, 0 } }),
        new("[[int.MaxValue,1],[0,0]]", () => new[,] { { int.MaxValue, 1 }, { 0, 0 } }),
        new("[[-1,0],[0,0]]", () => new[,] { { -1, 0 }, { 0, 0 } }),
        new("[[int.MinValue,0],[0,0]]", () => new[,] { { int.MinValue, 0 }, { 0, 0 } }),
        new("[[0,0]]", () => new[,] { { 0, 0 } }),
        new("[[65536,65536],[65536,65536]]", () => new[,] { { 65536, 65536 }, { 65536, 65536 } }),
        new("[[1,1],[1,1],[1,1]]", () => new[,] { { 1, 1 }, { 1, 1 }, { 1, 1 } }),
        new("empty (0,2)", () => new int[0, 2]),
    ];

    private static readonly Candidate[] s_customGradients =
    [
        new("x => (2x, dy => 2dy)", () => new Func<Tensor, (Tensor, Func<Tensor, Tensor>)>(x => (x * 2, dy => dy * 2))),
        new("null", () => null),
        new("x => (x, dy => ones(7))", () => new Func<Tensor, (Tensor, Func<Tensor, Tensor>)>(x => (x, _ => Tf.Ones([7])))),
        new("x => (x, dy => f64)", () => new Func<Tensor, (Tensor, Func<Tensor, Tensor>)>(x => (x, dy => Tf.Cast(dy, DType.Float64)))),
        new("x => (null, null)", () => new Func<Tensor, (Tensor, Func<Tensor, Tensor>)>(_ => (null!, null!))),
    ];

    private static readonly Candidate[] s_listFunctions =
    [
        new("xs => xs[0]", () => new Func<Tensor[], Tensor>(xs => xs[0])),
        new("null", () => null),
        new("xs => throw", () => new Func<Tensor[], Tensor>(_ => throw new InvalidOperationException("thrown by the user's function"))),
    ];

    /// <summary>The candidates for a parameter: its default first (when it has one), then the pool of its type.</summary>
    public static IReadOnlyList<Candidate> For(ParameterInfo parameter)
    {
        IReadOnlyList<Candidate> pool = ForType(parameter.ParameterType);
        if (!parameter.HasDefaultValue)
        {
            return pool;
        }

        object? value = parameter.DefaultValue;
        return [new Candidate($"default {value ?? "null"}", () => value is DBNull ? null : value), .. pool];
    }

    public static IReadOnlyList<Candidate> ForType(Type type)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return [.. ForType(underlying), new Candidate("null", () => null)];
        }

        if (type == typeof(Tensor))
        {
            return Tensors;
        }

        if (type == typeof(Variable))
        {
            return [Tensors[^1], new("null", () => null), new("variable i64", () => new Variable(long.MaxValue))];
        }

        if (IsTensorList(type))
        {
            return s_tensorLists;
        }

        if (type == typeof(Shape))
        {
            return s_shapes;
        }

        if (type == typeof(int))
        {
            return [.. s_ints.Select(v => Value(v))];
        }

        if (type == typeof(int[]) || type == typeof(IReadOnlyList<int>) || type == typeof(IEnumerable<int>))
        {
            return s_intArrays;
        }

        if (type == typeof(long))
        {
            return [.. s_longs.Select(v => Value(v))];
        }

        if (type == typeof(double))
        {
            return [.. s_doubles.Select(v => Value(v))];
        }

        if (type == typeof(float))
        {
            return [.. s_doubles.Select(v => Value((float)v))];
        }

        if (type == typeof(Half))
        {
            return [Value((Half)1), Value(Half.NaN), Value(Half.NegativeInfinity)];
        }

        if (type == typeof(bool))
        {
            return [Value(false), Value(true)];
        }

        if (type == typeof(string))
        {
            return [.. s_strings.Select(v => Value(v))];
        }

        if (type == typeof(DType))
        {
            return [.. DType.All.Select(d => Value(d))];
        }

        if (type == typeof(TensorIndex))
        {
            return s_indices;
        }

        if (type == typeof(TensorIndex[]))
        {
            return s_indexArrays;
        }

        if (type == typeof(Func<Tensor, Tensor>))
        {
            return s_unaryFunctions;
        }

        if (type == typeof(int[,]))
        {
            return s_paddings;
        }

        if (type == typeof(Func<Tensor, (Tensor, Func<Tensor, Tensor>)>))
        {
            return s_customGradients;
        }

        if (type == typeof(Func<Tensor[], Tensor>))
        {
            return s_listFunctions;
        }

        if (type == typeof(IFormatProvider))
        {
            return [Value(System.Globalization.CultureInfo.InvariantCulture), new("null", () => null)];
        }

        if (type == typeof(double[]))
        {
            return [Value(new[] { 1.0, double.NaN, double.NegativeInfinity }), new("null", () => null), Value(Array.Empty<double>())];
        }

        if (type == typeof(float[]))
        {
            return [Value(new[] { 1f, float.NaN, float.PositiveInfinity }), new("null", () => null), Value(Array.Empty<float>())];
        }

        if (type == typeof(long[]))
        {
            return [Value(new[] { 1L, long.MaxValue, long.MinValue }), new("null", () => null), Value(Array.Empty<long>())];
        }

        if (type == typeof(bool[]))
        {
            return [Value(new[] { true, false }), new("null", () => null), Value(Array.Empty<bool>())];
        }

        if (type.IsEnum)
        {
            return [.. Enum.GetValues(type).Cast<object>().Select(v => Value(v)), Value(Enum.ToObject(type, 999))];
        }

        if (type == typeof(object))
        {
            return [Value(1), new("null", () => null), Value("text"), Tensors[0]];
        }

        if (type.IsArray)
        {
            Type element = type.GetElementType()!;
            return
            [
                new("empty " + type.Name, () => Array.CreateInstance(element, new int[type.GetArrayRank()])),
                new("null", () => null),
            ];
        }

        return type.IsValueType
            ? [new("default " + type.Name, () => Activator.CreateInstance(type))]
            : [new("null", () => null)];
    }

    public static bool IsTensorList(Type type) =>
        type == typeof(Tensor[]) || type == typeof(IEnumerable<Tensor>) || type == typeof(IReadOnlyList<Tensor>) ||
        type == typeof(IList<Tensor>) || type == typeof(IReadOnlyCollection<Tensor>);

    private static Tensor Make(int index) => (Tensor)Tensors[index].Make()!;

    private static Candidate Value(object? value)
        => new(value switch
        {
            null => "null",
            string s => s.Length > 20 ? $"string of {s.Length}" : $"\"{s}\"",
            Array a => $"{a.GetType().Name} of {a.Length}",
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
        }, () => value);
}
