using System.Numerics;
using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>
/// The op layer's one dtype dispatch: which element type a kernel body sees per dtype, float16/bfloat16 widened
/// and narrowed around the kernel, pooled buffers returned even when the kernel throws, and reads of the wrong
/// dtype refused with a message.
/// </summary>
public class DTypeDispatchTests
{
    [Theory]
    [InlineData("float32", typeof(float))]
    [InlineData("float64", typeof(double))]
    [InlineData("int32", typeof(int))]
    [InlineData("int64", typeof(long))]
    [InlineData("float16", typeof(float))]
    [InlineData("bfloat16", typeof(float))]
    public void Numeric_EachDType_RunsTheBodyInItsComputeType_AndWritesTheOutput(string dtypeName, Type expectedType)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        Tensor x = Tf.Cast(Tf.Constant(new double[] { -3, 0.5, 2, 7 }), dtype);
        Tensor y = Tensor.Uninitialized(x.Shape, dtype);
        var seen = new Type[1];
        DTypeDispatch.Numeric(new TwiceBody(seen), [x], y, dtype);
        Assert.Equal(expectedType, seen[0]);
        double[] expected = dtype.IsInteger ? [-6, 0, 4, 14] : [-6, 1, 4, 14];
        AssertTensor.Close(expected, y, x.Shape, 1e-6);
    }

    [Fact]
    public void Numeric_Bool_IsRefused_ButNumericOrBoolRunsItAsBytes()
    {
        Tensor x = Tf.Constant(new[] { true, false, true });
        Tensor y = Tensor.Uninitialized(x.Shape, DType.Bool);
        Assert.Throws<InvalidOperationException>(() => DTypeDispatch.Numeric(new TwiceBody(new Type[1]), [x], y, DType.Bool));
        var seen = new Type[1];
        DTypeDispatch.NumericOrBool(new CopyBody(seen), [x], y, DType.Bool);
        Assert.Equal(typeof(byte), seen[0]);
        Assert.Equal([true, false, true], y.ToArray<bool>());
    }

    [Fact]
    public void Float16_KernelThrows_PooledBuffersAreReturned()
    {
        // The shared pool hands the array returned last back to the next rent of its size on the same thread (it
        // does not clear it): finding the kernel's mark in it shows the widened output buffer went back to the pool.
        const int Size = 32768;
        Tensor x = Tf.Cast(Tf.Ones([Size]), DType.Float16);
        Tensor y = Tensor.Uninitialized(x.Shape, DType.Float16);
        Assert.Throws<InvalidOperationException>(() => DTypeDispatch.Float(default(MarkThenThrowBody), [x], y, DType.Float16));
        float[] rented = System.Buffers.ArrayPool<float>.Shared.Rent(Size);
        try
        {
            Assert.Equal(MarkThenThrowBody.Mark, rented[0]);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(rented);
        }
    }

    [Fact]
    public void Operands_ReadingAnotherDTypeAsTheDispatchedOne_ThrowsNamingInAs()
    {
        Tensor x = Tf.Constant(new[] { 1f, 2f });
        Tensor indices = Tf.Constant(new[] { 0, 1 });
        Tensor y = Tensor.Uninitialized(x.Shape, DType.Float32);
        var e = Assert.Throws<InvalidOperationException>(() => DTypeDispatch.Float(new ReadSecondBody(), [x, indices], y, DType.Float32));
        Assert.Contains("input 1 of dtype int32", e.Message, StringComparison.Ordinal);
        Assert.Contains("InAs", e.Message, StringComparison.Ordinal);
    }

    private readonly struct TwiceBody(Type[] seen) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T>
        {
            seen[0] = typeof(T);
            ReadOnlySpan<T> x = o.In(0);
            Span<T> y = o.Out;
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = x[i] + x[i];
            }
        }
    }

    private readonly struct CopyBody(Type[] seen) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T>
        {
            seen[0] = typeof(T);
            o.In(0).CopyTo(o.Out);
        }
    }

    private readonly struct MarkThenThrowBody : IFloatBody
    {
        public const float Mark = 1234.5f;

        public void Run<T>(in Operands<T> o)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            o.Out[0] = T.CreateTruncating(Mark);
            throw new InvalidOperationException("kernel failed");
        }
    }

    private readonly struct ReadSecondBody : IFloatBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, IFloatingPointIeee754<T> => o.In(1).CopyTo(o.Out);
    }
}
