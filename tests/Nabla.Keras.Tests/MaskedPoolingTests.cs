using Nabla.Keras.Tests.Recurrent;

namespace Nabla.Keras.Tests;

/// <summary>GlobalAveragePooling1D honours Keras masks: the mean over the unmasked steps only, no mask on its output.</summary>
public class MaskedPoolingTests
{
    private static readonly int[,] s_ids = { { 3, 5, 2, 0, 0 }, { 7, 1, 4, 9, 6 }, { 8, 0, 0, 0, 0 } };

    [Fact]
    public void GlobalAveragePooling1D_AfterEmbeddingWithMaskZero_AveragesTheRealStepsOnly()
    {
        var embedding = new Embedding(10, 4, maskZero: true, dtype: DType.Float64);
        var pool = new GlobalAveragePooling1D(dtype: DType.Float64);
        Tensor embedded = embedding.Apply(Tf.Constant(s_ids));
        Tensor pooled = pool.Apply(embedded);
        Assert.Null(Backend.GetKerasMask(pooled));
        Assert.Equal([3, 4], pooled.Shape.ToArray());

        // The float64 reference: the mean of each sample's rows for its non-zero ids.
        double[] table = embedding.Variables[0].ToArray<double>(), got = pooled.ToArray<double>();
        for (int b = 0; b < 3; b++)
        {
            int[] real = [.. Enumerable.Range(0, 5).Select(t => s_ids[b, t]).Where(id => id != 0)];
            for (int c = 0; c < 4; c++)
            {
                double expected = real.Average(id => table[(id * 4) + c]);
                Assert.Equal(expected, got[(b * 4) + c], 1e-12);
            }
        }

        // Without a mask the plain mean over every step, padding included.
        Tensor unmasked = new GlobalAveragePooling1D(dtype: DType.Float64).Apply(Tf.Identity(embedded));
        AttentionLayers.AttentionReference.AssertClose(
            Tf.ReduceMean(embedded, 1).ToArray<double>(), unmasked.ToArray<double>(), 1e-12, "unmasked");
        Assert.NotEqual(got[0], unmasked.ToArray<double>()[0]);
        Assert.Equal([3, 1, 4], new GlobalAveragePooling1D(keepDims: true, dtype: DType.Float64).Apply(embedded).Shape.ToArray());
    }

    [Fact]
    public void GlobalAveragePooling1D_Masked_GradientsMatchFiniteDifferences_AndPaddingGetsNone()
    {
        var x = new Variable(AttentionLayers.AttentionReference.RandomTensor(3, [3, 5, 2]), name: "x");
        Tensor mask = Tf.NotEqual(Tf.Constant(s_ids), 0);
        var pool = new GlobalAveragePooling1D(dtype: DType.Float64);
        Tensor Pooled()
        {
            Tensor masked = Tf.Identity(x);
            Backend.SetKerasMask(masked, mask);
            return pool.Apply(masked);
        }

        FiniteDifferences.Check(() => FiniteDifferences.Weighted(Pooled(), 4), [x], "masked average pooling");
        using var tape = new GradientTape();
        Tensor? gradient = tape.Gradient(Tf.ReduceSum(Pooled()), x);
        double[] g = gradient!.ToArray<double>();
        Assert.Equal(0, g[(0 * 10) + (3 * 2)]);   // sample 0, step 3: padding
        Assert.Equal(1.0 / 3, g[0], 1e-12);        // sample 0 has three real steps
    }

    [Fact]
    public void GlobalAveragePooling1D_MaskOfAnotherShape_ThrowsNamingTheLayer()
    {
        Tensor x = Tf.Ones(new Shape(2, 4, 3));
        Backend.SetKerasMask(x, Tf.Constant(new[,] { { true, false, true } }));
        var e = Assert.Throws<ArgumentException>(() => new GlobalAveragePooling1D(name: "gap").Apply(x));
        Assert.Contains("gap", e.Message, StringComparison.Ordinal);
        Assert.Contains("(1, 3)", e.Message, StringComparison.Ordinal);
    }
}
