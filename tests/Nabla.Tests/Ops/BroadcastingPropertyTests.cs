using CsCheck;
using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>
/// NumPy's broadcasting rule as properties: for random compatible shape pairs a binary op equals an explicit
/// BroadcastTo of both operands followed by an elementwise op, with NumPy's result shape; random incompatible
/// pairs throw an ArgumentException naming both shapes.
/// </summary>
public class BroadcastingPropertyTests
{
    private const int Iterations = 250;

    /// <summary>An output shape of rank 0..4 (dims 0..4), and two operands taken as suffixes of it with some dims set to 1.</summary>
    private static readonly Gen<(int[] X, int[] Y)> s_compatible = Gen.Select(
        Gen.Int[0, 4].Array[0, 4], Gen.Int[0, 4], Gen.Int[0, 4], Gen.Int[0, 15], Gen.Int[0, 15],
        (dims, xRank, yRank, xOnes, yOnes) => (Operand(dims, xRank, xOnes), Operand(dims, yRank, yOnes)));

    /// <summary>Two shapes with one aligned axis of different sizes, both above 1.</summary>
    private static readonly Gen<(int[] X, int[] Y)> s_incompatible = Gen.Select(
        Gen.Int[1, 3].Array[1, 4], Gen.Int[1, 3].Array[1, 4], Gen.Int[0, 3], Gen.Int[2, 4], Gen.Int[1, 3],
        (a, b, axis, size, delta) =>
        {
            int k = axis % Math.Min(a.Length, b.Length);
            a[a.Length - 1 - k] = size;
            b[b.Length - 1 - k] = size + delta;
            return (a, b);
        });

    private static int[] Operand(int[] dims, int rank, int onesMask)
    {
        int r = Math.Min(rank, dims.Length);
        var result = new int[r];
        for (int i = 0; i < r; i++)
        {
            result[i] = (onesMask & (1 << i)) != 0 ? 1 : dims[dims.Length - r + i];
        }

        return result;
    }

    private static double[] Iota(int count, double scale)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (i + 1) * scale;
        }

        return values;
    }

    [Fact]
    public void Add_CompatibleShapes_EqualsExplicitBroadcastThenElementwise()
    {
        s_compatible.Sample(pair =>
        {
            (int[] xDims, int[] yDims) = pair;
            int[] outDims = BinaryCatalog.BroadcastShape(xDims, yDims);
            foreach (DType dtype in new[] { DType.Float64, DType.Int32 })
            {
                Tensor x = BinaryCatalog.Make(Iota(new Shape(xDims).Size, 1), xDims, dtype);
                Tensor y = BinaryCatalog.Make(Iota(new Shape(yDims).Size, 1000), yDims, dtype);
                Tensor z = Tf.Add(x, y);
                Assert.Equal(new Shape(outDims), z.Shape);
                Assert.Equal(dtype, z.DType);

                double[] xb = AssertTensor.ToDoubles(Tf.BroadcastTo(x, new Shape(outDims)));
                double[] yb = AssertTensor.ToDoubles(Tf.BroadcastTo(y, new Shape(outDims)));
                var expected = new double[xb.Length];
                for (int i = 0; i < expected.Length; i++)
                {
                    expected[i] = xb[i] + yb[i];
                }

                AssertTensor.Close(expected, z, new Shape(outDims));

                // BroadcastTo is itself checked against explicit indexing, so the property does not lean on it alone.
                AssertTensor.Close(BinaryCatalog.Expand(AssertTensor.ToDoubles(x), xDims, outDims), Tf.BroadcastTo(x, new Shape(outDims)));
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Maximum_CompatibleShapes_EqualsExplicitIndexing()
    {
        s_compatible.Sample(pair =>
        {
            (int[] xDims, int[] yDims) = pair;
            int[] outDims = BinaryCatalog.BroadcastShape(xDims, yDims);
            double[] xv = Iota(new Shape(xDims).Size, 1);
            double[] yv = Iota(new Shape(yDims).Size, -0.75);
            for (int i = 0; i < yv.Length; i++)
            {
                yv[i] += 2 * yv.Length; // interleave the two operands' values so both sides win somewhere
            }

            double[] xe = BinaryCatalog.Expand(xv, xDims, outDims);
            double[] ye = BinaryCatalog.Expand(yv, yDims, outDims);
            var expected = new double[xe.Length];
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] = Math.Max(xe[i], ye[i]);
            }

            Tensor z = Tf.Maximum(Tf.Constant(xv, new Shape(xDims)), Tf.Constant(yv, new Shape(yDims)));
            AssertTensor.Close(expected, z, new Shape(outDims));
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Add_IncompatibleShapes_ThrowsNamingBothShapes()
    {
        s_incompatible.Sample(pair =>
        {
            (int[] xDims, int[] yDims) = pair;
            Tensor x = Tf.Zeros(new Shape(xDims), DType.Float64);
            Tensor y = Tf.Zeros(new Shape(yDims), DType.Float64);
            var e = Assert.Throws<ArgumentException>(() => Tf.Add(x, y));
            Assert.Contains(x.Shape.ToString(), e.Message, StringComparison.Ordinal);
            Assert.Contains(y.Shape.ToString(), e.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => Tf.Add(y, x));
        }, iter: Iterations, threads: 1);
    }
}
