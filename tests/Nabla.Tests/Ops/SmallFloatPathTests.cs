namespace Nabla.Tests.Ops;

/// <summary>
/// The precompiled start-up path for small float tensors (<see cref="SmallFloat"/>) against the ops' general kernels,
/// bit for bit: each small case is also computed inside a tensor too large for the small path, whose leading elements
/// hold the same operands, so the general (TensorPrimitives) path computes the reference with the op's own kernel.
/// Operands include NaNs with distinct payloads, infinities, signed zeros, subnormals and the extremes. A NaN result
/// must be a NaN on both paths, its payload aside: which of two NaN operands a sum or product keeps is unspecified in
/// .NET (the JIT may swap a commutative operation's operands).
/// </summary>
public class SmallFloatPathTests
{
    private const int Large = SmallFloat.MaxElements + 9;

    private static readonly double[] s_specials =
    [
        0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, double.NaN, -double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_1234),
        double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon, double.MaxValue, -double.MaxValue,
        1e-310, 1e308, 1e-40, 3.4e38, 1.17549435e-38, 0.1, 1.0 / 3,
    ];

    public static TheoryData<string, DType> BinaryRows()
    {
        var rows = new TheoryData<string, DType>();
        foreach (string op in new[] { "Add", "Subtract", "Multiply", "Divide" })
        {
            rows.Add(op, DType.Float32);
            rows.Add(op, DType.Float64);
        }

        return rows;
    }

    public static TheoryData<string, DType> UnaryRows()
    {
        var rows = new TheoryData<string, DType>();
        foreach (string op in new[] { "Abs", "Negative", "Sign", "Square" })
        {
            rows.Add(op, DType.Float32);
            rows.Add(op, DType.Float64);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(BinaryRows))]
    public void Binary_SmallTensors_MatchGeneralKernelBitwise(string op, DType dtype)
    {
        var random = new Random(17);
        foreach (int n in new[] { 1, 2, 5, 6, 8, 17, SmallFloat.MaxElements })
        {
            double[] x = Operands(random, Large);
            double[] y = Operands(random, Large);
            Tensor xLarge = Make(x, dtype, [Large]);
            Tensor yLarge = Make(y, dtype, [Large]);
            Tensor xScalarLarge = Make([.. Enumerable.Repeat(x[0], Large)], dtype, [Large]);
            Tensor yScalarLarge = Make([.. Enumerable.Repeat(y[0], Large)], dtype, [Large]);
            Tensor xs = Make(x[..n], dtype, [n]);
            Tensor ys = Make(y[..n], dtype, [n]);
            Tensor xScalar = Make([x[0]], dtype, []);
            Tensor yScalar = Make([y[0]], dtype, []);

            AssertLeadingBitsEqual(Apply(op, xLarge, yLarge), Apply(op, xs, ys), $"{op} {dtype} run-run n={n}");
            AssertLeadingBitsEqual(Apply(op, xLarge, yScalar), Apply(op, xs, yScalar), $"{op} {dtype} run-scalar n={n}");
            AssertLeadingBitsEqual(Apply(op, xScalar, yLarge), Apply(op, xScalar, ys), $"{op} {dtype} scalar-run n={n}");
            AssertLeadingBitsEqual(Apply(op, xScalarLarge, yScalarLarge), Apply(op, xScalar, yScalar), $"{op} {dtype} scalar-scalar");
            AssertLeadingBitsEqual(
                Apply(op, xLarge, yLarge), Apply(op, Tf.Reshape(xs, [1, n]), ys), $"{op} {dtype} (1,n) with (n) n={n}");
        }
    }

    [Theory]
    [MemberData(nameof(UnaryRows))]
    public void Unary_SmallTensors_MatchGeneralKernelBitwise(string op, DType dtype)
    {
        var random = new Random(23);
        foreach (int n in new[] { 1, 3, 6, 16, SmallFloat.MaxElements })
        {
            double[] x = Operands(random, Large);
            Tensor large = Apply(op, Make(x, dtype, [Large]));
            AssertLeadingBitsEqual(large, Apply(op, Make(x[..n], dtype, [n])), $"{op} {dtype} n={n}");
            AssertLeadingBitsEqual(large, Apply(op, Make(x[..n], dtype, [n, 1])), $"{op} {dtype} shape ({n}, 1)");
        }
    }

    [Theory]
    [InlineData("float32")]
    [InlineData("float64")]
    public void ReduceSum_SmallToOneElement_MatchesTheGeneralKernelBitwise(string dtypeName)
    {
        DType dtype = dtypeName == "float32" ? DType.Float32 : DType.Float64;
        var random = new Random(31);
        foreach (int n in new[] { 2, 3, 6, 7, 16, 31, SmallFloat.MaxElements })
        {
            double[] values = Operands(random, n);
            Tensor flat = Make(values, dtype, [n]);

            // The general path's run kernel on the same run (what a larger sum's blocks are summed by).
            double expected = dtype == DType.Float64
                ? System.Numerics.Tensors.TensorPrimitives.Sum(values)
                : Nabla.Kernels.VectorSum.Sum(values.Select(v => (float)v).ToArray());
            foreach (Tensor sum in new[]
            {
                Tf.ReduceSum(flat), Tf.ReduceSum(Tf.Reshape(flat, [1, n]), axis: 1), Tf.ReduceSum(Tf.Reshape(flat, [n, 1]), keepdims: true),
            })
            {
                Assert.Equal(1, sum.Size);
                double actual = Tf.Cast(sum, DType.Float64).ToArray<double>()[0];
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
            }
        }

        // Partial sums, one element, and float16 are the general path's.
        Tensor matrix = Make(Operands(random, 6), dtype, [2, 3]);
        Assert.False(SmallFloat.TrySum(matrix, Tensor.Uninitialized(new Shape(3), dtype)));
        Assert.False(SmallFloat.TrySum(Make([1.5], dtype, [1]), Tensor.Uninitialized(Shape.Scalar, dtype)));
        Assert.False(SmallFloat.TrySum(Tf.Cast(matrix, DType.Float16), Tensor.Uninitialized(Shape.Scalar, DType.Float16)));
        Assert.True(SmallFloat.TrySum(matrix, Tensor.Uninitialized(Shape.Scalar, dtype)));
    }

    [Theory]
    [InlineData("float64", "float32")]
    [InlineData("float32", "float64")]
    [InlineData("int32", "float32")]
    [InlineData("int32", "float64")]
    public void Cast_SmallTensors_MatchesTheGeneralKernelBitwise(string from, string to)
    {
        DType source = from == "int32" ? DType.Int32 : from == "float32" ? DType.Float32 : DType.Float64;
        DType target = to == "float32" ? DType.Float32 : DType.Float64;
        var random = new Random(41);
        int[] integers = [0, 1, -1, int.MaxValue, int.MinValue, 16_777_217, -16_777_217, 16_777_219, 33_554_435, 123_456_789];
        foreach (int n in new[] { 1, 2, 7, 8, 9, 16, 17, SmallFloat.MaxElements })
        {
            // The same leading values in a tensor above the small path's limit (general path) and in one of n elements.
            Tensor large, small;
            if (source == DType.Int32)
            {
                int[] values = [.. Enumerable.Range(0, Large).Select(_ => random.Next(2) == 0 ? integers[random.Next(integers.Length)] : random.Next(int.MinValue, int.MaxValue))];
                large = Tf.Constant(values, [Large]);
                small = Tf.Constant(values[..n], [n]);
            }
            else
            {
                double[] values = Operands(random, Large);
                large = Make(values, source, [Large]);
                small = Make(values[..n], source, [n]);
            }

            AssertLeadingBitsEqual(Tf.Cast(large, target), Tf.Cast(small, target), $"{from} to {to} n={n}");
        }
    }

    [Fact]
    public void TryBinary_TakesOnlySmallFloatTensorsWithSimpleBroadcasts()
    {
        Tensor six = Tf.Constant(new double[] { 1, 2, 3, 4, 5, 6 });
        Tensor scalar = Tf.Constant(2.0);
        Assert.True(SmallFloat.TryBinary(SmallBinary.Multiply, [six, scalar], Tensor.Uninitialized(six.Shape, DType.Float64)));
        Assert.True(SmallFloat.TryBinary(SmallBinary.Add, [scalar, scalar], Tensor.Uninitialized(scalar.Shape, DType.Float64)));

        // A broadcast of two non-scalar shapes, more elements than the limit, integers, float16, and an op without a small path.
        Tensor column = Tf.Constant(new double[,] { { 1 }, { 2 } });
        Tensor row = Tf.Constant(new double[,] { { 1, 2, 3 } });
        Assert.False(SmallFloat.TryBinary(SmallBinary.Add, [column, row], Tensor.Uninitialized(new Shape(2, 3), DType.Float64)));
        Tensor big = Tf.Zeros([SmallFloat.MaxElements + 1], DType.Float64);
        Assert.False(SmallFloat.TryBinary(SmallBinary.Add, [big, scalar], Tensor.Uninitialized(big.Shape, DType.Float64)));
        Tensor ints = Tf.Constant(new[] { 1, 2 });
        Assert.False(SmallFloat.TryBinary(SmallBinary.Add, [ints, ints], Tensor.Uninitialized(ints.Shape, DType.Int32)));
        Tensor halves = Tf.Cast(ints, DType.Float16);
        Assert.False(SmallFloat.TryBinary(SmallBinary.Add, [halves, halves], Tensor.Uninitialized(halves.Shape, DType.Float16)));
        Assert.False(SmallFloat.TryBinary(SmallBinary.None, [six, six], Tensor.Uninitialized(six.Shape, DType.Float64)));
        Assert.False(SmallFloat.TryUnary(SmallUnary.Abs, big, Tensor.Uninitialized(big.Shape, DType.Float64)));
        Assert.True(SmallFloat.TryUnary(SmallUnary.Abs, six, Tensor.Uninitialized(six.Shape, DType.Float64)));
    }

    [Fact]
    public void SeedLoop_Float32AndFloat64_MatchesTheGeneralPathAtEveryStep()
    {
        // The seed's loop at 6 elements (small path) and the same loop with the data repeated to 48 elements and scaled
        // back (general path) give the same weights to the bit: every step of both is the same IEEE operations.
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            (double wSmall, double bSmall) = SeedLoop(dtype, repeat: 1);
            (double wLarge, double bLarge) = SeedLoop(dtype, repeat: 8);
            Assert.Equal(BitConverter.DoubleToInt64Bits(wLarge), BitConverter.DoubleToInt64Bits(wSmall));
            Assert.Equal(BitConverter.DoubleToInt64Bits(bLarge), BitConverter.DoubleToInt64Bits(bSmall));
            Assert.InRange(wSmall, 0.5, 2.5);
        }
    }

    private static (double W, double B) SeedLoop(DType dtype, int repeat)
    {
        double[] xs = [.. Enumerable.Repeat(new double[] { -1, 0, 1, 2, 3, 4 }, repeat).SelectMany(v => v)];
        double[] ys = [.. xs.Select(v => (2 * v) - 1)];
        var w = new Variable(Tf.Cast(Tf.Constant(0.375), dtype));
        var b = new Variable(Tf.Cast(Tf.Constant(0.875), dtype));
        Tensor x = Tf.Cast(Tf.Constant(xs), dtype);
        Tensor y = Tf.Cast(Tf.Constant(ys), dtype);
        for (int step = 0; step < 50; step++)
        {
            using var tape = new GradientTape(persistent: true);
            Tensor loss = Tf.Abs((w * x) + b - y);
            Tensor wGradient = tape.Gradient(loss, w)!;
            Tensor bGradient = tape.Gradient(loss, b)!;

            // Sums over `repeat` copies of the same 6 products: dividing by repeat (a power of two) is exact.
            w.AssignSub(Tf.Cast(Tf.Constant(0.001 / repeat), dtype) * wGradient);
            b.AssignSub(Tf.Cast(Tf.Constant(0.001 / repeat), dtype) * bGradient);
        }

        return (Tf.Cast(w, DType.Float64).Item<double>(), Tf.Cast(b, DType.Float64).Item<double>());
    }

    private static double[] Operands(Random random, int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = random.Next(3) == 0 ? s_specials[random.Next(s_specials.Length)] : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-5, 6));
        }

        return values;
    }

    private static Tensor Make(double[] values, DType dtype, Shape shape)
        => dtype == DType.Float64
            ? Tf.Constant(values, shape)
            : Tf.Constant(values.Select(v => (float)v).ToArray(), shape);

    private static Tensor Apply(string op, Tensor x, Tensor y) => op switch
    {
        "Add" => Tf.Add(x, y),
        "Subtract" => Tf.Subtract(x, y),
        "Multiply" => Tf.Multiply(x, y),
        _ => Tf.Divide(x, y),
    };

    private static Tensor Apply(string op, Tensor x) => op switch
    {
        "Abs" => Tf.Abs(x),
        "Negative" => Tf.Negative(x),
        "Sign" => Tf.Sign(x),
        _ => Tf.Square(x),
    };

    private static void AssertLeadingBitsEqual(Tensor general, Tensor small, string what)
    {
        Assert.True(small.Size <= SmallFloat.MaxElements && general.Size > SmallFloat.MaxElements, what);
        Assert.Equal(general.DType, small.DType);
        if (small.DType == DType.Float64)
        {
            long[] expected = [.. general.ToArray<double>().Take(small.Size).Select(v => double.IsNaN(v) ? 0x7FF8_0000_0000_0000 : BitConverter.DoubleToInt64Bits(v))];
            long[] actual = [.. small.ToArray<double>().Select(v => double.IsNaN(v) ? 0x7FF8_0000_0000_0000 : BitConverter.DoubleToInt64Bits(v))];
            Assert.True(expected.SequenceEqual(actual), $"{what}: [{string.Join(", ", expected.Select(v => v.ToString("X")))}] vs [{string.Join(", ", actual.Select(v => v.ToString("X")))}]");
        }
        else
        {
            int[] expected = [.. general.ToArray<float>().Take(small.Size).Select(v => float.IsNaN(v) ? 0x7FC0_0000 : BitConverter.SingleToInt32Bits(v))];
            int[] actual = [.. small.ToArray<float>().Select(v => float.IsNaN(v) ? 0x7FC0_0000 : BitConverter.SingleToInt32Bits(v))];
            Assert.True(expected.SequenceEqual(actual), $"{what}: [{string.Join(", ", expected.Select(v => v.ToString("X")))}] vs [{string.Join(", ", actual.Select(v => v.ToString("X")))}]");
        }
    }
}
