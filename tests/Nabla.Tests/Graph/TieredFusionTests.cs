using System.Runtime.Intrinsics;
using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Graph;

/// <summary>
/// The tiering of fused groups (<see cref="TieredFusedKernel{TBody}"/>): a small group runs its first
/// <see cref="FusedKernelCompiler.InterpretedCalls"/> calls in the tile interpreter and compiles on the next, a large one
/// compiles on its first call, and every call gives the unfused result (bit for bit for these ops, whose register
/// kernels equal their span kernels; a fused sum within rounding), across the swap, in a GEMM epilogue and a fused sum.
/// </summary>
[Collection(FusionSwitch.Name)]
public class TieredFusionTests
{
    // Relative to |expected| above 1, absolute below; the tolerance alone decides (a NaN never passes).
    private const double Tolerance = 1e-6;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SmallGroup_RunsInterpretedForItsFirstCalls_ThenCompiled(int interpretedCalls)
    {
        Tensor x = SeededInputs.Normal([37, 19], seed: 1);
        Tensor bias = SeededInputs.Normal([19], seed: 2);
        Func<Tensor, Tensor, Tensor> body = (a, b) => Tf.Nn.Relu((a * 3f) + b) - (a * a);
        float[] expected = body(x, bias).ToArray<float>();
        WithInterpretedCalls(interpretedCalls, () =>
        {
            var f = Tf.Function(body);
            for (int call = 1; call <= interpretedCalls + 2; call++)
            {
                Assert.Equal(expected, f.Invoke(x, bias).ToArray<float>());
                FusedElementwiseOp group = Assert.Single(Steps<FusedElementwiseOp>(f.GetConcreteFunction(x, bias).Executor.PlanFor([x, bias])));
                Assert.Equal(call > interpretedCalls, group.IsSettled);
            }
        });
    }

    [Fact]
    public void GroupLargerThanTheInterpretedLimit_CompilesOnItsFirstCall()
    {
        int rows = (FusedKernelCompiler.InterpretFirstMaxElements / 64) + 1;
        Tensor x = SeededInputs.Normal([rows, 64], seed: 3);
        Func<Tensor, Tensor> body = a => Tf.Nn.Relu(a * 2f) + 1f;
        WithInterpretedCalls(1, () =>
        {
            var f = Tf.Function(body);
            Assert.Equal(body(x).ToArray<float>(), f.Invoke(x).ToArray<float>());
            FusedElementwiseOp group = Assert.Single(Steps<FusedElementwiseOp>(f.GetConcreteFunction(x).Executor.PlanFor([x])));
            Assert.True(group.IsSettled);
            Assert.True(group.IsCompiled || !Vector256.IsHardwareAccelerated);
        });
    }

    [Fact]
    public void EpilogueGroup_SwapsBetweenCalls_WithTheSameResult()
    {
        Tensor x = SeededInputs.Normal([64, 90], seed: 4);
        Tensor w = SeededInputs.Normal([90, 200], seed: 5) * 0.1f;
        Tensor b = SeededInputs.Normal([200], seed: 6);
        Func<Tensor, Tensor, Tensor, Tensor> layer = (xs, ws, bs) => Tf.Nn.Relu(Tf.MatMul(xs, ws) + bs) * 2f;
        float[] expected = layer(x, w, b).ToArray<float>();
        WithInterpretedCalls(1, () =>
        {
            var f = Tf.Function(layer);
            float[] first = f.Invoke(x, w, b).ToArray<float>();
            MatMulEpilogueOp step = Assert.Single(Steps<MatMulEpilogueOp>(f.GetConcreteFunction(x, w, b).Executor.PlanFor([x, w, b])));
            Assert.False(step.Group.IsSettled);
            float[] second = f.Invoke(x, w, b).ToArray<float>();
            Assert.True(step.Group.IsSettled);
            Assert.Equal(expected, first);
            Assert.Equal(expected, second);
        });
    }

    [Fact]
    public void FusedSum_RunsThroughATemporaryFirst_ThenCompiled_WithinRounding()
    {
        Tensor a = SeededInputs.Normal([300, 70], seed: 7);
        Tensor b = SeededInputs.Normal([300, 70], seed: 8);
        Func<Tensor, Tensor, Tensor> loss = (p, q) => Tf.ReduceMean(Tf.Square(p - q), axis: 1);
        float[] expected = loss(a, b).ToArray<float>();
        WithInterpretedCalls(1, () =>
        {
            var f = Tf.Function(loss);
            float[] first = f.Invoke(a, b).ToArray<float>();
            FusedReductionOp step = Assert.Single(Steps<FusedReductionOp>(f.GetConcreteFunction(a, b).Executor.PlanFor([a, b])));
            Assert.False(step.IsSettled);
            float[] second = f.Invoke(a, b).ToArray<float>();
            Assert.True(step.IsSettled);
            AssertFloats.Close(expected, first, Tolerance, equalElementsPass: false);
            AssertFloats.Close(expected, second, Tolerance, equalElementsPass: false);
        });
    }

    private static void WithInterpretedCalls(int calls, Action test)
    {
        int saved = FusedKernelCompiler.InterpretedCalls;
        FusedKernelCompiler.InterpretedCalls = calls;
        try
        {
            test();
        }
        finally
        {
            FusedKernelCompiler.InterpretedCalls = saved;
        }
    }

    private static List<T> Steps<T>(ExecutionPlan plan)
        where T : Op
        => [.. plan.Ops.OfType<T>()];
}
