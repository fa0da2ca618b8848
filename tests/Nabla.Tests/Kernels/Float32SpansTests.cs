using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>
/// The precompiled float32 loops (<see cref="Float32Spans"/>) against the TensorPrimitives operators they replace on the
/// ops' float32 paths, bit for bit, over lengths around the vector width and operands that include NaNs with payloads,
/// infinities, signed zeros, subnormals and the extremes. A NaN result must be a NaN on both sides, its payload aside
/// (which NaN operand an operation keeps is unspecified in .NET).
/// </summary>
public class Float32SpansTests
{
    private static readonly int[] s_lengths = [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1029];

    private static readonly float[] s_specials =
    [
        0f, -0f, 1f, -1f, 0.5f, -2.5f, 3f, float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234),
        float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon, float.MaxValue, -float.MaxValue,
        1e-40f, 1.17549435e-38f, 0.1f, 1f / 3,
    ];

    [Theory]
    [InlineData("Add")]
    [InlineData("Subtract")]
    [InlineData("Multiply")]
    [InlineData("Divide")]
    public void Binary_AllForms_MatchTensorPrimitivesBitwise(string op)
    {
        SmallBinary kind = Enum.Parse<SmallBinary>(op);
        var random = new Random(41);
        foreach (int n in s_lengths)
        {
            float[] x = Operands(random, n), y = Operands(random, n);
            float s = s_specials[random.Next(s_specials.Length)];
            float[] expected = new float[n], actual = new float[n];

            Reference(kind, x, y, expected);
            Float32Spans.Binary(kind, x, y, actual);
            AssertBitsEqual(expected, actual, $"{kind} span-span n={n}");

            ReferenceSpanScalar(kind, x, s, expected);
            Float32Spans.Binary(kind, x, s, actual);
            AssertBitsEqual(expected, actual, $"{kind} span-scalar {s} n={n}");

            ReferenceScalarSpan(kind, s, y, expected);
            Float32Spans.Binary(kind, s, y, actual);
            AssertBitsEqual(expected, actual, $"{kind} scalar-span {s} n={n}");

            // In place: the output is the first input.
            float[] inPlace = (float[])x.Clone();
            Reference(kind, x, y, expected);
            Float32Spans.Binary(kind, inPlace, y, inPlace);
            AssertBitsEqual(expected, inPlace, $"{kind} in place n={n}");
        }
    }

    [Fact]
    public void Unary_NegateAndRelu_MatchTensorPrimitivesBitwise()
    {
        var random = new Random(43);
        foreach (int n in s_lengths)
        {
            float[] x = Operands(random, n);
            float[] expected = new float[n], actual = new float[n];

            TensorPrimitives.Negate(x, expected);
            Float32Spans.Unary(Float32Unary.Negate, x, actual);
            AssertBitsEqual(expected, actual, $"Negate n={n}", exactNaN: true);

            TensorPrimitives.Max(x, 0f, expected);
            Float32Spans.Unary(Float32Unary.Relu, x, actual);
            AssertBitsEqual(expected, actual, $"Relu n={n}");
        }
    }

    [Fact]
    public void ReluGrad_MatchesGenericKernelBitwise()
    {
        var random = new Random(47);
        foreach (int n in s_lengths)
        {
            float[] g = Operands(random, n), x = Operands(random, n);
            float[] expected = new float[n], actual = new float[n];
            for (int i = 0; i < n; i++)
            {
                expected[i] = g[i] * (x[i] > 0f ? 1f : 0f);
            }

            Float32Spans.ReluGrad(g, x, actual);
            AssertBitsEqual(expected, actual, $"ReluGrad n={n}");
        }
    }

    [Fact]
    public void Max_MatchesTensorPrimitives_NaNAndSignedZeros()
    {
        var random = new Random(53);
        foreach (int n in s_lengths.Where(n => n > 0))
        {
            float[] x = Operands(random, n);
            AssertBitsEqual([TensorPrimitives.Max(x)], [Float32Spans.Max(x)], $"Max n={n}");

            float[] finite = [.. x.Select(v => float.IsNaN(v) ? -1f : v)];
            AssertBitsEqual([TensorPrimitives.Max(finite)], [Float32Spans.Max(finite)], $"Max without NaN n={n}");

            float[] zeros = [.. Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 0f : -0f)];
            AssertBitsEqual([TensorPrimitives.Max(zeros)], [Float32Spans.Max(zeros)], $"Max of signed zeros n={n}");
        }

        Assert.Throws<ArgumentException>(() => Float32Spans.Max([]));
    }

    [Fact]
    public void Binary_MismatchedLengths_ThrowNamingTheLengths()
    {
        var error = Assert.Throws<ArgumentException>(() => Float32Spans.Binary(SmallBinary.Add, new float[4], new float[3], new float[4]));
        Assert.Contains("4, 3 and 4", error.Message);
        Assert.Throws<ArgumentException>(() => Float32Spans.Binary(SmallBinary.Add, new float[4], 1f, new float[3]));
        Assert.Throws<ArgumentException>(() => Float32Spans.Unary(Float32Unary.Relu, new float[4], new float[3]));
    }

    [Fact]
    public void Ops_Float32Tensors_TakeTheLoopsAndMatchTheGeneralPath()
    {
        // A [37, 29] tensor (one thread's work, beyond SmallFloat) with a scalar, and a bias row, which still takes the
        // broadcast walk: the results must agree with the reference loops above either way.
        var random = new Random(59);
        float[] x = Operands(random, 37 * 29), bias = Operands(random, 29);
        Tensor tx = Tf.Constant(x, [37, 29]);
        float[] expected = new float[x.Length];

        ReferenceSpanScalar(SmallBinary.Divide, x, 3f, expected);
        AssertBitsEqual(expected, Tf.Divide(tx, 3f).ToArray<float>(), "Divide by a scalar");
        TensorPrimitives.Max(x, 0f, expected);
        AssertBitsEqual(expected, Tf.Nn.Relu(tx).ToArray<float>(), "Relu");
        for (int r = 0; r < 37; r++)
        {
            TensorPrimitives.Add(x.AsSpan(r * 29, 29), bias, expected.AsSpan(r * 29, 29));
        }

        AssertBitsEqual(expected, Tf.Add(tx, Tf.Constant(bias, [29])).ToArray<float>(), "Add a bias row");
    }

    private static void Reference(SmallBinary kind, float[] x, float[] y, float[] z)
    {
        switch (kind)
        {
            case SmallBinary.Add: TensorPrimitives.Add(x, y, z); break;
            case SmallBinary.Subtract: TensorPrimitives.Subtract(x, y, z); break;
            case SmallBinary.Multiply: TensorPrimitives.Multiply(x, y, z); break;
            default: TensorPrimitives.Divide(x, y, z); break;
        }
    }

    private static void ReferenceSpanScalar(SmallBinary kind, float[] x, float y, float[] z)
    {
        switch (kind)
        {
            case SmallBinary.Add: TensorPrimitives.Add(x, y, z); break;
            case SmallBinary.Subtract: TensorPrimitives.Subtract(x, y, z); break;
            case SmallBinary.Multiply: TensorPrimitives.Multiply(x, y, z); break;
            default: TensorPrimitives.Divide(x, y, z); break;
        }
    }

    private static void ReferenceScalarSpan(SmallBinary kind, float x, float[] y, float[] z)
    {
        switch (kind)
        {
            case SmallBinary.Add: TensorPrimitives.Add(y, x, z); break;
            case SmallBinary.Subtract: TensorPrimitives.Subtract(x, y, z); break;
            case SmallBinary.Multiply: TensorPrimitives.Multiply(y, x, z); break;
            default: TensorPrimitives.Divide(x, y, z); break;
        }
    }

    // Half the operands special values, half random magnitudes of either sign.
    private static float[] Operands(Random random, int n)
    {
        float[] values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = random.Next(2) == 0
                ? s_specials[random.Next(s_specials.Length)]
                : (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 7)));
        }

        return values;
    }

    private static void AssertBitsEqual(float[] expected, float[] actual, string what, bool exactNaN = false)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!exactNaN && float.IsNaN(expected[i]))
            {
                Assert.True(float.IsNaN(actual[i]), $"{what}: element {i} is {actual[i]}, expected NaN");
                continue;
            }

            Assert.True(
                BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}: element {i} is {actual[i]} (0x{BitConverter.SingleToInt32Bits(actual[i]):X8}), expected {expected[i]} (0x{BitConverter.SingleToInt32Bits(expected[i]):X8})");
        }
    }
}
