using Nabla.Tests.Ops;
using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Graph;

/// <summary>
/// Every row of the op catalog (<see cref="StridedInputTests.Rows"/>) traced with unknown dimensions, as
/// <c>tf.function(input_signature=[tf.TensorSpec([None, ...])])</c> traces it: once with the batch size unknown and
/// once with every dimension unknown. The traced graph's static output shape must have an unknown dimension exactly
/// where the output's size changes with the input sizes, and a known one where it does not (MatMul's inner sizes,
/// a reduction's kept axis of 1); the one trace must then give the eager values (bitwise) at two different sizes,
/// and so must the gradient taken with a tape inside the function.
/// </summary>
/// <remarks>
/// The sizes of the second run come from the row's shapes by one substitution of sizes: the batch size B (the first
/// input's first dimension) becomes B + 2 wherever it appears, or every size above 1 grows by 2. An equal size
/// elsewhere is the same dimension for the op (MatMul's contraction with transposed operands), and sizes of 1 stay
/// (they broadcast). A size the row fixes with a constant (three segment ids, a three-element mask, <c>Eye(3)</c>)
/// stays too: it is unknown in the signature but cannot change when the function runs.
/// </remarks>
public class UnknownDimsCatalogTests
{
    /// <summary>Which dimensions of the input signature are unknown.</summary>
    public enum Unknown
    {
        /// <summary>The batch size B (the first input's first dimension), wherever it appears.</summary>
        Batch,

        /// <summary>Every dimension of every input.</summary>
        All,
    }

    // Sizes a row ties to a constant of its own, which therefore keep their value in the second run.
    private static readonly Dictionary<string, int> s_sizesFixedByConstants = new()
    {
        ["SegmentMax"] = 3, // three segment ids
        ["UnsortedSegmentMean"] = 3, // three segment ids
        ["BooleanMask"] = 3, // a three-element mask
        ["Linalg Inv"] = 3, // x + 4 Eye(3)
    };

    // Rows whose forward pass traces with unknown dimensions but whose gradient refuses them: the op that refuses, and why.
    private static readonly Dictionary<string, (string Op, string Why)> s_gradientRefuses = new()
    {
        ["Linalg Svd values"] = ("Svd", "its gradient branches on the matrix sizes (tall or wide, square or not), as TensorFlow's does"),
    };

    // Rows whose output size depends on an unknown size although the two runs happen to agree on it, so the static
    // shape is rightly unknown there: the diagonal k = 1 of an m x 4 matrix has min(m, 3) elements, 3 at m = 3 and 5.
    private static readonly HashSet<string> s_unknownThoughBothRunsAgree = ["Linalg DiagPart k=1"];

    public static TheoryData<string, Unknown> Cases() => CasesOf(StridedInputTests.Rows);

    public static TheoryData<string, Unknown> DifferentiableCases()
        => CasesOf(StridedInputTests.Rows.Where(r => r.Differentiable && !s_gradientRefuses.ContainsKey(r.Name)));

    public static TheoryData<string, Unknown> GradientRefusesCases() => CasesOf(StridedInputTests.Rows.Where(r => s_gradientRefuses.ContainsKey(r.Name)));

    [Fact]
    public void Exceptions_NameCatalogRows()
        => Assert.All(
            s_sizesFixedByConstants.Keys.Concat(s_gradientRefuses.Keys).Concat(s_unknownThoughBothRunsAgree),
            name => Assert.Contains(StridedInputTests.Rows, r => r.Name == name));

    [Theory]
    [MemberData(nameof(GradientRefusesCases))]
    public void Op_GradientNotTraceableWithUnknownDims_ThrowsAtTraceTimeNamingTheOpAndShapes(string name, Unknown unknown)
    {
        StridedInputTests.Row row = Find(name);
        TensorSpec[] signature = Signature(row, unknown, DType.Float64);
        var e = Assert.Throws<InvalidOperationException>(() => Trace(x => GradientsInside(row.F, x), signature).Concrete());
        Assert.Contains(s_gradientRefuses[name].Op, e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be traced with unknown dimensions", e.Message, StringComparison.Ordinal);
        Assert.Contains(signature[0].Shape.ToString(), e.Message, StringComparison.Ordinal); // the traced shape, None for unknown sizes
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Op_TracedWithUnknownDims_InfersTheStaticShapeAndEqualsEagerAtTwoSizes(string name, Unknown unknown)
    {
        StridedInputTests.Row row = Find(name);
        int[][][] sizes = [row.Shapes, SecondSizes(row, unknown)];
        foreach (DType dtype in new[] { DType.Float64, DType.Float32 })
        {
            TensorSpec[] signature = Signature(row, unknown, dtype);
            Tensor[][] inputs = [.. sizes.Select((s, k) => Inputs(row, s, dtype, seed: 7 + k))];
            Tensor[] eager = [.. inputs.Select(x => row.F(x))];

            Traced<Tensor> traced = Trace(row.F, signature);
            TensorSpec output = traced.Concrete().OutputSpecs[0];
            Assert.Equal(eager[0].DType, output.DType);
            Shape expected = ExpectedStaticShape(eager[0].Shape, eager[1].Shape);
            if (s_unknownThoughBothRunsAgree.Contains(name))
            {
                // Unknown wherever the runs differ, and compatible with both.
                Assert.True(output.Shape.IsCompatibleWith(expected), $"{output.Shape} against {expected}");
                for (int d = 0; d < expected.Rank; d++)
                {
                    Assert.True(expected.Dimension(d) is not null || output.Shape.Dimension(d) is null, $"{output.Shape} against {expected}");
                }
            }
            else
            {
                Assert.Equal(expected, output.Shape);
            }

            for (int k = 0; k < inputs.Length; k++)
            {
                Tensor actual = traced.Invoke(inputs[k]);
                Assert.Equal(eager[k].Shape, actual.Shape);
                Assert.Equal(AssertTensor.ToDoubles(eager[k]), AssertTensor.ToDoubles(actual));
            }

            Assert.Equal(1, traced.TracingCount());
        }
    }

    [Theory]
    [MemberData(nameof(DifferentiableCases))]
    public void Op_GradientTracedWithUnknownDims_KeepsTheInputShapesAndEqualsEagerAtTwoSizes(string name, Unknown unknown)
    {
        StridedInputTests.Row row = Find(name);
        TensorSpec[] signature = Signature(row, unknown, DType.Float64);
        Traced<Tensor[]> traced = Trace(x => GradientsInside(row.F, x), signature);
        ConcreteFunction concrete = traced.Concrete();
        for (int i = 0; i < signature.Length; i++)
        {
            // The gradient of an input has the input's (static) shape, unknown sizes included.
            Assert.Equal(signature[i].Shape, concrete.OutputSpecs[i].Shape);
        }

        foreach ((int[][] sizes, int seed) in new[] { (row.Shapes, 7), (SecondSizes(row, unknown), 8) })
        {
            Tensor[] inputs = Inputs(row, sizes, DType.Float64, seed);
            Tensor?[] eager = Gradients(row.F, inputs);
            Tensor[] actual = traced.Invoke(inputs);
            for (int i = 0; i < inputs.Length; i++)
            {
                Assert.NotNull(eager[i]);
                AssertTensor.Close(eager[i]!, actual[i], tolerance: 1e-12);
            }
        }

        Assert.Equal(1, traced.TracingCount());
    }

    private static TheoryData<string, Unknown> CasesOf(IEnumerable<StridedInputTests.Row> rows)
    {
        var data = new TheoryData<string, Unknown>();
        foreach (StridedInputTests.Row row in rows)
        {
            foreach (Unknown unknown in Enum.GetValues<Unknown>())
            {
                data.Add(row.Name, unknown);
            }
        }

        return data;
    }

    private static StridedInputTests.Row Find(string name) => StridedInputTests.Rows.Single(r => r.Name == name);

    private static bool IsUnknown(StridedInputTests.Row row, Unknown unknown, int size)
        => unknown == Unknown.All || size == row.Shapes[0][0];

    private static TensorSpec[] Signature(StridedInputTests.Row row, Unknown unknown, DType dtype)
        => [.. row.Shapes.Select(s => new TensorSpec([.. s.Select(d => IsUnknown(row, unknown, d) ? null : (int?)d)], dtype))];

    /// <summary>The sizes of the second run: every unknown size grows by 2, except sizes of 1 and those a constant of the row fixes.</summary>
    private static int[][] SecondSizes(StridedInputTests.Row row, Unknown unknown)
    {
        int fixedSize = s_sizesFixedByConstants.GetValueOrDefault(row.Name, -1);
        return [.. row.Shapes.Select(s => s.Select(d => IsUnknown(row, unknown, d) && d > 1 && d != fixedSize ? d + 2 : d).ToArray())];
    }

    /// <summary>Known where the two runs' outputs agree, unknown where they differ.</summary>
    private static Shape ExpectedStaticShape(Shape first, Shape second)
    {
        Assert.Equal(first.Rank, second.Rank);
        var dims = new int?[first.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = first[i] == second[i] ? first[i] : null;
        }

        return Shape.Partial(dims);
    }

    private static Tensor[] Inputs(StridedInputTests.Row row, int[][] sizes, DType dtype, int seed)
        => [.. GradientCheck.RandomInputs(seed, [.. sizes.Select(s => new Shape(s))], row.Low, row.High).Select(x => Tf.Cast(x, dtype))];

    // The row's op (or anything of its inputs) as a function of its one or two inputs, traced for one signature.
    private static Traced<T> Trace<T>(Func<Tensor[], T> f, TensorSpec[] signature)
    {
        if (signature.Length == 1)
        {
            var one = Tf.Function((Tensor a) => f([a]), inputSignature: signature);
            return new Traced<T>(x => one.Invoke(x[0]), () => one.GetConcreteFunction(signature[0]), () => one.TracingCount);
        }

        var two = Tf.Function((Tensor a, Tensor b) => f([a, b]), inputSignature: signature);
        return new Traced<T>(x => two.Invoke(x[0], x[1]), () => two.GetConcreteFunction(signature[0], signature[1]), () => two.TracingCount);
    }

    private static Tensor[] GradientsInside(Func<Tensor[], Tensor> f, Tensor[] inputs)
        => [.. Gradients(f, inputs).Select(g => g ?? throw new InvalidOperationException("An input got no gradient."))];

    // A weighted sum (weights are the output itself, held constant) makes every output element's gradient distinct.
    private static Tensor Loss(Func<Tensor[], Tensor> f, Tensor[] x)
    {
        Tensor y = f(x);
        return Tf.ReduceSum(y * Tf.StopGradient(y));
    }

    private static Tensor?[] Gradients(Func<Tensor[], Tensor> f, Tensor[] inputs)
    {
        using var tape = new GradientTape();
        foreach (Tensor x in inputs)
        {
            tape.Watch(x);
        }

        return tape.Gradient(Loss(f, inputs), inputs);
    }

    private sealed record Traced<T>(Func<Tensor[], T> Invoke, Func<ConcreteFunction> Concrete, Func<int> TracingCount);
}
