using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary><see cref="Reduction.Run"/> against a naive per-element reference, for every axis subset of rank-4 tensors.</summary>
public class ReductionKernelTests
{
    public static TheoryData<int[], int> MaskCases
    {
        get
        {
            var data = new TheoryData<int[], int>();
            foreach (int[] dims in new[] { new[] { 2, 3, 4, 5 }, new[] { 3, 1, 4, 2 }, new[] { 1, 5, 1, 17 }, new[] { 4, 2, 1, 1 } })
            {
                for (int mask = 0; mask < 16; mask++)
                {
                    data.Add(dims, mask);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(MaskCases))]
    public void Run_EveryAxisSubsetOfRank4_MatchesNaiveReference(int[] dims, int maskBits)
    {
        bool[] mask = [.. Enumerable.Range(0, 4).Select(i => (maskBits & (1 << i)) != 0)];
        var random = new Random(42);
        int size = dims.Aggregate(1, (a, b) => a * b);
        double[] x = [.. Enumerable.Range(0, size).Select(_ => Math.Round((random.NextDouble() * 4) - 2, 3))];

        double[] sum = Run<double, NumericReduceKernel<double, ReduceSumOp.Kernel>>(x, dims, mask);
        AssertClose(Naive(x, dims, mask, 0, (a, b) => a + b), sum);
        AssertClose(Naive(x, dims, mask, double.NegativeInfinity, Math.Max), Run<double, NumericReduceKernel<double, ReduceMaxOp.Kernel>>(x, dims, mask));
        AssertClose(Naive(x, dims, mask, double.PositiveInfinity, Math.Min), Run<double, NumericReduceKernel<double, ReduceMinOp.Kernel>>(x, dims, mask));
        AssertClose(Naive(x, dims, mask, 1, (a, b) => a * b), Run<double, NumericReduceKernel<double, ReduceProdOp.Kernel>>(x, dims, mask));

        int[] xi = [.. x.Select(v => (int)Math.Round(v * 10))];
        int[] sumInt = Run<int, NumericReduceKernel<int, ReduceSumOp.Kernel>>(xi, dims, mask);
        AssertClose(Naive([.. xi.Select(v => (double)v)], dims, mask, 0, (a, b) => a + b), [.. sumInt.Select(v => (double)v)]);

        float[] xf = [.. x.Select(v => (float)v)];
        float[] maxFloat = Run<float, NumericReduceKernel<float, ReduceMaxOp.Kernel>>(xf, dims, mask);
        AssertClose(Naive(x, dims, mask, double.NegativeInfinity, Math.Max), [.. maxFloat.Select(v => (double)v)], 1e-6);
    }

    [Theory]
    [InlineData(new[] { 0 }, new[] { true })]
    [InlineData(new[] { 3, 0 }, new[] { false, true })]
    [InlineData(new[] { 3, 0, 2 }, new[] { true, true, false })]
    [InlineData(new[] { 0, 4 }, new[] { true, false })]
    public void Run_EmptySource_FillsIdentity(int[] dims, bool[] mask)
    {
        int outSize = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            outSize *= mask[i] ? 1 : dims[i];
        }

        var sum = new double[outSize];
        Reduction.Run<double, NumericReduceKernel<double, ReduceSumOp.Kernel>>([], dims, mask, sum);
        Assert.All(sum, v => Assert.Equal(0, v));
        var prod = new double[outSize];
        Reduction.Run<double, NumericReduceKernel<double, ReduceProdOp.Kernel>>([], dims, mask, prod);
        Assert.All(prod, v => Assert.Equal(1, v));
        var max = new float[outSize];
        Reduction.Run<float, NumericReduceKernel<float, ReduceMaxOp.Kernel>>([], dims, mask, max);
        Assert.All(max, v => Assert.Equal(float.NegativeInfinity, v));
        var maxInt = new int[outSize];
        Reduction.Run<int, NumericReduceKernel<int, ReduceMaxOp.Kernel>>([], dims, mask, maxInt);
        Assert.All(maxInt, v => Assert.Equal(int.MinValue, v));
        var any = new bool[outSize];
        Reduction.Run<bool, ReduceAnyOp.Kernel>([], dims, mask, any);
        Assert.All(any, Assert.False);
        var all = new bool[outSize];
        Reduction.Run<bool, ReduceAllOp.Kernel>([], dims, mask, all);
        Assert.All(all, Assert.True);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(257)]
    public void Run_NaNAnywhere_PropagatesForSumMaxMinProd(int length)
    {
        foreach (bool rows in new[] { false, true })
        {
            for (int at = 0; at < length; at += Math.Max(1, length / 5))
            {
                var x = new float[length * 3];
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = i % 2 == 0 ? -0f : 1.5f;
                }

                // Reduced axis of `length` either contiguous (runs) or strided (rows of 3).
                int[] dims = rows ? [length, 3] : [3, length];
                bool[] mask = rows ? [true, false] : [false, true];
                int index = rows ? (at * 3) + 1 : length + at;
                x[index] = float.NaN;
                foreach (float[] y in new[]
                {
                    Run<float, NumericReduceKernel<float, ReduceSumOp.Kernel>>(x, dims, mask), Run<float, NumericReduceKernel<float, ReduceMaxOp.Kernel>>(x, dims, mask),
                    Run<float, NumericReduceKernel<float, ReduceMinOp.Kernel>>(x, dims, mask), Run<float, NumericReduceKernel<float, ReduceProdOp.Kernel>>(x, dims, mask),
                })
                {
                    Assert.True(float.IsNaN(y[1]), $"length {length}, NaN at {at}, rows {rows}: got {y[1]}");
                    Assert.False(float.IsNaN(y[0]) || float.IsNaN(y[2]));
                }
            }
        }
    }

    [Fact]
    public void Run_InfinitiesAndSignedZeros_FollowIeee()
    {
        float[] x = [float.PositiveInfinity, -0f, 2f, float.NegativeInfinity];
        Assert.True(float.IsNaN(Run<float, NumericReduceKernel<float, ReduceSumOp.Kernel>>(x, [4], [true])[0]));
        Assert.Equal(float.PositiveInfinity, Run<float, NumericReduceKernel<float, ReduceMaxOp.Kernel>>(x, [4], [true])[0]);
        Assert.Equal(float.NegativeInfinity, Run<float, NumericReduceKernel<float, ReduceMinOp.Kernel>>(x, [4], [true])[0]);
    }

    [Fact]
    public void Run_BoolRowsAndRuns_MatchLogic()
    {
        bool[] x = [true, false, false, false, false, false, true, true, true];
        Assert.Equal([true, false, true], Run<bool, ReduceAnyOp.Kernel>(x, [3, 3], [false, true]));
        Assert.Equal([false, false, true], Run<bool, ReduceAllOp.Kernel>(x, [3, 3], [false, true]));
        Assert.Equal([true, true, true], Run<bool, ReduceAnyOp.Kernel>(x, [3, 3], [true, false]));
        Assert.Equal([false, false, false], Run<bool, ReduceAllOp.Kernel>(x, [3, 3], [true, false]));
    }

    private static T[] Run<T, TKernel>(T[] x, int[] dims, bool[] mask)
        where TKernel : IReduceKernel<T>
    {
        int size = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            size *= mask[i] ? 1 : dims[i];
        }

        var y = new T[size];
        Reduction.Run<T, TKernel>(x, dims, mask, y);
        return y;
    }

    private static double[] Naive(double[] x, int[] dims, bool[] mask, double identity, Func<double, double, double> op)
    {
        int rank = dims.Length;
        int outSize = 1;
        for (int i = 0; i < rank; i++)
        {
            outSize *= mask[i] ? 1 : dims[i];
        }

        var y = Enumerable.Repeat(identity, outSize).ToArray();
        var index = new int[rank];
        for (int flat = 0; flat < x.Length; flat++)
        {
            int rem = flat;
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d] = rem % dims[d];
                rem /= dims[d];
            }

            int o = 0;
            for (int d = 0; d < rank; d++)
            {
                if (!mask[d])
                {
                    o = (o * dims[d]) + index[d];
                }
            }

            y[o] = op(y[o], x[flat]);
        }

        return y;
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance = 1e-12)
        => Nabla.Tests.TestUtils.AssertTensor.Close(expected, actual, tolerance);
}
