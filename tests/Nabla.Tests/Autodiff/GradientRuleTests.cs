namespace Nabla.Tests.Autodiff;

/// <summary>
/// The one gradient signature (<c>Op.Gradient</c> writing into the tape's slots) and the one way to say "no
/// gradient" (a slot left null), with the recording rule that follows: only a call with a floating output is
/// offered to the tapes, since nothing else can ever carry a gradient back.
/// </summary>
public class GradientRuleTests
{
    public static TheoryData<string> NonFloatingOutputOps => new() { "Greater", "Equal", "ArgMax", "CastToInt32", "IsNan" };

    [Theory]
    [MemberData(nameof(NonFloatingOutputOps))]
    public void Recording_OpWithNonFloatingOutput_IsNotRecorded(string name)
    {
        var x = Tf.Constant(new[] { 1.5, -2.0, 3.0 });
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor floating = Tf.Multiply(x, x);
        int before = tape.EntryCount;
        Tensor y = name switch
        {
            "Greater" => Tf.Greater(floating, 0.0),
            "Equal" => Tf.Equal(floating, x),
            "ArgMax" => Tf.ArgMax(floating),
            "CastToInt32" => Tf.Cast(floating, DType.Int32),
            _ => Tf.IsNan(floating),
        };

        Assert.False(y.DType.IsFloating);
        Assert.Equal(before, tape.EntryCount);
        Assert.Equal(1, before); // the floating Multiply was recorded: the tape does record
    }

    [Fact]
    public void Gradient_ThroughAnOpThatLeavesEverySlotNull_IsNone()
    {
        // FloorDiv has a floating output, so it is recorded; its rule writes no gradient.
        var x = Tf.Constant(new[] { 3.5, -2.0 });
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = Tf.FloorDiv(x, 2.0);
        Assert.Equal(1, tape.EntryCount);
        Assert.Null(tape.Gradient(Tf.ReduceSum(y), x));
    }

    [Fact]
    public void Gradient_WhereMaskComesFromAComparison_FlowsOnlyToTheValues()
    {
        var x = Tf.Constant(new[] { -1.0, 2.0, 3.0 });
        using var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        Tensor mask = Tf.Greater(x, 0.0);
        Tensor y = Tf.Where(mask, x * 3.0, x * 5.0);
        Assert.Equal([5.0, 3.0, 3.0], tape.Gradient(y, x)!.ToArray<double>());
        Assert.Null(tape.Gradient(mask, x));
    }

    [Fact]
    public void Gradient_OfNegative_IsMinusTheUpstreamToSecondOrder()
    {
        var x = new Variable(new[] { 2.0, -3.0 });
        Tensor first;
        Tensor? second;
        using (var outer = new GradientTape())
        {
            using (var inner = new GradientTape())
            {
                Tensor y = Tf.ReduceSum(Tf.Negative(x) * x);
                first = inner.Gradient(y, x)!;
            }

            second = outer.Gradient(first, x);
        }

        Assert.Equal([-4.0, 6.0], first.ToArray<double>());
        Assert.Equal([-2.0, -2.0], second!.ToArray<double>());
    }
}
