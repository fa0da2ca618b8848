namespace Nabla.Tests.Tensors;

public class TensorCreateTests
{
    [Fact]
    public void Create_FillsTheNewTensorRowMajorWithTheDTypeOfT()
    {
        var random = new Random(14);
        float[] expected = new float[6];
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] = (float)random.NextDouble();
        }

        Tensor t = Tensor.Create<float, float[]>([2, 3], expected, static (span, values) => values.CopyTo(span));

        Assert.Equal(new Shape(2, 3), t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(expected, t.ToArray<float>());
        Assert.Equal(expected[4], ((float[,])t.ToArray())[1, 1]);
    }

    [Fact]
    public void Create_StateMayBeASpan()
    {
        ReadOnlySpan<double> source = [1.5, -2, 3.25];
        Tensor t = Tensor.Create<double, ReadOnlySpan<double>>([3], source, static (span, values) => values.CopyTo(span));
        Assert.Equal(DType.Float64, t.DType);
        Assert.Equal([1.5, -2, 3.25], t.ToArray<double>());
    }

    [Fact]
    public void Create_WithoutState_GivesTheSpanOfExactlyTheShapesSize()
    {
        int length = -1;
        Tensor t = Tensor.Create<int>([4, 2], span =>
        {
            length = span.Length;
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = i * i;
            }
        });

        Assert.Equal(8, length);
        Assert.Equal(DType.Int32, t.DType);
        Assert.Equal([0, 1, 4, 9, 16, 25, 36, 49], t.ToArray<int>());
    }

    [Fact]
    public void Create_EveryElementType()
    {
        Assert.Equal(DType.Float16, Tensor.Create<Half>([2], s => s.Fill((Half)0.5f)).DType);
        Assert.Equal(DType.BFloat16, Tensor.Create<BFloat16>([2], s => s.Fill(BFloat16.FromSingle(2))).DType);
        Assert.Equal(DType.Int64, Tensor.Create<long>([2], s => s.Fill(long.MaxValue)).DType);
        Assert.Equal(DType.Int16, Tensor.Create<short>([2], s => s.Fill(-3)).DType);
        Assert.Equal(DType.Int8, Tensor.Create<sbyte>([2], s => s.Fill(-3)).DType);
        Assert.Equal(DType.UInt8, Tensor.Create<byte>([2], s => s.Fill(250)).DType);
        Tensor flags = Tensor.Create<bool>([3], s => s.Fill(true));
        Assert.Equal(DType.Bool, flags.DType);
        Assert.Equal([true, true, true], flags.ToArray<bool>());
        Assert.Equal([2f, 2f], Tf.Cast(Tensor.Create<BFloat16>([2], s => s.Fill(BFloat16.FromSingle(2))), DType.Float32).ToArray<float>());
    }

    [Fact]
    public void Create_ScalarAndEmptyShapes()
    {
        Tensor scalar = Tensor.Create<float>(Shape.Scalar, s => s[0] = 7);
        Assert.Equal(0, scalar.Rank);
        Assert.Equal(7f, scalar.Item<float>());

        int calls = 0;
        Tensor empty = Tensor.Create<float>([0, 3], s => calls += s.Length + 1);
        Assert.Equal(1, calls);
        Assert.Equal(new Shape(0, 3), empty.Shape);
    }

    [Fact]
    public void Create_TensorsAreOrdinaryInputsOfOpsAndGradients()
    {
        Tensor x = Tensor.Create<float>([3], s => new float[] { 1, 2, 3 }.CopyTo(s));
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = Tf.ReduceSum(Tf.Square(x));
        Assert.Equal([2f, 4, 6], tape.Gradient(y, x)!.ToArray<float>());
    }

    [Fact]
    public void Create_FillThatThrows_PropagatesAndMakesNoTensor()
    {
        var thrown = Assert.Throws<InvalidOperationException>(() =>
            Tensor.Create<float>([2], _ => throw new InvalidOperationException("fill failed")));
        Assert.Equal("fill failed", thrown.Message);
    }

    [Fact]
    public void Create_UnknownDimensionOrNonElementType_Throws()
    {
        string message = Assert.Throws<ArgumentException>(() => Tensor.Create<float>(Shape.Partial(null, 3), s => s.Clear())).Message;
        Assert.Contains("fully defined shape", message, StringComparison.Ordinal);
        Assert.Contains("float32", message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tensor.Create<char>([2], s => s.Clear()));
        Assert.Throws<ArgumentNullException>(() => Tensor.Create<float>([2], null!));
    }
}
