using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Autodiff;

/// <summary>TAPE-SEMANTICS.md §3.5: Jacobian and BatchJacobian.</summary>
public class JacobianTests
{
    [Fact]
    public void Jacobian_XSquared_IsDiagonal()
    {
        var x = Tf.Constant(new[] { 1f, 2f });
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = x * x;
        }

        AssertTensor.Close([2, 0, 0, 4], g.Jacobian(y, x)!, [2, 2]);
    }

    [Fact]
    public void Jacobian_ShapeIsTargetShapePlusSourceShape_AndSumsToGradient()
    {
        var w = new Variable(Tf.Constant(new[] { 1.0, 2, 3, 4, 5, 6 }, [2, 3]));
        var x = Tf.Constant(new[] { 0.5, -1.0 });
        var g = new GradientTape(persistent: true);
        Tensor y;
        using (g)
        {
            y = Tf.Exp(w * 0.1) * Tf.Reshape(x, [2, 1]);
        }

        Tensor j = g.Jacobian(y, w)!;
        Assert.Equal([2, 3, 2, 3], j.Shape.ToArray());
        AssertTensor.Close(g.Gradient(y, w)!, Tf.ReduceSum(j, [0, 1]));
    }

    [Fact]
    public void Jacobian_NonPersistent_CountsAsTheSingleUse()
    {
        var x = Tf.Constant(new[] { 1f, 2f });
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = x * x;
        }

        Assert.NotNull(g.Jacobian(y, x));
        var e = Assert.Throws<InvalidOperationException>(() => g.Jacobian(y, x));
        Assert.Contains("non-persistent", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => g.Gradient(y, x));
    }

    [Fact]
    public void Jacobian_Unconnected_IsNullOrZeros()
    {
        var x = Tf.Constant(new[] { 1f, 2f });
        var z = Tf.Constant(new[] { 1f, 2f, 3f });
        var g = new GradientTape(persistent: true);
        Tensor y;
        using (g)
        {
            g.Watch(x, z);
            y = x * x;
        }

        Assert.Null(g.Jacobian(y, z));
        AssertTensor.Close(new double[6], g.Jacobian(y, z, UnconnectedGradients.Zero)!, [2, 3]);
    }

    [Fact]
    public void Jacobian_ScalarTargetAndSeveralSources_MatchGradient()
    {
        var a = Tf.Constant(new[] { 1.0, 2.0 });
        var b = Tf.Constant(3.0);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(a, b);
            y = Tf.ReduceSum(a * a) * b;
        }

        Tensor?[] j = g.Jacobian(y, [a, b]);
        AssertTensor.Close([6, 12], j[0]!, [2]);
        AssertTensor.Close([5], j[1]!, []);
    }

    [Fact]
    public void Hessian_JacobianOfInnerGradient_HasShapeWPlusW()
    {
        // loss = sum(w^3) → gradient 3 w^2 → Hessian diag(6 w).
        var w = new Variable(Tf.Constant(new[] { 1.0, 2.0, 3.0 }));
        Tensor h;
        using (var t2 = new GradientTape())
        {
            Tensor grad;
            using (var t1 = new GradientTape())
            {
                grad = t1.Gradient(Tf.ReduceSum(w.Pow(3)), w)!;
            }

            h = t2.Jacobian(grad, w)!;
        }

        AssertTensor.Close([6, 0, 0, 0, 12, 0, 0, 0, 18], h, [3, 3]);
    }

    [Fact]
    public void Jacobian_PersistentInsideContext_IsDifferentiableAgain()
    {
        // J = diag(3 x^2); d/dx sum(J) = 6 x.
        var x = Tf.Constant(new[] { 1.0, 2.0 });
        var g = new GradientTape(persistent: true);
        Tensor j;
        using (g)
        {
            g.Watch(x);
            j = g.Jacobian(x.Pow(3), x)!;
        }

        AssertTensor.Close([3, 0, 0, 12], j, [2, 2]);
        AssertTensor.Close([6, 12], g.Gradient(j, x)!, [2]);
    }

    [Fact]
    public void BatchJacobian_IndependentRows_IsPerRowJacobian()
    {
        var x = Tf.Constant(new[] { 1.0, 2, 3, 4 }, [2, 2]);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = x * x;
        }

        Tensor j = g.BatchJacobian(y, x);
        AssertTensor.Close([2, 0, 0, 4, 6, 0, 0, 8], j, [2, 2, 2]);
    }

    [Fact]
    public void BatchJacobian_DifferentInnerShapes_HasShapeBYX()
    {
        var x = Tf.Constant(new[] { 1.0, 2, 3, 4, 5, 6 }, [2, 3]);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = Tf.Reshape(Tf.ReduceSum(x * x, 1), [2, 1, 1]) * Tf.Constant(new[] { 1.0, 2.0 }, [1, 1, 2]);
        }

        Tensor j = g.BatchJacobian(y, x);
        Assert.Equal([2, 1, 2, 3], j.Shape.ToArray());
        AssertTensor.Close([2, 4, 6, 4, 8, 12, 8, 10, 12, 16, 20, 24], j);
    }

    [Fact]
    public void BadShape_FirstDimensionsDiffer_ThrowsWithTfMessage()
    {
        var x = Tf.Constant(1.0, shape: [2, 3]);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = Tf.Reshape(x, [3, 2]);
        }

        var e = Assert.Throws<ArgumentException>(() => g.BatchJacobian(y, x));
        Assert.Equal("Need first dimension of target shape ((3, 2)) and source shape ((2, 3)) to match.", e.Message);
    }

    [Fact]
    public void BadInputRank_SourceRank1_Throws()
    {
        var x = Tf.Constant(new[] { 1.0, 2.0 });
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = Tf.Reshape(x, [2, 1]);
        }

        var e = Assert.Throws<ArgumentException>(() => g.BatchJacobian(y, x));
        Assert.Equal("Shape (2,) must have rank at least 2", e.Message);
    }

    [Fact]
    public void BadOutputRank_TargetRank1_Throws()
    {
        var x = Tf.Constant(1.0, shape: [2, 1]);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = Tf.Reshape(x, [2]);
        }

        var e = Assert.Throws<ArgumentException>(() => g.BatchJacobian(y, x));
        Assert.Equal("Shape (2,) must have rank at least 2", e.Message);
    }

    [Fact]
    public void BatchJacobian_Unconnected_IsZeros()
    {
        var x = Tf.Constant(1.0, shape: [2, 2]);
        var z = Tf.Constant(1.0, shape: [2, 3]);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x, z);
            y = x * 2;
        }

        AssertTensor.Close(new double[12], g.BatchJacobian(y, z), [2, 2, 3]);
    }

    [Fact]
    public void DegenerateShape_1By0_Gives1By0By0()
    {
        var x = Tf.Zeros([1, 0], DType.Float64);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = x * x;
        }

        Assert.Equal([1, 0, 0], g.BatchJacobian(y, x).Shape.ToArray());
    }

    [Fact]
    public void BatchJacobian_NonPersistent_CountsAsTheSingleUse()
    {
        var x = Tf.Constant(1.0, shape: [2, 2]);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = x * x;
        }

        _ = g.BatchJacobian(y, x);
        Assert.Throws<InvalidOperationException>(() => g.BatchJacobian(y, x));
    }
}
