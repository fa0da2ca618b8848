using System.Reflection;

namespace Nabla.Tests.Ops;

/// <summary>
/// <c>Op.Call</c> is the one call verb and always applies the op's dtype rules, whoever calls it (a Tf method or
/// a gradient rule): a weak C# value beside a strong tensor takes the tensor's dtype, strong mismatches throw.
/// </summary>
public class CallVerbTests
{
    private static readonly Dictionary<string, ElementwiseBinaryOp> s_binaryOps = typeof(Op).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(ElementwiseBinaryOp).IsAssignableFrom(t))
        .Select(t => t.GetField("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
        .OfType<ElementwiseBinaryOp>()
        .ToDictionary(op => op.Name);

    public static TheoryData<string> BinaryOps => new(s_binaryOps.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void BinaryOps_AreFoundByReflection()
        => Assert.Superset(new HashSet<string> { "AddV2", "Mul", "RealDiv", "Equal", "LogicalAnd", "Pow" }, s_binaryOps.Keys.ToHashSet());

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void Call_WeakValueBesideStrongTensor_TakesTheTensorsDType(string name)
    {
        ElementwiseBinaryOp op = s_binaryOps[name];
        bool logical = !op.Supported.Contains(DType.Float32);
        DType dtype = logical ? DType.Bool : DType.Float32;
        Tensor x = Tf.Cast(Tf.Constant(new[] { 1.5, 2.0, 3.0 }), dtype);
        Tensor weak = logical ? true : 1;
        Tensor strong = Tf.Cast(Tf.Constant(1), dtype);

        Tensor viaWeak = op.Call(x, weak);
        Tensor viaStrong = op.Call(x, strong);
        Tensor swapped = op.Call(weak, x);

        Assert.Equal(viaStrong.DType, viaWeak.DType);
        Assert.Equal(viaStrong.DType, swapped.DType);
        Assert.Equal(Doubles(viaStrong), Doubles(viaWeak));
        Assert.Equal(Doubles(op.Call(strong, x)), Doubles(swapped));
    }

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void Call_StrongMismatch_ThrowsNamingTheOpAndBothDTypes(string name)
    {
        ElementwiseBinaryOp op = s_binaryOps[name];
        Tensor x = Tf.Constant(new[] { 1f, 2f });
        Tensor y = Tf.Constant(new[] { 1.0, 2.0 });
        var e = Assert.Throws<ArgumentException>(() => op.Call(x, y));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.Contains("float32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Call_DivideOfIntegers_PromotesToFloat64InTheVerbItself()
    {
        Tensor z = DivideOp.Instance.Call(Tf.Constant(new[] { 1, 3 }), 2);
        Assert.Equal(DType.Float64, z.DType);
        Assert.Equal([0.5, 1.5], z.ToArray<double>());
    }

    [Fact]
    public void Call_WhereWithAWeakBranch_TakesTheOtherBranchsDType()
    {
        Tensor z = WhereOp.Instance.Call(Tf.Constant(new[] { true, false }), Tf.Constant(new[] { 1f, 2f }), 0);
        Assert.Equal(DType.Float32, z.DType);
        Assert.Equal([1f, 0f], z.ToArray<float>());
    }

    [Fact]
    public void Call_NullInput_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => AddOp.Instance.Call(Tf.Constant(1f), null!));
        Assert.Throws<ArgumentNullException>(() => ExpOp.Instance.Call((Tensor)null!));
    }

    private static double[] Doubles(Tensor t) => Tf.Cast(t, DType.Float64).ToArray<double>();
}
