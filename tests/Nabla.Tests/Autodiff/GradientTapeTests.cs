using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Autodiff;

/// <summary>TAPE-SEMANTICS.md §3.1–3.3, one test per rule, named after the TensorFlow test it mirrors, plus seed cells In[25]–In[47].</summary>
public class GradientTapeTests
{
    private static float F(Tensor? t) => Assert.IsType<Tensor>(t, exactMatch: false).Item<float>();

    // §3.1 Lifecycle

    [Fact]
    public void Recording_UnwatchedConstant_IsNotRecorded()
    {
        var x = Tf.Constant(3f);
        using var tape = new GradientTape();
        var y = x * x;
        Assert.Equal(0, tape.EntryCount);
        Assert.Null(tape.Gradient(y, x));
    }

    [Fact]
    public void Recording_NonTrainableVariable_IsNotWatched()
    {
        var v = new Variable(2f, trainable: false);
        var tape = new GradientTape();
        Tensor y;
        using (tape)
        {
            y = v * v;
        }

        Assert.Empty(tape.WatchedVariables());
        Assert.Null(tape.Gradient(y, v));
    }

    [Fact]
    public void GradientTapeGradientCalledMultipleTimes_NonPersistent_ThrowsWithTfMessage()
    {
        var x = Tf.Constant(3f);
        var g = new GradientTape();
        Tensor y, z;
        using (g)
        {
            g.Watch(x);
            y = x * x;
            z = y * y;
        }

        g.Gradient(z, [x]);
        var e = Assert.Throws<InvalidOperationException>(() => g.Gradient(y, [x]));
        Assert.Equal("A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians).", e.Message);
    }

    [Fact]
    public void GradientWithinTapeBlock_NonPersistentAndPersistent_Give2()
    {
        var v1 = new Variable(1f);
        using (var t = new GradientTape())
        {
            var loss = 2 * v1;
            Assert.Equal(2f, F(t.Gradient(loss, v1)));
            Assert.False(t.IsRecording);
        }

        using (var t = new GradientTape(persistent: true))
        {
            var loss = 2 * v1;
            Assert.Equal(2f, F(t.Gradient(loss, v1)));
            Assert.True(t.IsRecording);
        }
    }

    [Fact]
    public void HigherOrderGradient_OnePersistentTape_Gives27_18_6()
    {
        var x = Tf.Constant(3f);
        var g = new GradientTape(persistent: true);
        Tensor y, dyDx, d2yDx2;
        using (g)
        {
            g.Watch(x);
            y = x.Pow(3);
            dyDx = g.Gradient(y, x)!;
            d2yDx2 = g.Gradient(dyDx, x)!;
        }

        Tensor d3yDx3 = g.Gradient(d2yDx2, x)!;
        Assert.Equal(27f, F(y));
        Assert.Equal(27f, F(dyDx));
        Assert.Equal(18f, F(d2yDx2));
        Assert.Equal(6f, F(d3yDx3));
    }

    [Fact]
    public void NestedSelfContexts_ResumeWhileRecording_ThrowsArgumentException()
    {
        using var t = new GradientTape();
        var e = Assert.Throws<ArgumentException>(() => t.Resume());
        Assert.StartsWith("Tape is still recording", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GradientTapeReEnterContext_Resume_ContinuesSameTape()
    {
        var g = new GradientTape();
        Tensor x, y, z;
        using (g)
        {
            x = Tf.Constant(3f);
            g.Watch(x);
            y = 2 * x;
        }

        var untracked = 2 * y;
        using (g.Resume())
        {
            z = 2 * y;
        }

        Assert.Equal(4f, F(g.Gradient(z, [x])[0]));
        Assert.False(g.IsRecording);
        Assert.NotNull(untracked);
    }

    [Fact]
    public void Resume_NonPersistentAfterGradient_StartsFreshTape()
    {
        var x = new Variable(3f);
        var g = new GradientTape();
        using (g)
        {
            _ = g.Gradient(x * x, x);
        }

        Tensor y;
        using (g.Resume())
        {
            y = x * 5;
        }

        Assert.Equal(5f, F(g.Gradient(y, x)));
    }

    [Fact]
    public void TapeStopRecording_OpsInside_AreInvisible()
    {
        var t = new GradientTape();
        var x = new Variable(1f);
        Tensor y;
        using (t)
        {
            using (t.StopRecording())
            {
                y = x * x;
            }
        }

        Assert.Null(t.Gradient(y, x));
    }

    [Fact]
    public void TapeStopStartRecording_RecordingResumesAfterBlock()
    {
        var t = new GradientTape(persistent: true);
        var x = new Variable(1f);
        Tensor x2, y, z;
        using (t)
        {
            x2 = x * 2;
            using (t.StopRecording())
            {
                y = x2 * x2;
            }

            z = x2 * x2;
        }

        Assert.Null(t.Gradient(y, x2));
        Assert.Equal(4f, F(t.Gradient(z, x2)));
    }

    [Fact]
    public void StopRecording_NotRecording_ThrowsInvalidOperation()
    {
        var t = new GradientTape();
        t.Dispose();
        var e = Assert.Throws<InvalidOperationException>(() => t.StopRecording());
        Assert.Equal("Trying to stop recording a tape which is not recording.", e.Message);
    }

    [Fact]
    public void TapeReset_ForgetsEarlierOps_Gives2Not4()
    {
        var t = new GradientTape();
        var v = new Variable(1f);
        Tensor loss;
        using (t)
        {
            loss = v * v;
            t.Reset();
            loss += v * v;
        }

        Assert.Equal(2f, F(t.Gradient(loss, v)));
    }

    [Fact]
    public void AutomaticWatchedVariables_OrderOfConstruction_AndReset()
    {
        var a = new Variable(1f);
        var b = new Variable(2f);
        using var t = new GradientTape();
        Assert.Empty(t.WatchedVariables());
        _ = b * a;
        _ = a * 2;
        Assert.Equal([a, b], t.WatchedVariables());
        t.Reset();
        Assert.Empty(t.WatchedVariables());
        _ = a * 2;
        t.Watch(a);
        Assert.Equal([a], t.WatchedVariables());
    }

    [Fact]
    public void WatchedVariablesAfterNonPersistentGradientCall_AreKept()
    {
        var t = new GradientTape();
        var x = new Variable(1f);
        using (t)
        {
            t.Watch(x);
        }

        _ = t.Gradient(x, x);
        Assert.Equal([x], t.WatchedVariables());
    }

    [Fact]
    public void WatchBadThing_IntegerTensor_IsIgnoredAndGradientIsNull()
    {
        var x = Tf.Constant(3);
        var t = new GradientTape();
        Tensor y;
        using (t)
        {
            t.Watch(x);
            y = x * x;
        }

        Assert.Equal(0, t.EntryCount);
        Assert.Null(t.Gradient(y, x));
    }

    // §3.2 Gradient

    [Fact]
    public void GradientTapeRepeatedSource_BothGet2()
    {
        var x = Tf.Constant(3f);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = 2 * x;
        }

        Tensor?[] grad = g.Gradient(y, [x, x]);
        Assert.Equal(2f, F(grad[0]));
        Assert.Equal(2f, F(grad[1]));
    }

    [Fact]
    public void PersistentGradientTapeRepeatedSource_Gives11And3()
    {
        var x = Tf.Constant(3f);
        var y = Tf.Constant(5f);
        var g = new GradientTape(persistent: true);
        Tensor z;
        using (g)
        {
            g.Watch(x, y);
            z = (x * x) + (x * y);
        }

        Tensor?[] grad = g.Gradient(z, [x, x]);
        Assert.Equal([11f, 11f], [F(grad[0]), F(grad[1])]);
        grad = g.Gradient(z, [y, x]);
        Assert.Equal([3f, 11f], [F(grad[0]), F(grad[1])]);
    }

    [Fact]
    public void TapeGradientMultiTargetOneIsSource_Gives5()
    {
        var x = Tf.Constant(2f);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = x * x;
        }

        Assert.Equal(5f, F(g.Gradient([x, y], [x])[0]));
    }

    [Fact]
    public void TapeNoOpGradient2By2_TargetIsSource_GivesOnes()
    {
        var a = Tf.Constant(2f, shape: [2, 2]);
        var g = new GradientTape();
        using (g)
        {
            g.Watch(a);
        }

        AssertTensor.Close([1, 1, 1, 1], g.Gradient(a, a)!, [2, 2]);
    }

    [Fact]
    public void TapeNoOpGradientMultiTarget2By2_Gives2s()
    {
        var a = Tf.Constant(2f, shape: [2, 2]);
        var g = new GradientTape(persistent: true);
        using (g)
        {
            g.Watch(a);
        }

        AssertTensor.Close([2, 2, 2, 2], g.Gradient([a, a], [a])[0]!, [2, 2]);
    }

    [Fact]
    public void GradientsOfNonScalarTarget_AreThoseOfTheSum()
    {
        var x = Tf.Constant(new[] { 1f, 2f, 3f });
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            y = x * x;
        }

        AssertTensor.Close([2, 4, 6], g.Gradient(y, x)!, [3]);
    }

    [Fact]
    public void OutputGradUsedInComputation_WeightsTargets_Gives4()
    {
        var x = Tf.Constant(3f);
        var y = Tf.Constant(2f);
        var t = new GradientTape();
        Tensor loss;
        using (t)
        {
            t.Watch(x, y);
            loss = x * y;
        }

        Tensor? dx = t.Gradient([loss, x], [x], outputGradients: [1.0, 2.0])[0];
        Assert.Equal(DType.Float32, dx!.DType);
        Assert.Equal(4f, F(dx));
    }

    [Fact]
    public void OutputGradients_WrongShape_ThrowsArgumentException()
    {
        var x = Tf.Constant(new[] { 1f, 2f });
        var t = new GradientTape();
        using (t)
        {
            t.Watch(x);
        }

        Assert.Throws<ArgumentException>(() => t.Gradient([x], [x], [Tf.Constant(new[] { 1f, 2f, 3f })]));
    }

    [Fact]
    public void UnconnectedGradientsDefault_IsNull()
    {
        var x = Tf.Constant(1f);
        var y = Tf.Constant(3f);
        var g = new GradientTape();
        Tensor z;
        using (g)
        {
            g.Watch(x, y);
            z = y * 2;
        }

        Assert.Null(g.Gradient(z, x));
    }

    [Fact]
    public void UnconnectedGradientsZeros_AreZerosOfSourceShape()
    {
        var x = Tf.Constant(1f, shape: [2, 2]);
        var y = Tf.Constant(3f);
        var g = new GradientTape();
        Tensor z;
        using (g)
        {
            g.Watch(x, y);
            z = y * 2;
        }

        AssertTensor.Close([0, 0, 0, 0], g.Gradient([z], [x], unconnectedGradients: UnconnectedGradients.Zero)[0]!, [2, 2]);
    }

    [Fact]
    public void UnconnectedGradientsVariablesZeros_AreZerosOfVariableShape()
    {
        var x = new Variable(Tf.Constant(1f, shape: [2, 2]));
        var y = new Variable(3f);
        var g = new GradientTape();
        Tensor z;
        using (g)
        {
            g.Watch(x, y);
            z = y * 2;
        }

        AssertTensor.Close([0, 0, 0, 0], g.Gradient([z], [x], unconnectedGradients: UnconnectedGradients.Zero)[0]!, [2, 2]);
    }

    [Fact]
    public void UnknownUnconnectedGradientsValueGiven_ThrowsArgumentException()
    {
        var x = Tf.Constant(1f);
        var g = new GradientTape();
        using (g)
        {
            g.Watch(x);
        }

        var e = Assert.Throws<ArgumentException>(() => g.Gradient([x], [x], unconnectedGradients: (UnconnectedGradients)7));
        Assert.StartsWith("Unknown value for unconnected_gradients: '7'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnconnectedGradientsNestedStopGradientZeros_Gives0()
    {
        var x = Tf.Constant(1f);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x);
            var k = x + 2f;
            y = Tf.StopGradient(k * k);
        }

        Assert.Equal(0f, F(g.Gradient([y], [x], unconnectedGradients: UnconnectedGradients.Zero)[0]));
    }

    [Fact]
    public void StopGradient_CutsThePath()
    {
        var x = new Variable(2f);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            y = (x * x) + Tf.StopGradient(x * x * x);
        }

        Assert.Equal(4f, F(g.Gradient(y, x)));
    }

    [Fact]
    public void GradientInteger_TargetAndSource_AreNull()
    {
        var xi = Tf.Constant(3);
        var xf = Tf.Constant(3f);
        var g = new GradientTape(persistent: true);
        Tensor yi, yf;
        using (g)
        {
            g.Watch(xi, xf);
            yi = Tf.Cast(xf, DType.Int32) * xi;
            yf = xf * xf;
        }

        Assert.Null(g.Gradient(yi, xf));
        Assert.Null(g.Gradient(yf, xi));
    }

    [Fact]
    public void StatefulRead_AssignAddInsideTape_DoesNotConnect()
    {
        var x0 = new Variable(2f);
        var x1 = new Variable(3f);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            x1.AssignAdd(x0);
            y = x1 * 1f;
        }

        Tensor?[] grads = g.Gradient(y, [x0, x1]);
        Assert.Null(grads[0]);
        Assert.Equal(1f, F(grads[1]));
    }

    [Fact]
    public void GadientTapeCalledOnConstantTarget_IsNull()
    {
        var g = new GradientTape();
        Variable x, y;
        using (g)
        {
            x = new Variable(new[] { 3f });
            y = new Variable(new[] { 2f });
        }

        Assert.Null(g.Gradient(x, y));
    }

    [Fact]
    public void DifferentiatingScalarCache_EqualConstantsAreDistinctSources()
    {
        var x1 = Tf.Constant(3f);
        var x2 = Tf.Constant(3f);
        var g = new GradientTape();
        Tensor y;
        using (g)
        {
            g.Watch(x1, x2);
            y = x1 + x2;
        }

        Assert.Equal(1f, F(g.Gradient(y, [x1])[0]));
    }

    // §3.3 watch_accessed_variables=false

    [Fact]
    public void SelectivelyWatchVariables_OnlyExplicitlyWatchedAreRecorded()
    {
        var x1 = new Variable(1f);
        var x2 = new Variable(1f);
        var tape = new GradientTape(watchAccessedVariables: false);
        Tensor y, z;
        using (tape)
        {
            tape.Watch(x2);
            y = x1.Pow(2);
            z = x2.Pow(3);
        }

        Assert.Equal([x2], tape.WatchedVariables());
        Tensor?[] grads = tape.Gradient([y, z], [x1, x2]);
        Assert.Null(grads[0]);
        Assert.Equal(3f, F(grads[1]));
    }

    // Seed cells In[25]–In[47]

    [Fact]
    public void SeedCells25To34_TrainingLoop_FitsWeight2AndBiasMinus1()
    {
        double[] xs = [-1, 0, 1, 2, 3, 4];
        double[] ys = xs.Select(v => (2 * v) - 1).ToArray();
        var w = new Variable(0.3745401188, trainable: true);
        var b = new Variable(0.9507143064, trainable: true);
        const double LearningRate = 0.001;

        Tensor FitData(double[] x, double[] yTrue)
        {
            var tape = new GradientTape(persistent: true);
            Tensor loss;
            using (tape)
            {
                var yPred = (w * x) + b;
                loss = Tf.Abs(yPred - yTrue);
            }

            var wGradient = tape.Gradient(loss, w)!;
            var bGradient = tape.Gradient(loss, b)!;
            w.AssignSub(LearningRate * wGradient);
            b.AssignSub(LearningRate * bGradient);
            return loss;
        }

        Tensor last = Tf.Constant(0.0);
        for (var i = 0; i < 1000; i++)
        {
            last = FitData(xs, ys);
        }

        Assert.Equal(DType.Float64, w.DType);
        Assert.Equal([6], last.Shape.ToArray());
        Assert.InRange(w.Item<double>(), 1.98, 2.02);
        Assert.InRange(b.Item<double>(), -1.02, -0.98);
    }

    [Fact]
    public void SeedCell47_PersistentWatchedVariable_Gives108And6()
    {
        var x3 = new Variable(3f);
        var tape2 = new GradientTape(persistent: true);
        Tensor y, z;
        using (tape2)
        {
            tape2.Watch(x3);
            y = x3 * x3;
            z = y * y;
        }

        Assert.Equal(108f, F(tape2.Gradient(z, x3)));
        Assert.Equal(6f, F(tape2.Gradient(y, x3)));
    }
}
