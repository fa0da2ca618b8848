using Nabla.Tests.Ops;
using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Graph;

/// <summary>
/// Gradients in functions traced with unknown dimensions, where the catalog rows do not reach: a size that is
/// unknown while tracing and 1 when the graph runs (so the op broadcast it, and its gradient must be summed, which
/// only the call's shapes tell), second order through the shape-like ops that carry such gradients, and the
/// errors found at trace time.
/// </summary>
public class UnknownDimsGradientTests
{
    private static readonly TensorSpec[] s_twoBatches = [new([null, 4], DType.Float64), new([null, 4], DType.Float64)];

    [Theory]
    [InlineData(1, 5)]
    [InlineData(5, 1)]
    [InlineData(3, 3)]
    public void Gradient_OfAnUnknownSizeThatIsOneWhenRun_IsSummedOverTheBroadcast(int rowsOfX, int rowsOfY)
    {
        var f = Tf.Function(
            (Tensor x, Tensor y) =>
            {
                using var tape = new GradientTape();
                tape.Watch(x);
                tape.Watch(y);
                Tensor z = Tf.Multiply(Tf.Add(x, y), y);
                return tape.Gradient(Tf.ReduceSum(Tf.Square(z)), [x, y]);
            },
            inputSignature: s_twoBatches);
        Tensor[] inputs = GradientCheck.RandomInputs(11, [new Shape(rowsOfX, 4), new Shape(rowsOfY, 4)]);

        Tensor?[] traced = f.Invoke(inputs[0], inputs[1]);
        Tensor?[] eager = EagerGradients(x => Tf.Multiply(Tf.Add(x[0], x[1]), x[1]), inputs);

        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(inputs[i].Shape, traced[i]!.Shape);
            AssertTensor.Close(eager[i]!, traced[i]!, tolerance: 1e-12);
        }

        Assert.Equal(1, f.TracingCount);
    }

    [Theory]
    [InlineData("ReduceSum")]
    [InlineData("ReduceMean")]
    [InlineData("Concat")]
    [InlineData("Reshape")]
    [InlineData("StridedSlice")]
    [InlineData("DiagPart")]
    [InlineData("TopK")]
    [InlineData("Sort")]
    [InlineData("Einsum")]
    [InlineData("BooleanMask")]
    public void SecondOrder_ThroughShapeLikeGradients_EqualsEager(string op)
    {
        Func<Tensor, Tensor> body = op switch
        {
            "ReduceSum" => x => Tf.Square(Tf.ReduceSum(Tf.Square(x), 0)),
            "ReduceMean" => x => Tf.Square(Tf.ReduceMean(x * x * x, 1)),
            "Concat" => x => Tf.Concat([x * x, Tf.Sin(x)], 0) * Tf.Concat([x, x], 0),
            "StridedSlice" => x => Tf.Square((x * x)[TensorIndex.Slice(1, null, -2), Tf.NewAxis, TensorIndex.Slice(step: 2)]),
            "DiagPart" => x => Tf.Square(Tf.Linalg.DiagPart(x * x, -1)),
            "TopK" => x => Tf.Square(Tf.Nn.TopK(x * x * x, 2).Values),
            "Sort" => x => Tf.Sort(x * x * x, 0) * Tf.Sin(x),
            "Einsum" => x => Tf.Einsum("ab,cb->ac", x * x, Tf.Sin(x)),
            "BooleanMask" => x => Tf.Square(Tf.BooleanMask(x * x * x, Tf.Greater(x, 0))), // a mask of run-time values
            _ => x => Tf.Square(Tf.Reshape(x * x, [-1])),
        };

        // d/dx of sum(d/dx sum(body(x))), with both tapes inside the function.
        Tensor SecondOrder(Tensor x)
        {
            using var outer = new GradientTape();
            outer.Watch(x);
            Tensor first;
            using (var inner = new GradientTape())
            {
                inner.Watch(x);
                first = inner.Gradient(Tf.ReduceSum(body(x)), x)!;
            }

            return outer.Gradient(Tf.ReduceSum(first * first), x)!;
        }

        var f = Tf.Function<Tensor, Tensor>(SecondOrder, inputSignature: [new TensorSpec([null, null], DType.Float64)]);
        foreach (int rows in new[] { 2, 5 })
        {
            Tensor x = GradientCheck.RandomInputs(rows, [new Shape(rows, 3)])[0];
            AssertTensor.Close(SecondOrder(x), f.Invoke(x), tolerance: 1e-12);
        }

        Assert.Equal(1, f.TracingCount);
    }

    // The linear-algebra ops whose gradients are written with SetDiag, Diag and BandPart, on x of two sizes each
    // (both orientations for Qr, which one trace must handle).
    public static TheoryData<string> LinalgOps() => new(s_linalg.Keys.Order(StringComparer.Ordinal));

    private static readonly Dictionary<string, (Func<Tensor, Tensor> Body, Shape[] Sizes)> s_linalg = new()
    {
        ["SetDiag"] = (x => Tf.Linalg.SetDiag(x * x, Tf.Sin(Tf.Linalg.DiagPart(x)), 0), [new(3, 4), new(5, 3)]),
        ["Diag"] = (x => Tf.Linalg.Diag(x * x * x, 1), [new(2, 3), new(3, 2)]),
        ["BandPart"] = (x => Tf.Linalg.BandPart(x * x * x, 1, 0), [new(3, 4), new(5, 3)]),
        ["Cholesky"] = (x => Tf.Linalg.Cholesky(StridedInputTests.ShiftedGram(x)), [new(3, 4), new(4, 2)]),
        ["Eigh"] = (x => StridedInputTests.EighVectorsTimesValues(x), [new(3, 3), new(4, 4)]),
        ["Qr"] = (x => StridedInputTests.QrProduct(x), [new(4, 3), new(3, 5), new(3, 3)]),
        ["TriangularSolve"] = (x => Tf.Linalg.TriangularSolve(StridedInputTests.ShiftedDiagonal(x), Tf.Sin(x)), [new(3, 3), new(4, 4)]),
        ["TriangularSolve upper adjoint"] = (
            x => Tf.Linalg.TriangularSolve(StridedInputTests.ShiftedDiagonal(x), Tf.Sin(x), lower: false, adjoint: true), [new(3, 3), new(4, 4)]),
    };

    [Theory]
    [MemberData(nameof(LinalgOps))]
    public void LinalgGradients_WithUnknownSizes_EqualEagerAndMatchFiniteDifferencesToSecondOrder(string op)
    {
        (Func<Tensor, Tensor> body, Shape[] sizes) = s_linalg[op];

        // The gradient of sum(body(x)²), taken inside the function; its own gradient (second order of body) comes
        // from the function's backward graph, traced with the same unknown sizes.
        Tensor FirstOrder(Tensor x)
        {
            using var tape = new GradientTape();
            tape.Watch(x);
            return tape.Gradient(Tf.ReduceSum(Tf.Square(body(x))), x)!;
        }

        var f = Tf.Function<Tensor, Tensor>(FirstOrder, inputSignature: [new TensorSpec([null, null], DType.Float64)]);
        Assert.Equal("(None, None)", f.GetConcreteFunction(new TensorSpec([null, null], DType.Float64)).OutputSpecs[0].Shape.ToString());
        foreach (Shape shape in sizes)
        {
            Tensor x = GradientCheck.RandomInputs(shape[0] + shape[1], [shape])[0];
            AssertTensor.Close(FirstOrder(x), f.Invoke(x), tolerance: 1e-12);
            GradientCheck.FirstOrder(v => f.Invoke(v[0]), [x], tolerance: 1e-5);
        }

        Assert.Equal(1, f.TracingCount);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    [InlineData(1, 0)]
    [InlineData(0, 2)]
    [InlineData(-1, -1)]
    [InlineData(2, 1)]
    [InlineData(0, 0)]
    public void BandPart_WithUnknownSizes_EqualsEagerOnEveryBatchAndShape(int numLower, int numUpper)
    {
        Tensor Body(Tensor x) => Tf.Linalg.BandPart(x * x, numLower, numUpper) - x;
        var f = Tf.Function<Tensor, Tensor>(Body, inputSignature: [new TensorSpec([null, null, null], DType.Float32)]);
        foreach (Shape shape in new[] { new Shape(2, 3, 5), new Shape(3, 5, 2), new Shape(1, 4, 4), new Shape(2, 1, 6) })
        {
            Tensor x = Tf.Cast(GradientCheck.RandomInputs(shape.Size, [shape])[0], DType.Float32);
            for (int call = 0; call < 2; call++)
            {
                Assert.Equal(AssertTensor.ToDoubles(Body(x)), AssertTensor.ToDoubles(f.Invoke(x)));
                x = -x; // the second call reuses the first one's buffers
            }
        }
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void DiagAndSetDiag_WithUnknownSizes_EqualEagerAtEveryOffset(int k)
    {
        Tensor Body(Tensor x)
        {
            Tensor placed = Tf.Linalg.Diag(Tf.Linalg.DiagPart(x * x, k), k); // square matrices of the diagonal's length + |k|
            Tensor replaced = Tf.Linalg.SetDiag(x, Tf.Sin(Tf.Linalg.DiagPart(x, k)), k);
            return Tf.Concat([Tf.Reshape(placed, [-1]), Tf.Reshape(replaced, [-1])], 0);
        }

        var f = Tf.Function<Tensor, Tensor>(Body, inputSignature: [new TensorSpec([null, null, null], DType.Float64)]);
        Assert.Equal("(None,)", f.GetConcreteFunction(new TensorSpec([null, null, null], DType.Float64)).OutputSpecs[0].Shape.ToString());
        foreach (Shape shape in new[] { new Shape(2, 4, 5), new Shape(3, 6, 4), new Shape(1, 4, 4) })
        {
            Tensor x = GradientCheck.RandomInputs(shape.Size, [shape])[0];
            Assert.Equal(AssertTensor.ToDoubles(Body(x)), AssertTensor.ToDoubles(f.Invoke(x)));
        }

        Assert.Equal(1, f.TracingCount);
    }

    [Fact]
    public void SetDiag_WithUnknownSizes_TakesBatchSizesFromTheDiagonalAndRejectsOneThatDoesNotFit()
    {
        var graph = new FuncGraph("g");
        Tensor input = graph.Placeholder(new TensorSpec([null, null, 4], DType.Float32));
        Tensor diagonal = graph.Placeholder(new TensorSpec([2, 3], DType.Float32));
        using (graph.AsDefault())
        {
            // TensorFlow's rule: the input's shape, its unknown batch size taken from the diagonal.
            Assert.Equal("(2, None, 4)", Tf.Linalg.SetDiag(input, diagonal).Shape.ToString());
            Assert.Equal("(None, 5, 5)", Tf.Linalg.Diag(graph.Placeholder(new TensorSpec([null, 3], DType.Float32)), -2).Shape.ToString());
            Assert.Equal("(2, None, 4)", Tf.Linalg.BandPart(Tf.Linalg.SetDiag(input, diagonal), -1, 0).Shape.ToString());
            Tensor wide = graph.Placeholder(new TensorSpec([2, 3, 4], DType.Float32));
            Tensor unknownLength = graph.Placeholder(new TensorSpec([2, null], DType.Float32));
            Assert.Equal("(2, 3, 4)", Tf.Linalg.SetDiag(wide, unknownLength).Shape.ToString());
            var e = Assert.Throws<ArgumentException>(() => Tf.Linalg.SetDiag(wide, graph.Placeholder(new TensorSpec([null, 4], DType.Float32))));
            Assert.Contains("MatrixSetDiagV3", e.Message, StringComparison.Ordinal);
            Assert.Contains("(None, 4)", e.Message, StringComparison.Ordinal);
            Assert.Contains("(2, 3, 4)", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void QrGradient_FullMatricesWithUnknownSizes_ThrowsAtTraceTimeNamingQrAndTheShape()
    {
        var f = Tf.Function(
            (Tensor x) =>
            {
                using var tape = new GradientTape();
                tape.Watch(x);
                (Tensor q, Tensor r) = Tf.Linalg.Qr(x, fullMatrices: true);
                return tape.Gradient(Tf.ReduceSum(q) + Tf.ReduceSum(r), x)!;
            },
            inputSignature: [new TensorSpec([null, 3], DType.Float64)]);
        var e = Assert.Throws<NotSupportedException>(() => f.Invoke(Tf.Ones([2, 3], DType.Float64)));
        Assert.Contains("QrGrad", e.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 3)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tracing_ConcatOfIncompatibleKnownSizes_ThrowsNamingTheOpAndShapesWithNone()
    {
        var f = Tf.Function((Tensor x) => Tf.Concat([x, Tf.Zeros([2, 5], DType.Float64)], 0), inputSignature: [new TensorSpec([null, 4], DType.Float64)]);
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(Tf.Zeros([3, 4], DType.Float64)));
        Assert.Contains("ConcatV2", e.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 4)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 5)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tracing_BroadcastToAnUnknownTarget_ThrowsNamingTheOpAndShapes()
    {
        var graph = new FuncGraph("g");
        Tensor x = graph.Placeholder(new TensorSpec([null, 1], DType.Float32));
        using (graph.AsDefault())
        {
            Assert.Equal("(3, 4)", Tf.BroadcastTo(x, new Shape(3, 4)).Shape.ToString());
            var e = Assert.Throws<ArgumentException>(() => Tf.BroadcastTo(x, Shape.Partial(null, 4)));
            Assert.Contains("BroadcastTo", e.Message, StringComparison.Ordinal);
            Assert.Contains("(None, 4)", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Broadcasting_UnknownAgainstOne_StaysUnknown()
    {
        var graph = new FuncGraph("g");
        Tensor x = graph.Placeholder(new TensorSpec([null, 1], DType.Float32));
        Tensor y = graph.Placeholder(new TensorSpec([1, 4], DType.Float32));
        using (graph.AsDefault())
        {
            // TensorFlow's rule: None against 1 is None (it may be any size), None against 4 is 4.
            Assert.Equal("(None, 4)", (x * y).Shape.ToString());
            Assert.Equal("(None, 4)", (y * x).Shape.ToString());
        }
    }

    [Fact]
    public void Slice_WithUnknownSizes_EqualsEagerAndChecksTheBlockWhenRun()
    {
        Tensor Body(Tensor x)
        {
            using var tape = new GradientTape();
            tape.Watch(x);
            Tensor y = Tf.Square(Tf.Slice(x, [1, 0], [2, -1]));
            return Tf.Concat([Tf.Reshape(y, [-1]), Tf.Reshape(tape.Gradient(Tf.ReduceSum(y * x[1..3]), x)!, [-1])], 0);
        }

        var f = Tf.Function<Tensor, Tensor>(Body, inputSignature: [new TensorSpec([null, null], DType.Float64)]);
        Assert.Equal("(None,)", f.GetConcreteFunction(new TensorSpec([null, null], DType.Float64)).OutputSpecs[0].Shape.ToString());
        foreach (int rows in new[] { 3, 6 })
        {
            Tensor x = GradientCheck.RandomInputs(rows, [new Shape(rows, rows + 1)])[0];
            Assert.Equal(AssertTensor.ToDoubles(Body(x)), AssertTensor.ToDoubles(f.Invoke(x)));
        }

        Assert.ThrowsAny<Exception>(() => f.Invoke(Tf.Zeros([2, 3], DType.Float64))); // rows 1..3 of 2
        Assert.Equal(1, f.TracingCount);
    }

    [Fact]
    public void Tracing_SizesFixedByConstants_AreCheckedWhenRun()
    {
        var segments = Tf.Function((Tensor x) => Tf.UnsortedSegmentMean(x, Tf.Constant(new[] { 1, 0, 1 }), 2), inputSignature: [new TensorSpec([null, 2], DType.Float64)]);
        Assert.Equal(new Shape(2, 2), segments.Invoke(Tf.Ones([3, 2], DType.Float64)).Shape);
        var e = Assert.Throws<ArgumentException>(() => segments.Invoke(Tf.Ones([4, 2], DType.Float64)));
        Assert.Contains("segment_ids", e.Message, StringComparison.Ordinal);

        var sorted = Tf.Function((Tensor x) => Tf.Sort(x), inputSignature: [new TensorSpec([null, null], DType.Float64)]);
        Tensor values = Tf.Constant(new[,] { { 3.0, 1, 2 }, { 0, -1, 5 } });
        Assert.Equal(AssertTensor.ToDoubles(Tf.Sort(values)), AssertTensor.ToDoubles(sorted.Invoke(values)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Svd_WithUnknownSizes_GivesEagersFactorsAtTallAndWideShapes(bool fullMatrices)
    {
        Tensor[] Factors(Tensor x)
        {
            (Tensor s, Tensor u, Tensor v) = Tf.Linalg.Svd(x, fullMatrices);
            return [s, u, v];
        }

        var f = Tf.Function<Tensor, Tensor[]>(Factors, inputSignature: [new TensorSpec([2, null, null], DType.Float64)]);
        foreach (Shape shape in new[] { new Shape(2, 3, 4), new Shape(2, 5, 2), new Shape(2, 3, 3) })
        {
            Tensor x = GradientCheck.RandomInputs(shape[1], [shape])[0];
            Tensor[] eager = Factors(x);
            Tensor[] traced = f.Invoke(x);
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(eager[k].Shape, traced[k].Shape);
                Assert.Equal(AssertTensor.ToDoubles(eager[k]), AssertTensor.ToDoubles(traced[k]));
            }
        }

        Assert.Equal(1, f.TracingCount);
    }

    [Fact]
    public void Tracing_BooleanMaskWithAConstantMask_InfersTheSize()
    {
        var f = Tf.Function((Tensor x) => Tf.BooleanMask(x, Tf.Constant(new[] { true, false, true })));
        ConcreteFunction c = f.GetConcreteFunction(new TensorSpec([3, 4], DType.Float64));
        Assert.Equal("(2, 4)", c.OutputSpecs[0].Shape.ToString());
    }

    private static Tensor?[] EagerGradients(Func<Tensor[], Tensor> f, Tensor[] inputs)
    {
        using var tape = new GradientTape();
        foreach (Tensor x in inputs)
        {
            tape.Watch(x);
        }

        return tape.Gradient(Tf.ReduceSum(Tf.Square(f(inputs))), inputs);
    }
}
