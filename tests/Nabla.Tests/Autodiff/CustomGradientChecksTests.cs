namespace Nabla.Tests.Autodiff;

/// <summary>
/// A custom gradient function's result is checked against its input, as TensorFlow's gradients_util does: a gradient
/// of another shape or of another (strong) dtype is an error naming the op, the input, the shapes and the dtypes,
/// never silently summed down to the input's shape or cast (issue 16).
/// </summary>
public class CustomGradientChecksTests
{
    [Fact]
    public void GradientOfAnotherShape_Throws_NamingOpInputAndShapes()
    {
        var f = Tf.CustomGradient(x => (x * 2f, dy => Tf.Ones([3, 2])));
        var x = Tf.Constant(new[] { 1f, 2f });
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = f(x);
        var e = Assert.Throws<InvalidOperationException>(() => tape.Gradient(y, x));
        Assert.Contains("CustomGradient", e.Message, StringComparison.Ordinal);
        Assert.Contains("Input index: 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2,)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BroadcastableGradient_IsRefusedToo_NotSummed()
    {
        // A (2, 2) gradient for a (2,) input used to be summed down to (2,) by the tape.
        var f = Tf.CustomGradient(x => (x * 2f, dy => Tf.Ones([2, 2])));
        var x = Tf.Constant(new[] { 1f, 2f });
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = f(x);
        Assert.Throws<InvalidOperationException>(() => tape.Gradient(y, x));
    }

    [Fact]
    public void GradientOfAnotherDType_Throws_NamingBothDTypes()
    {
        var f = Tf.CustomGradient(x => (x * 2f, dy => Tf.Cast(dy, DType.Float64)));
        var x = Tf.Constant(new[] { 1f, 2f });
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = f(x);
        var e = Assert.Throws<InvalidOperationException>(() => tape.Gradient(y, x));
        Assert.Contains("float64", e.Message, StringComparison.Ordinal);
        Assert.Contains("float32", e.Message, StringComparison.Ordinal);
        Assert.Contains("input #0", e.Message, StringComparison.Ordinal);
        Assert.Contains("CustomGradient", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoInputForm_SecondGradientWrong_NamesInputOne()
    {
        var f = Tf.CustomGradient((Tensor a, Tensor b) => (a * b, dy => (dy * b, Tf.Ones([5]))));
        var a = Tf.Constant(new[] { 1f, 2f });
        var b = Tf.Constant(new[] { 3f, 4f });
        using var tape = new GradientTape(persistent: true);
        tape.Watch(a, b);
        Tensor y = f(a, b);
        Assert.Equal(new[] { 3f, 4f }, tape.Gradient(y, a)!.ToArray<float>());
        var e = Assert.Throws<InvalidOperationException>(() => tape.Gradient(y, b));
        Assert.Contains("Input index: 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CSharpNumberAsGradient_TakesTheInputsDType()
    {
        // A weakly typed scalar is a C# number, converted as everywhere else; a scalar input takes it as it is.
        var f = Tf.CustomGradient(x => (x * 3f, dy => 5));
        var x = Tf.Constant(2f);
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = f(x);
        Tensor g = tape.Gradient(y, x)!;
        Assert.Equal(DType.Float32, g.DType);
        Assert.Equal(5f, g.Item<float>());
    }

    [Fact]
    public void RightShapeAndDType_StillDifferentiates()
    {
        var f = Tf.CustomGradient(x => (Tf.Square(x), dy => dy * 2f * x));
        var x = Tf.Constant(new[,] { { 1f, 2f }, { 3f, 4f } });
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = Tf.ReduceSum(f(x));
        Assert.Equal(new[] { 2f, 4f, 6f, 8f }, tape.Gradient(y, x)!.ToArray<float>());
    }
}
