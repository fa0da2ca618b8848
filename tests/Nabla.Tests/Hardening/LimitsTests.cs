namespace Nabla.Tests.Hardening;

/// <summary>
/// Sizes, ranks and integers at their limits give one clear error (or TensorFlow's answer), never a wrapped count,
/// a runtime error from inside a kernel or a crash of the process (issue 16).
/// </summary>
public class LimitsTests
{
    public static TheoryData<int[]> HugeShapes => new()
    {
        { [65536, 65536, 65536, 65536] },   // 2^64 elements: a plain long product wraps to 0
        { [65536, 65536] },                 // 2^32
        { [int.MaxValue, 2] },
        { [int.MaxValue] },                 // above Array.MaxLength
        { [46341, 46341] },                 // just above int.MaxValue
    };

    [Theory]
    [MemberData(nameof(HugeShapes))]
    public void ShapeSize_MoreElementsThanAnArray_ThrowsNamingTheShape(int[] dims)
    {
        var shape = new Shape(dims);
        var exception = Assert.Throws<ArgumentException>(() => shape.Size);
        Assert.Contains(shape.ToString(), exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HugeShapes))]
    public void Creation_HugeShape_ThrowsInsteadOfAWrongTensor(int[] dims)
    {
        Assert.Throws<ArgumentException>(() => Tf.Zeros(dims));
        Assert.Throws<ArgumentException>(() => Tf.Ones(dims, DType.Int32));
        Assert.Throws<ArgumentException>(() => Tf.Fill(dims, 1.0f));
        Assert.Throws<ArgumentException>(() => Tf.Random.Uniform(dims, seed: 1));
    }

    [Fact]
    public void ShapeSize_ZeroDimensionBesideHugeOnes_IsZero()
    {
        Assert.Equal(0, new Shape(0, 65536, 65536, 65536, 65536).Size);
        Assert.Equal(0, Tf.Zeros([0, 65536, 65536]).Size);
    }

    [Fact]
    public void Shape_RankAboveTensorFlowsLimit_Throws()
    {
        int[] ones = Enumerable.Repeat(1, Shape.MaxRank + 1).ToArray();
        var exception = Assert.Throws<ArgumentException>(() => new Shape(ones));
        Assert.Contains("254", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Zeros(ones));
        Assert.Throws<ArgumentException>(() => Shape.Partial(new int?[Shape.MaxRank + 1]));
    }

    [Fact]
    public void ExpandDims_PastTheRankLimit_Throws()
    {
        Tensor x = Tf.Zeros(Enumerable.Repeat(1, Shape.MaxRank).ToArray());
        Assert.Throws<ArgumentException>(() => Tf.ExpandDims(x, 0));
    }

    [Fact]
    public void ToString_TensorOfTheLargestRank_Prints()
    {
        // The formatter recurses once per axis: the rank limit bounds it (rank 40,000 overflowed the stack).
        Tensor x = Tf.Ones(Enumerable.Repeat(1, Shape.MaxRank).ToArray(), DType.Int32);
        string text = x.ToString();
        Assert.Contains(new string('[', Shape.MaxRank) + "1" + new string(']', Shape.MaxRank), text, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_OutermostOf150000LiveTapes_DoesNotRecursePerTape()
    {
        var tapes = new GradientTape[150_000];
        for (int i = 0; i < tapes.Length; i++)
        {
            tapes[i] = new GradientTape();
        }

        try
        {
            tapes[0].Dispose();
            Assert.False(tapes[0].IsRecording);
            Assert.True(tapes[^1].IsRecording);
        }
        finally
        {
            for (int i = tapes.Length - 1; i >= 0; i--)
            {
                tapes[i].Dispose();
            }
        }
    }

    [Fact]
    public void Abs_IntegerMinimum_WrapsAsTensorFlowDoes()
    {
        // TensorFlow's abs of the minimum is the minimum (two's complement); TensorPrimitives.Abs throws instead.
        int[] ints = [int.MinValue, -3, 0, 5, int.MaxValue, int.MinValue + 1, -1, int.MinValue, 7, -8, int.MinValue, 2, -2, 1, -1, 0, int.MinValue];
        Assert.Equal(ints.Select(v => v == int.MinValue ? v : Math.Abs(v)).ToArray(), Tf.Abs(Tf.Constant(ints)).ToArray<int>());
        long[] longs = [long.MinValue, -3, 4, long.MinValue, 9, -9, 1];
        Assert.Equal(longs.Select(v => v == long.MinValue ? v : Math.Abs(v)).ToArray(), Tf.Abs(Tf.Constant(longs)).ToArray<long>());
    }

    [Fact]
    public void WeakLong_BeyondInt32IntoAnInt32Op_ThrowsAsTensorFlowDoes()
    {
        Tensor x = Tf.Constant(new[] { 1, 2 });
        var exception = Assert.Throws<ArgumentException>(() => Tf.Add(x, 1L << 40));
        Assert.Contains("1099511627776", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.Add(x, new[] { 0L, long.MinValue }));
        Assert.Throws<ArgumentException>(() => Tf.Add(x, 1e20));
        Assert.Equal([3, -2147483647], Tf.Add(x, new[] { 2L, int.MaxValue }).ToArray<int>());
    }

    [Fact]
    public void VariableAssign_LongBeyondInt32_Throws()
    {
        var v = new Variable(1);
        Assert.Throws<ArgumentException>(() => v.Assign(1L << 33));
        Assert.Throws<ArgumentException>(() => v.AssignAdd(long.MaxValue));
        Assert.Equal(1, v.Item<int>());
        v.Assign(-5L);
        Assert.Equal(-5, v.Item<int>());
    }

    [Theory]
    [InlineData(new[] { 0, 0 })]
    [InlineData(new[] { 1, -1 })]
    public void Reductions_DuplicateAxes_ThrowAsTensorFlowDoes(int[] axes)
    {
        Tensor x = Tf.Ones([2, 3]);
        var exception = Assert.Throws<ArgumentException>(() => Tf.ReduceSum(x, axes));
        Assert.Contains("duplicate dimension", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tf.ReduceMean(x, axes));
        Assert.Throws<ArgumentException>(() => Tf.ReduceMax(x, axes));
    }

    [Fact]
    public void Zeros_NullShape_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Tf.Zeros(null!));
    }

    [Theory]
    [InlineData(double.NaN, 0)]
    [InlineData(1, 0.5)]
    [InlineData(1e20, 0)]
    public void OneHot_OnOrOffValueAnIntegerCannotHold_Throws(double onValue, double offValue)
    {
        var exception = Assert.Throws<ArgumentException>(() => Tf.OneHot(Tf.Constant(new[] { 0, 2 }), 3, onValue, offValue, dtype: DType.Int32));
        Assert.Contains("OneHot", exception.Message, StringComparison.Ordinal);
    }
}
