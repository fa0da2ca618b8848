using Nabla.IO;
using Nabla.Tests.Ops;
using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Tensors;

/// <summary>
/// int8, uint8 and int16: made from C# sbyte/byte/short arrays, cast to and from every dtype with TensorFlow's
/// wraparound, printed as TensorFlow prints them, computed without gradients, refused where TensorFlow has no
/// kernel, and the image idiom <c>Tf.Cast(bytes, Float32) / 255</c>.
/// </summary>
public class NarrowIntegerTests
{
    public static TheoryData<string> Narrow => new() { "int8", "uint8", "int16" };

    [Fact]
    public void Creation_FromCSharpArrays_TakesTheNarrowDTypes()
    {
        Tensor a = Tf.Constant(new sbyte[] { -128, 0, 127 });
        Tensor b = Tf.Constant(new byte[,] { { 0, 128 }, { 255, 7 } });
        Tensor c = Tf.Constant(new short[] { -32768, 1, 32767 });
        Assert.Equal((DType.Int8, DType.UInt8, DType.Int16), (a.DType, b.DType, c.DType));
        Assert.Equal([2, 2], b.Shape.ToArray());
        Assert.Equal(new sbyte[] { -128, 0, 127 }, a.ToArray<sbyte>());
        Assert.Equal(new byte[,] { { 0, 128 }, { 255, 7 } }, (byte[,])b.ToArray());
        Assert.Equal(new short[] { -32768, 1, 32767 }, c.ToArray<short>());
        Assert.Equal((1, 1, 2), (DType.Int8.Size, DType.UInt8.Size, DType.Int16.Size));
        Assert.Equal(DType.UInt8, DType.Of<byte>());
        Assert.True(DType.Int16.IsInteger && !DType.UInt8.IsFloating);
    }

    [Fact]
    public void Cast_IntoNarrow_WrapsAsTensorFlow()
    {
        // tf.cast(tf.constant([256, -1, 300, 70000]), tf.uint8) → [0, 255, 44, 112]: the low bits, as C++'s static_cast.
        Tensor ints = Tf.Constant(new[] { 256, -1, 300, 70000 });
        Assert.Equal(new byte[] { 0, 255, 44, 112 }, Tf.Cast(ints, DType.UInt8).ToArray<byte>());
        Assert.Equal(new sbyte[] { 0, -1, 44, 112 }, Tf.Cast(ints, DType.Int8).ToArray<sbyte>());
        Assert.Equal(new short[] { 256, -1, 300, 4464 }, Tf.Cast(ints, DType.Int16).ToArray<short>());

        // Floats truncate toward zero first (Keras's ops.cast([-1., 256.], "uint8") is [255, 0]).
        Tensor floats = Tf.Constant(new[] { -1f, 256f, 2.7f, -2.7f, 200.5f });
        Assert.Equal(new byte[] { 255, 0, 2, 254, 200 }, Tf.Cast(floats, DType.UInt8).ToArray<byte>());
        Assert.Equal(new sbyte[] { -1, 0, 2, -2, -56 }, Tf.Cast(floats, DType.Int8).ToArray<sbyte>());
        Assert.Equal(new byte[] { 1, 0, 1 }, Tf.Cast(Tf.Constant(new[] { true, false, true }), DType.UInt8).ToArray<byte>());
        Assert.Equal(new sbyte[] { -1, 0 }, Tf.Cast(Tf.Cast(Tf.Constant(new[] { -1.0, 0.0 }), DType.BFloat16), DType.Int8).ToArray<sbyte>());
    }

    [Theory]
    [MemberData(nameof(Narrow))]
    public void Cast_ToAndFromEveryDType_KeepsValuesEveryDTypeHolds(string name)
    {
        DType narrow = DType.All.First(d => d.Name == name);
        double[] values = name == "uint8" ? [0, 1, 7, 100, 127] : [-100, -1, 0, 7, 100];
        Tensor source = Tf.Cast(Tf.Constant(values), narrow);
        foreach (DType other in DType.All)
        {
            // Every dtype holds these values exactly, except uint8 the negatives, which wrap (-100 is 156).
            Tensor there = Tf.Cast(source, other);
            Assert.Equal(other, there.DType);
            double[] expected = other == DType.Bool ? [.. values.Select(v => v != 0 ? 1.0 : 0.0)] : [.. values.Select(v => BinaryCatalog.Wrap(v, other))];
            AssertTensor.Close(expected, there, tolerance: other == DType.BFloat16 ? 1e-2 : 0);
            if (other != DType.Bool)
            {
                AssertTensor.Close([.. expected.Select(v => BinaryCatalog.Wrap(v, narrow))], Tf.Cast(there, narrow), tolerance: 0);
            }
        }
    }

    [Fact]
    public void ImageBytes_CastToFloat32AndScaled_AreInTheUnitInterval()
    {
        Tensor image = Tf.Constant(new byte[,] { { 0, 51, 128 }, { 204, 255, 1 } });
        Tensor scaled = Tf.Cast(image, DType.Float32) / 255;
        Assert.Equal(DType.Float32, scaled.DType);
        AssertTensor.Close([0, 0.2, 128 / 255.0, 0.8, 1, 1 / 255.0], scaled, new Shape(2, 3), 1e-7);
    }

    [Fact]
    public void Arithmetic_WrapsInTheDType_AndWeakScalarsOutOfRangeAreRefused()
    {
        Tensor x = Tf.Constant(new byte[] { 250, 3 });
        Assert.Equal(new byte[] { 4, 13 }, (x + 10).ToArray<byte>());
        Assert.Equal(new byte[] { 238, 9 }, (x * 3).ToArray<byte>()); // 750 mod 256
        var e = Assert.Throws<ArgumentException>(() => x + 300);
        Assert.Contains("300", e.Message, StringComparison.Ordinal);
        Assert.Contains("uint8", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Constant(new sbyte[] { 1 }) + -129);

        // Small C# integers come from a shared cache (-16..255): those outside int8 and uint8 are refused all the same.
        Assert.Contains("200", Assert.Throws<ArgumentException>(() => Tf.Constant(new sbyte[] { 1 }) + 200).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Constant(new sbyte[] { 1 }) * 128);
        Assert.Throws<ArgumentException>(() => x + -1);
        Assert.Throws<ArgumentException>(() => Tf.Maximum(x, -16));
        Assert.Equal(new sbyte[] { -128 }, (Tf.Constant(new sbyte[] { 1 }) + 127).ToArray<sbyte>());
        Assert.Equal(new byte[] { 5, 14 }, (x + 11 - 0).ToArray<byte>());

        // Integer truediv: 8- and 16-bit integers divide in float32 (TensorFlow's rule), int32 in float64.
        Assert.Equal(DType.Float32, Tf.Divide(Tf.Constant(new short[] { 1 }), Tf.Constant(new short[] { 2 })).DType);
        Assert.Equal(DType.Float64, Tf.Divide(Tf.Constant(new[] { 1 }), Tf.Constant(new[] { 2 })).DType);
        Assert.Equal(new sbyte[] { -2, 1 }, Tf.FloorDiv(Tf.Constant(new sbyte[] { -3, 3 }), Tf.Constant(new sbyte[] { 2, 2 })).ToArray<sbyte>());
        Assert.Throws<ArgumentException>(() => Tf.FloorMod(Tf.Constant(new byte[] { 3 }), Tf.Constant(new byte[] { 0 })));
    }

    [Fact]
    public void ReductionsAndIndexOps_OnNarrowIntegers_MatchTheirReference()
    {
        Tensor x = Tf.Constant(new short[,] { { 3, -7, 5 }, { 1000, 2, -1 } });
        Assert.Equal(new short[] { 1, 1001 }, Tf.ReduceSum(x, axis: 1).ToArray<short>());
        Assert.Equal(new short[] { 1000, 2, 5 }, Tf.ReduceMax(x, axis: 0).ToArray<short>());
        Assert.Equal(new long[] { 2, 0 }, Tf.ArgMax(x, axis: 1).ToArray<long>());
        Assert.Equal(new byte[] { 9, 1 }, Tf.Gather(Tf.Constant(new byte[] { 1, 5, 9 }), Tf.Constant(new[] { 2, 0 })).ToArray<byte>());
        Assert.Equal(new bool[] { false, true }, Tf.Less(Tf.Constant(new byte[] { 200, 1 }), Tf.Constant(new byte[] { 100, 2 })).ToArray<bool>());
    }

    [Fact]
    public void Gradients_DoNotFlowThroughIntegerDTypes()
    {
        var w = new Variable(new[] { 1.5f, 2.5f });
        using var tape = new GradientTape();
        Tensor y = Tf.ReduceSum(Tf.Cast(Tf.Cast(w, DType.UInt8), DType.Float32));
        Assert.Null(tape.Gradient(y, w));
    }

    [Theory]
    [MemberData(nameof(Narrow))]
    public void OpsWithoutATensorFlowKernel_ThrowNamingOpAndDType(string name)
    {
        DType narrow = DType.All.First(d => d.Name == name);
        Tensor m = Tf.Cast(Tf.Ones([2, 2]), narrow);
        var e = Assert.Throws<ArgumentException>(() => Tf.MatMul(m, m));
        Assert.Contains("MatMul", e.Message, StringComparison.Ordinal);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Exp(m));
        Assert.Throws<ArgumentException>(() => Tf.Random.Uniform([2], 0, 5, narrow));
        Assert.Throws<ArgumentException>(() => Tf.Gather(Tf.Ones([3]), Tf.Cast(Tf.Constant(new[] { 0 }), narrow)));
    }

    [Fact]
    public void Printing_AsTensorFlowPrintsThem()
    {
        Assert.Equal("Tensor([  0 128 255], shape=(3,), dtype=uint8)", Tf.Constant(new byte[] { 0, 128, 255 }).ToString());
        Assert.Equal("Tensor(\n[[  -1  300]\n [-300    7]], shape=(2, 2), dtype=int16)",
            Tf.Constant(new short[,] { { -1, 300 }, { -300, 7 } }).ToString());
        Assert.Equal("Tensor(-5, shape=(), dtype=int8)", Tf.Reshape(Tf.Constant(new sbyte[] { -5 }), []).ToString());
    }

    [Theory]
    [MemberData(nameof(Narrow))]
    public void NumPyFile_RoundTrips(string name)
    {
        DType narrow = DType.All.First(d => d.Name == name);
        Tensor x = Tf.Cast(Tf.Constant(new[,] { { 1, 2, 3 }, { 100, 0, 127 } }), narrow);
        string npy = Path.Combine(Path.GetTempPath(), $"nabla-narrow-{Guid.NewGuid():N}.npy");
        try
        {
            NumPy.Save(npy, x);
            Tensor back = NumPy.Load(npy);
            Assert.Equal(narrow, back.DType);
            AssertTensor.Close(x, back, 0);
        }
        finally
        {
            File.Delete(npy);
        }
    }
}
