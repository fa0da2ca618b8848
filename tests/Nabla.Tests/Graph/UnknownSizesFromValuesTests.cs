using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Graph;

/// <summary>
/// Ops whose output size depends on values (one-argument Where, BooleanMask, Unique) traced on values that only
/// exist when the function runs: as in TensorFlow, the size is an unknown dimension of the traced shape, and the
/// graph finds it when the kernel runs (the plan gives such values fresh buffers, outside its arena). One trace
/// must give the eager values bitwise, at other values and other input sizes, and so must gradients through them
/// (second order included), also where ops after them have sizes known again (a sum) or feed planned buffers.
/// </summary>
public class UnknownSizesFromValuesTests
{
    public static TheoryData<string> Ops() => ["Where", "BooleanMask", "BooleanMask2D", "Unique"];

    private static Func<Tensor, Tensor> Body(string op) => op switch
    {
        "Where" => x => Tf.Where(Tf.Greater(x, 0.5)),
        "BooleanMask" => x => Tf.BooleanMask(x, Tf.Greater(Tf.ReduceSum(x, 1), 0)),
        "BooleanMask2D" => x => Tf.BooleanMask(x * x, Tf.Greater(x, 0)),
        _ => x => Tf.Unique(Tf.Round(Tf.Reshape(x, [-1]))).Y,
    };

    // The static shape: the value-dependent size is None, what does not depend on values keeps its size.
    private static string ExpectedStaticShape(string op) => op switch
    {
        "Where" => "(None, 2)",
        "BooleanMask" => "(None, 4)",
        _ => "(None,)",
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void Traced_OnRunTimeValues_HasAnUnknownSizeAndEqualsEager(string op)
    {
        Func<Tensor, Tensor> body = Body(op);
        foreach (bool batchUnknown in new[] { false, true })
        {
            int?[] dims = batchUnknown ? [null, 4] : [5, 4];
            var f = Tf.Function(body, inputSignature: [new TensorSpec(dims, DType.Float64)]);
            Assert.Equal(ExpectedStaticShape(op), f.GetConcreteFunction(new TensorSpec(dims, DType.Float64)).OutputSpecs[0].Shape.ToString());

            // Other values give other sizes from the one trace (and, with the batch unknown, other input sizes too).
            int[] rows = batchUnknown ? [5, 2, 7] : [5, 5, 5];
            for (int k = 0; k < rows.Length; k++)
            {
                Tensor x = GradientCheck.RandomInputs(20 + k, [new Shape(rows[k], 4)])[0];
                Tensor eager = body(x);
                Tensor traced = f.Invoke(x);
                Assert.Equal(eager.DType, traced.DType);
                Assert.Equal(eager.Shape, traced.Shape);
                Assert.Equal(AssertTensor.ToDoubles(eager), AssertTensor.ToDoubles(traced));
            }

            Assert.Equal(1, f.TracingCount);
        }
    }

    [Fact]
    public void Traced_NothingSelected_GivesAnEmptyResult()
    {
        var f = Tf.Function((Tensor x) => Tf.BooleanMask(x, Tf.Greater(x, 10)), inputSignature: [new TensorSpec([null], DType.Float32)]);
        Tensor result = f.Invoke(Tf.Constant(new[] { 1f, 2, 3 }));
        Assert.Equal(new Shape(0), result.Shape);
        Assert.Equal(new Shape(2), f.Invoke(Tf.Constant(new[] { 11f, 2, 13 })).Shape);
        Assert.Equal(1, f.TracingCount);
    }

    // Ops after the value-dependent size: elementwise and a MatMul on it, then a sum whose size is known again and
    // which joins planned values (their buffers must not be reused while the unplanned ones still read them).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Traced_OpsAfterTheUnknownSize_EqualEagerAndKeepPlannedBuffersApart(bool float64)
    {
        DType dtype = float64 ? DType.Float64 : DType.Float32;
        Tensor Body2(Tensor x, Tensor w)
        {
            Tensor h = Tf.Tanh(Tf.MatMul(x, w)) + 1;
            Tensor kept = Tf.BooleanMask(h * 2, Tf.Greater(Tf.ReduceMax(h, 1), 1.2));
            Tensor viewed = Tf.Reshape(kept, [-1]);
            Tensor total = Tf.ReduceSum(Tf.MatMul(kept, w, transposeB: true), 0);
            return Tf.Concat([total * h[0], Tf.Reshape(Tf.ReduceSum(viewed), [1]) + h[1, ..1]], 0);
        }

        var f = Tf.Function((Tensor x, Tensor w) => Body2(x, w), inputSignature: [new TensorSpec([null, 3], dtype), new TensorSpec([3, 3], dtype)]);
        foreach (int rows in new[] { 6, 9, 6 })
        {
            Tensor[] inputs = [.. GradientCheck.RandomInputs(rows, [new Shape(rows, 3), new Shape(3, 3)]).Select(t => Tf.Cast(t, dtype))];
            Tensor eager = Body2(inputs[0], inputs[1]);
            Tensor traced = f.Invoke(inputs[0], inputs[1]);
            Assert.Equal(eager.Shape, traced.Shape);
            // float32: the traced graph fuses the tanh chain (its register kernel rounds differently, see ARCHITECTURE.md).
            AssertTensor.Close(eager, traced, tolerance: dtype == DType.Float32 ? 1e-5 : 1e-14);
        }

        Assert.Equal(1, f.TracingCount);
    }

    [Theory]
    [InlineData("BooleanMask")]
    [InlineData("BooleanMask2D")]
    [InlineData("Unique")]
    public void Gradient_ThroughARunTimeSize_EqualsEagerToSecondOrder(string op)
    {
        Func<Tensor, Tensor> body = Body(op);
        Tensor Loss(Tensor x) => Tf.ReduceSum(Tf.Square(body(x)) * Tf.Sin(body(x)));

        // First and second order, both tapes inside the function.
        Tensor[] Gradients(Tensor x)
        {
            using var outer = new GradientTape();
            outer.Watch(x);
            Tensor first;
            using (var inner = new GradientTape())
            {
                inner.Watch(x);
                first = inner.Gradient(Loss(x), x)!;
            }

            return [first, outer.Gradient(Tf.ReduceSum(first * first), x)!];
        }

        var f = Tf.Function<Tensor, Tensor[]>(Gradients, inputSignature: [new TensorSpec([null, 4], DType.Float64)]);
        foreach (int rows in new[] { 3, 6 })
        {
            Tensor x = GradientCheck.RandomInputs(30 + rows, [new Shape(rows, 4)])[0];
            Tensor[] eager = Gradients(x);
            Tensor[] traced = f.Invoke(x);
            for (int k = 0; k < 2; k++)
            {
                Assert.Equal(x.Shape, traced[k].Shape);
                AssertTensor.Close(eager[k], traced[k], tolerance: 1e-12);
            }
        }

        Assert.Equal(1, f.TracingCount);
    }

    [Fact]
    public void Traced_WithAConstantMask_StillKnowsTheSize()
    {
        var f = Tf.Function((Tensor x) => Tf.BooleanMask(x, Tf.Constant(new[] { true, false, true })));
        Assert.Equal("(2, 4)", f.GetConcreteFunction(new TensorSpec([3, 4], DType.Float64)).OutputSpecs[0].Shape.ToString());
        Assert.Equal("(2, None)", f.GetConcreteFunction(new TensorSpec([3, null], DType.Float64)).OutputSpecs[0].Shape.ToString());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(2, null)]
    [InlineData(null, 3)]
    public void Traced_MaskOfTheWrongSize_ThrowsWhenRun(int? rows, int? maskLength)
    {
        var f = Tf.Function(
            (Tensor x, Tensor m) => Tf.BooleanMask(x, m),
            inputSignature: [new TensorSpec([rows, 2], DType.Float64), new TensorSpec([maskLength], DType.Bool)]);
        if (maskLength is null)
        {
            Assert.Equal(new Shape(1, 2), f.Invoke(Tf.Ones([2, 2], DType.Float64), Tf.Constant(new[] { true, false })).Shape);
        }

        foreach (bool[] wrong in new[] { new[] { true, false, true }, [true, false, false] })
        {
            var e = Assert.Throws<ArgumentException>(() => f.Invoke(Tf.Ones([2, 2], DType.Float64), Tf.Constant(wrong)));
            Assert.Contains("BooleanMask", e.Message, StringComparison.Ordinal);
        }
    }
}
