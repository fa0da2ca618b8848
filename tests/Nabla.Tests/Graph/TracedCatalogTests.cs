using Nabla.Tests.Ops;
using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Graph;

/// <summary>
/// Every op family of the strided-input catalog, traced: a <see cref="Tf.Function{T, TResult}(Func{T, TResult}, TensorSpec[], bool, string)"/>
/// of the op gives the eager values exactly (the graph runs the same kernels), its gradient through the function call
/// equals the eager gradient, and a gradient taken inside the traced function equals it too. A new op joins by
/// getting a strided-input row.
/// </summary>
public class TracedCatalogTests
{
    public static TheoryData<string> Names() => new(StridedInputTests.Rows.Select(r => r.Name));

    public static TheoryData<string> DifferentiableNames() => new(StridedInputTests.Rows.Where(r => r.Differentiable).Select(r => r.Name));

    private static StridedInputTests.Row Find(string name) => StridedInputTests.Rows.Single(r => r.Name == name);

    private static Tensor[] Inputs(StridedInputTests.Row row)
        => GradientCheck.RandomInputs(7, [.. row.Shapes.Select(s => new Shape(s))], row.Low, row.High);

    // The row as a traced function of its one or two inputs.
    private static Func<Tensor[], Tensor> Traced(Func<Tensor[], Tensor> f, int arity)
    {
        if (arity == 1)
        {
            var one = Tf.Function((Tensor a) => f([a]));
            return x => one.Invoke(x[0]);
        }

        var two = Tf.Function((Tensor a, Tensor b) => f([a, b]));
        return x => two.Invoke(x[0], x[1]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Op_Traced_EqualsEager(string name)
    {
        StridedInputTests.Row row = Find(name);
        Tensor[] inputs = Inputs(row);
        Func<Tensor[], Tensor> traced = Traced(row.F, inputs.Length);
        foreach (DType dtype in new[] { DType.Float64, DType.Float32 })
        {
            Tensor[] cast = [.. inputs.Select(x => Tf.Cast(x, dtype))];
            Tensor expected = row.F(cast);
            Tensor actual = traced(cast);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.DType, actual.DType);
            Assert.Equal(AssertTensor.ToDoubles(expected), AssertTensor.ToDoubles(actual));

            // A second call runs the planned graph with reused buffers: still the same values.
            Assert.Equal(AssertTensor.ToDoubles(expected), AssertTensor.ToDoubles(traced(cast)));
        }
    }

    [Theory]
    [MemberData(nameof(DifferentiableNames))]
    public void Op_Traced_GradientsEqualEager(string name)
    {
        StridedInputTests.Row row = Find(name);
        Tensor[] inputs = Inputs(row);

        // A weighted sum makes every output element's gradient distinct.
        Tensor Loss(Func<Tensor[], Tensor> f, Tensor[] x)
        {
            Tensor y = f(x);
            Tensor weights = Tf.Reshape(Tf.Cast(Tf.Range(1, y.Shape.Size + 1), y.DType), y.Shape.ToArray());
            return Tf.ReduceSum(y * weights);
        }

        Tensor?[] Gradients(Func<Tensor[], Tensor> f)
        {
            using var tape = new GradientTape();
            foreach (Tensor x in inputs)
            {
                tape.Watch(x);
            }

            return tape.Gradient(Loss(f, inputs), inputs);
        }

        Tensor?[] eager = Gradients(row.F);
        Tensor?[] throughCall = Gradients(Traced(row.F, inputs.Length));
        Func<Tensor[], Tensor> gradientInside = Traced(
            x =>
            {
                using var tape = new GradientTape();
                tape.Watch(x[0]);
                return tape.Gradient(Loss(row.F, x), x[0])!;
            },
            inputs.Length);

        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.NotNull(eager[i]);
            AssertTensor.Close(eager[i]!, throughCall[i]!, tolerance: 1e-12);
        }

        AssertTensor.Close(eager[0]!, gradientInside(inputs), tolerance: 1e-12);
    }
}
