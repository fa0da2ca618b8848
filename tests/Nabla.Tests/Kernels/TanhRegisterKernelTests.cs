using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>
/// The one-register tanh of the compiled fusion path (<see cref="VectorTanh.Tanh(Vector512{float})"/>, e^(-2|x|) − 1
/// and one division): exact where tanh is exact in float32 (±0, subnormals, tiny normals, saturation to ±1), NaN
/// kept, odd bit for bit, within 3 ulps of the true value and within 4e-7 relative of the span kernel over a sweep
/// of float32 bit patterns from 2^-30 to 10 (measured: 2.48 ulps, and 3.25e-7 against the span kernel, whose own
/// error reaches 4.5 ulps); in both register widths, and through a traced function at lengths around them.
/// </summary>
public class TanhRegisterKernelTests
{
    // Where float32 tanh is x itself (|x| < ~2^-12 rounds so; these are far below) or ±1 (|x| > ~9.01).
    private static readonly float[] Identities = [0f, -0f, 1e-45f, -1e-45f, 1e-40f, -1e-40f, 1.17549435e-38f, 1e-30f, -1e-30f, 1e-10f];
    private static readonly float[] Saturated = [9.1f, -9.1f, 9.5f, 10f, -10f, 88f, 1e10f, -1e10f, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity];

    public static TheoryData<bool> Widths => new() { false, true };

    [Theory]
    [MemberData(nameof(Widths))]
    public void SpecialValues_AreExact(bool wide)
    {
        foreach (float x in Identities)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(x), BitConverter.SingleToInt32Bits(Register(wide, x)));
        }

        foreach (float x in Saturated)
        {
            Assert.Equal(MathF.CopySign(1f, x), Register(wide, x));
        }

        Assert.True(float.IsNaN(Register(wide, float.NaN)));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Sweep_IsOdd_WithinThreeUlps_AndAgreesWithTheSpanKernel(bool wide)
    {
        float[] x = Sweep();
        float[] span = new float[x.Length];
        VectorTanh.Apply<float>(x, span);
        float[] register = Registers(wide, x);
        float[] negated = Registers(wide, [.. x.Select(v => -v)]);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Tanh(x[i]);
            float rounded = (float)Math.Abs(exact);
            double ulps = Math.Abs(register[i] - exact) / (MathF.BitIncrement(rounded) - rounded);
            Assert.True(ulps <= 3, $"tanh({x[i]:R}) = {register[i]:R}, {ulps:F2} ulps from {exact:R}");
            double apart = Math.Abs(register[i] - span[i]) / Math.Abs(span[i]);
            Assert.True(apart <= 4e-7, $"tanh({x[i]:R}): register {register[i]:R}, span kernel {span[i]:R}");
            Assert.Equal(BitConverter.SingleToInt32Bits(-register[i]), BitConverter.SingleToInt32Bits(negated[i]));
        }
    }

    // The fused loop at lengths around both register widths (ragged ends through the lane buffer; outputs shorter
    // than a register go to the interpreter, which runs the span kernel), specials included.
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(1025)]
    public void TracedTanh_EqualsEager_WithinTheStatedTolerance(int length)
    {
        var random = new Random(length);
        float[] values = new float[length];
        float[] specials = [.. Identities, .. Saturated, float.NaN, 0.25f, -3f];
        for (int i = 0; i < length; i++)
        {
            values[i] = i % 3 == 0 ? specials[i / 3 % specials.Length] : (float)((random.NextDouble() - 0.5) * 12);
        }

        Tensor x = Tf.Constant(values);
        float[] eager = Tf.Tanh(x).ToArray<float>();
        float[] traced = Tf.Function((Tensor t) => Tf.Multiply(Tf.Tanh(t), 1f)).Invoke(x).ToArray<float>();
        for (int i = 0; i < length; i++)
        {
            bool same = BitConverter.SingleToInt32Bits(eager[i]) == BitConverter.SingleToInt32Bits(traced[i]) || (float.IsNaN(eager[i]) && float.IsNaN(traced[i]));
            Assert.True(same || Math.Abs(eager[i] - traced[i]) <= 4e-7 * Math.Abs(eager[i]), $"element {i}, tanh({values[i]:R}): eager {eager[i]:R}, traced {traced[i]:R}");
        }
    }

    // Every 997th float32 bit pattern from 2^-30 to 10: about 280,000 values, every binade of the range.
    private static float[] Sweep()
    {
        var values = new List<float>();
        for (int bits = BitConverter.SingleToInt32Bits(MathF.ScaleB(1f, -30)); bits < BitConverter.SingleToInt32Bits(10f); bits += 997)
        {
            values.Add(BitConverter.Int32BitsToSingle(bits));
        }

        return [.. values];
    }

    private static float Register(bool wide, float x) => Registers(wide, [x, .. Enumerable.Repeat(0.5f, 15)])[0];

    // The kernel over whole registers (the array padded to a multiple of 16 with 0.5, dropped afterwards).
    private static float[] Registers(bool wide, float[] x)
    {
        float[] padded = new float[(x.Length + 15) / 16 * 16];
        Array.Fill(padded, 0.5f);
        x.CopyTo(padded, 0);
        float[] y = new float[padded.Length];
        for (int i = 0; i < padded.Length; i += 16)
        {
            if (wide && Vector512.IsHardwareAccelerated)
            {
                VectorTanh.Tanh(Vector512.Create(padded.AsSpan(i, 16))).CopyTo(y.AsSpan(i, 16));
            }
            else
            {
                VectorTanh.Tanh(Vector256.Create(padded.AsSpan(i, 8))).CopyTo(y.AsSpan(i, 8));
                VectorTanh.Tanh(Vector256.Create(padded.AsSpan(i + 8, 8))).CopyTo(y.AsSpan(i + 8, 8));
            }
        }

        return y[..x.Length];
    }
}
