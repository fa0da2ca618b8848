using CsCheck;
using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>Property tests (CsCheck, fixed seed) and kernel sweeps for the shape and indexing rules.</summary>
public class ShapePropertyTests
{
    private const string Seed = "0N0XIzNsQ0O2";

    private static readonly int[] s_sizes = [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65];

    // A shape of rank 1..4 (dims 1..6) and a permutation of its axes.
    private static readonly Gen<(int[] Dims, int[] Perm)> s_shapeAndPerm =
        Gen.Int[1, 4].SelectMany(rank => Gen.Select(Gen.Int[1, 6].Array[rank], Gen.Int.Array[rank]))
            .Select(t =>
            {
                int[] perm = Enumerable.Range(0, t.Item1.Length).OrderBy(i => t.Item2[i]).ThenBy(i => i).ToArray();
                return (t.Item1, perm);
            });

    private static Tensor Values(Shape shape)
    {
        var v = new double[shape.Size];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = i switch
            {
                0 => double.NaN,
                1 => -0.0,
                2 => double.PositiveInfinity,
                3 => double.NegativeInfinity,
                _ => i + 0.5,
            };
        }

        return Tf.Constant(v, shape);
    }

    private static double[] NaiveTranspose(double[] x, int[] dims, int[] perm)
    {
        int rank = dims.Length;
        var outDims = perm.Select(p => dims[p]).ToArray();
        var result = new double[x.Length];
        var index = new int[rank];
        for (int flat = 0; flat < x.Length; flat++)
        {
            int rest = flat;
            for (int k = rank - 1; k >= 0; k--)
            {
                index[k] = rest % outDims[k];
                rest /= outDims[k];
            }

            int src = 0;
            for (int d = 0; d < rank; d++)
            {
                int k = Array.IndexOf(perm, d);
                src = (src * dims[d]) + index[k];
            }

            result[flat] = x[src];
        }

        return result;
    }

    private static void SameBits(double[] expected, Tensor actual)
    {
        double[] got = actual.ToArray<double>();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(got[i]), $"element {i}: {expected[i]} vs {got[i]}");
        }
    }

    [Fact]
    public void Transpose_RandomShapesAndPerms_MatchesNaiveAndInverts()
    {
        s_shapeAndPerm.Sample(t =>
        {
            Tensor x = Values(t.Dims);
            Tensor y = Tf.Transpose(x, t.Perm);
            SameBits(NaiveTranspose(x.ToArray<double>(), t.Dims, t.Perm), y);
            var inverse = new int[t.Perm.Length];
            for (int i = 0; i < inverse.Length; i++)
            {
                inverse[t.Perm[i]] = i;
            }

            Tensor back = Tf.Transpose(y, inverse);
            Assert.Equal(x.Shape, back.Shape);
            SameBits(x.ToArray<double>(), back);
        }, seed: Seed, iter: 200, threads: 1);
    }

    [Fact]
    public void Transpose_MatrixSizes_MatchNaiveForEveryElementSize()
    {
        foreach (int n in s_sizes)
        {
            foreach (int m in s_sizes)
            {
                Tensor x = Values([n, m]);
                double[] expected = NaiveTranspose(x.ToArray<double>(), [n, m], [1, 0]);
                SameBits(expected, Tf.Transpose(x));
                if (n % 4 == 1 && m > 1)
                {
                    Tensor asInt = Tf.Transpose(Tf.Cast(Tf.Constant(Enumerable.Range(0, n * m).Select(i => (double)i).ToArray(), [n, m]), DType.Int32));
                    double[] ints = NaiveTranspose(Enumerable.Range(0, n * m).Select(i => (double)i).ToArray(), [n, m], [1, 0]);
                    AssertTensor.Close(ints, asInt);
                    Tensor half = Tf.Transpose(Tf.Cast(Tf.Constant(Enumerable.Range(0, n * m).Select(i => (double)(i % 64)).ToArray(), [n, m]), DType.Float16));
                    AssertTensor.Close(NaiveTranspose(Enumerable.Range(0, n * m).Select(i => (double)(i % 64)).ToArray(), [n, m], [1, 0]), half);
                    Tensor bools = Tf.Transpose(Tf.Cast(Tf.Constant(Enumerable.Range(0, n * m).Select(i => (double)(i % 3 % 2)).ToArray(), [n, m]), DType.Bool));
                    AssertTensor.Close(NaiveTranspose(Enumerable.Range(0, n * m).Select(i => (double)(i % 3 % 2)).ToArray(), [n, m], [1, 0]), bools);
                }
            }
        }
    }

    [Fact]
    public void Transpose_BatchedLargeMatrix_MatchesNaive()
    {
        Tensor x = Values([3, 67, 45]);
        SameBits(NaiveTranspose(x.ToArray<double>(), [3, 67, 45], [0, 2, 1]), Tf.Transpose(x, [0, 2, 1]));
        SameBits(NaiveTranspose(x.ToArray<double>(), [3, 67, 45], [2, 1, 0]), Tf.Transpose(x));
    }

    [Fact]
    public void Reshape_RoundTrip_PreservesElements()
    {
        s_shapeAndPerm.Sample(t =>
        {
            Tensor x = Values(t.Dims);
            int size = x.Size;
            int first = t.Dims[t.Perm[0]];
            Tensor flat = Tf.Reshape(x, [first, -1]);
            Assert.Equal(new Shape(first, size / first), flat.Shape);
            Tensor back = Tf.Reshape(flat, t.Dims);
            Assert.Equal(x.Shape, back.Shape);
            SameBits(x.ToArray<double>(), back);
        }, seed: Seed, iter: 100, threads: 1);
    }

    [Fact]
    public void Indexer_Ranges_EqualSliceAndPositionsEqualSqueezedSlice()
    {
        Gen.Select(Gen.Int[1, 7], Gen.Int[1, 5], Gen.Int[0, 1000], Gen.Int[0, 1000]).Sample(t =>
        {
            (int rows, int cols, int r1, int r2) = t;
            Tensor x = Values([rows, cols]);
            int a = r1 % (rows + 1);
            int b = a + (r2 % (rows - a + 1));
            SameBits(Tf.Slice(x, [a, 0], [b - a, -1]).ToArray<double>(), x[a..b]);
            Assert.Equal(new Shape(b - a, cols), x[a..b].Shape);
            int i = r2 % rows;
            int j = r1 % cols;
            SameBits(Tf.Squeeze(Tf.Slice(x, [0, j], [-1, 1]), [1]).ToArray<double>(), x[.., j]);
            SameBits(Tf.Reshape(Tf.Slice(x, [i, j], [1, 1]), Shape.Scalar).ToArray<double>(), x[^(rows - i), j]);
        }, seed: Seed, iter: 200, threads: 1);
    }

    [Fact]
    public void SliceThenPad_RoundTrip_RestoresInteriorAndZeroesRest()
    {
        Gen.Select(Gen.Int[1, 9], Gen.Int[1, 9], Gen.Int[0, 100], Gen.Int[0, 100]).Sample(t =>
        {
            (int rows, int cols, int s1, int s2) = t;
            Tensor x = Tf.Add(Values([rows, cols]), 0.0);
            int b0 = s1 % rows;
            int b1 = s2 % cols;
            Tensor block = Tf.Slice(x, [b0, b1], [-1, -1]);
            Tensor padded = Tf.Pad(block, new[,] { { b0, 0 }, { b1, 0 } });
            double[] xs = x.ToArray<double>();
            double[] ps = padded.ToArray<double>();
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    double expected = r >= b0 && c >= b1 ? xs[(r * cols) + c] : 0;
                    Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(ps[(r * cols) + c]));
                }
            }

            SameBits(Tf.Reverse(Tf.Reverse(x, [0, 1]), [1, 0]).ToArray<double>(), x);
        }, seed: Seed, iter: 100, threads: 1);
    }
}
