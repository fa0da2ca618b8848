using System.Reflection;

namespace Nabla.Tests.Ops;

/// <summary>
/// <c>Tf.Math</c> holds TensorFlow's <c>tf.math</c> aliases: each must forward to the op of the same name and
/// signature on <c>Tf</c> (or <c>Tf.Nn</c>), and give the very same result.
/// </summary>
public class TfMathAliasTests
{
    private static readonly Tensor X = Tf.Constant(new double[,] { { -1.5, 0.25, 2 }, { 3, -0.5, 0.75 } });
    private static readonly Tensor Y = Tf.Constant(new double[,] { { 2, -0.75, 2 }, { 1.25, 4, -3 } });
    private static readonly Tensor P = Tf.Constant(new bool[,] { { true, false, true }, { false, false, true } });
    private static readonly Tensor Q = Tf.Constant(new bool[,] { { true, true, false }, { false, true, true } });

    private static readonly Dictionary<string, (Func<Tensor> Alias, Func<Tensor> Direct)> Aliases = new(StringComparer.Ordinal)
    {
        ["Abs(Tensor)"] = (() => Tf.Math.Abs(X), () => Tf.Abs(X)),
        ["Acos(Tensor)"] = (() => Tf.Math.Acos(Tf.Tanh(X)), () => Tf.Acos(Tf.Tanh(X))),
        ["Acosh(Tensor)"] = (() => Tf.Math.Acosh(Tf.Add(Tf.Abs(X), 1)), () => Tf.Acosh(Tf.Add(Tf.Abs(X), 1))),
        ["Asin(Tensor)"] = (() => Tf.Math.Asin(Tf.Tanh(X)), () => Tf.Asin(Tf.Tanh(X))),
        ["Asinh(Tensor)"] = (() => Tf.Math.Asinh(X), () => Tf.Asinh(X)),
        ["Atan(Tensor)"] = (() => Tf.Math.Atan(X), () => Tf.Atan(X)),
        ["Atanh(Tensor)"] = (() => Tf.Math.Atanh(Tf.Tanh(X)), () => Tf.Atanh(Tf.Tanh(X))),
        ["Cosh(Tensor)"] = (() => Tf.Math.Cosh(X), () => Tf.Cosh(X)),
        ["Sinh(Tensor)"] = (() => Tf.Math.Sinh(X), () => Tf.Sinh(X)),
        ["Ceil(Tensor)"] = (() => Tf.Math.Ceil(X), () => Tf.Ceil(X)),
        ["Cos(Tensor)"] = (() => Tf.Math.Cos(X), () => Tf.Cos(X)),
        ["Erf(Tensor)"] = (() => Tf.Math.Erf(X), () => Tf.Erf(X)),
        ["Exp(Tensor)"] = (() => Tf.Math.Exp(X), () => Tf.Exp(X)),
        ["Expm1(Tensor)"] = (() => Tf.Math.Expm1(X), () => Tf.Expm1(X)),
        ["Floor(Tensor)"] = (() => Tf.Math.Floor(X), () => Tf.Floor(X)),
        ["IsFinite(Tensor)"] = (() => Tf.Math.IsFinite(Tf.Log(X)), () => Tf.IsFinite(Tf.Log(X))),
        ["IsNan(Tensor)"] = (() => Tf.Math.IsNan(Tf.Log(X)), () => Tf.IsNan(Tf.Log(X))),
        ["Log(Tensor)"] = (() => Tf.Math.Log(X), () => Tf.Log(X)),
        ["Log1p(Tensor)"] = (() => Tf.Math.Log1p(X), () => Tf.Log1p(X)),
        ["LogicalNot(Tensor)"] = (() => Tf.Math.LogicalNot(P), () => Tf.LogicalNot(P)),
        ["Negative(Tensor)"] = (() => Tf.Math.Negative(X), () => Tf.Negative(X)),
        ["Reciprocal(Tensor)"] = (() => Tf.Math.Reciprocal(X), () => Tf.Reciprocal(X)),
        ["Round(Tensor)"] = (() => Tf.Math.Round(X), () => Tf.Round(X)),
        ["Rsqrt(Tensor)"] = (() => Tf.Math.Rsqrt(X), () => Tf.Rsqrt(X)),
        ["Sigmoid(Tensor)"] = (() => Tf.Math.Sigmoid(X), () => Tf.Sigmoid(X)),
        ["Sign(Tensor)"] = (() => Tf.Math.Sign(X), () => Tf.Sign(X)),
        ["Sin(Tensor)"] = (() => Tf.Math.Sin(X), () => Tf.Sin(X)),
        ["Softplus(Tensor)"] = (() => Tf.Math.Softplus(X), () => Tf.Nn.Softplus(X)),
        ["Sqrt(Tensor)"] = (() => Tf.Math.Sqrt(X), () => Tf.Sqrt(X)),
        ["Square(Tensor)"] = (() => Tf.Math.Square(X), () => Tf.Square(X)),
        ["Tan(Tensor)"] = (() => Tf.Math.Tan(X), () => Tf.Tan(X)),
        ["Tanh(Tensor)"] = (() => Tf.Math.Tanh(X), () => Tf.Tanh(X)),
        ["Add(Tensor, Tensor)"] = (() => Tf.Math.Add(X, Y), () => Tf.Add(X, Y)),
        ["Atan2(Tensor, Tensor)"] = (() => Tf.Math.Atan2(Y, X), () => Tf.Atan2(Y, X)),
        ["Divide(Tensor, Tensor)"] = (() => Tf.Math.Divide(X, Y), () => Tf.Divide(X, Y)),
        ["Equal(Tensor, Tensor)"] = (() => Tf.Math.Equal(X, Y), () => Tf.Equal(X, Y)),
        ["FloorDiv(Tensor, Tensor)"] = (() => Tf.Math.FloorDiv(X, Y), () => Tf.FloorDiv(X, Y)),
        ["FloorMod(Tensor, Tensor)"] = (() => Tf.Math.FloorMod(X, Y), () => Tf.FloorMod(X, Y)),
        ["Greater(Tensor, Tensor)"] = (() => Tf.Math.Greater(X, Y), () => Tf.Greater(X, Y)),
        ["GreaterEqual(Tensor, Tensor)"] = (() => Tf.Math.GreaterEqual(X, Y), () => Tf.GreaterEqual(X, Y)),
        ["Less(Tensor, Tensor)"] = (() => Tf.Math.Less(X, Y), () => Tf.Less(X, Y)),
        ["LessEqual(Tensor, Tensor)"] = (() => Tf.Math.LessEqual(X, Y), () => Tf.LessEqual(X, Y)),
        ["LogicalAnd(Tensor, Tensor)"] = (() => Tf.Math.LogicalAnd(P, Q), () => Tf.LogicalAnd(P, Q)),
        ["LogicalOr(Tensor, Tensor)"] = (() => Tf.Math.LogicalOr(P, Q), () => Tf.LogicalOr(P, Q)),
        ["Maximum(Tensor, Tensor)"] = (() => Tf.Math.Maximum(X, Y), () => Tf.Maximum(X, Y)),
        ["Minimum(Tensor, Tensor)"] = (() => Tf.Math.Minimum(X, Y), () => Tf.Minimum(X, Y)),
        ["Multiply(Tensor, Tensor)"] = (() => Tf.Math.Multiply(X, Y), () => Tf.Multiply(X, Y)),
        ["NotEqual(Tensor, Tensor)"] = (() => Tf.Math.NotEqual(X, Y), () => Tf.NotEqual(X, Y)),
        ["Pow(Tensor, Tensor)"] = (() => Tf.Math.Pow(X, Y), () => Tf.Pow(X, Y)),
        ["SquaredDifference(Tensor, Tensor)"] = (() => Tf.Math.SquaredDifference(X, Y), () => Tf.SquaredDifference(X, Y)),
        ["Subtract(Tensor, Tensor)"] = (() => Tf.Math.Subtract(X, Y), () => Tf.Subtract(X, Y)),
        ["ArgMax(Tensor, Int32, Nullable`1)"] = (() => Tf.Math.ArgMax(X, 1, DType.Int32), () => Tf.ArgMax(X, 1, DType.Int32)),
        ["ArgMin(Tensor, Int32, Nullable`1)"] = (() => Tf.Math.ArgMin(X, 1), () => Tf.ArgMin(X, 1)),
        ["CumSum(Tensor, Int32, Boolean, Boolean)"] = (() => Tf.Math.CumSum(X, 1, exclusive: true, reverse: true), () => Tf.CumSum(X, 1, exclusive: true, reverse: true)),
        ["CumProd(Tensor, Int32, Boolean, Boolean)"] = (() => Tf.Math.CumProd(X, 1, exclusive: true, reverse: true), () => Tf.CumProd(X, 1, exclusive: true, reverse: true)),
        ["SegmentSum(Tensor, Tensor)"] = (() => Tf.Math.SegmentSum(X, Tf.Constant(new[] { 0, 2 })), () => Tf.SegmentSum(X, Tf.Constant(new[] { 0, 2 }))),
        ["SegmentMean(Tensor, Tensor)"] = (() => Tf.Math.SegmentMean(X, Tf.Constant(new[] { 1, 1 })), () => Tf.SegmentMean(X, Tf.Constant(new[] { 1, 1 }))),
        ["SegmentMax(Tensor, Tensor)"] = (() => Tf.Math.SegmentMax(X, Tf.Constant(new[] { 0, 2 })), () => Tf.SegmentMax(X, Tf.Constant(new[] { 0, 2 }))),
        ["SegmentMin(Tensor, Tensor)"] = (() => Tf.Math.SegmentMin(X, Tf.Constant(new[] { 0, 0 })), () => Tf.SegmentMin(X, Tf.Constant(new[] { 0, 0 }))),
        ["UnsortedSegmentMax(Tensor, Tensor, Int32)"] = (() => Tf.Math.UnsortedSegmentMax(X, Tf.Constant(new[] { 2, 0 }), 3), () => Tf.UnsortedSegmentMax(X, Tf.Constant(new[] { 2, 0 }), 3)),
        ["UnsortedSegmentMean(Tensor, Tensor, Int32)"] = (() => Tf.Math.UnsortedSegmentMean(X, Tf.Constant(new[] { 2, 2 }), 3), () => Tf.UnsortedSegmentMean(X, Tf.Constant(new[] { 2, 2 }), 3)),
        ["UnsortedSegmentMin(Tensor, Tensor, Int32)"] = (() => Tf.Math.UnsortedSegmentMin(X, Tf.Constant(new[] { 1, -1 }), 2), () => Tf.UnsortedSegmentMin(X, Tf.Constant(new[] { 1, -1 }), 2)),
        ["TopK(Tensor, Int32, Boolean)"] = (() => TopKBoth(Tf.Math.TopK(X, 2)), () => TopKBoth(Tf.Nn.TopK(X, 2))),
        ["UnsortedSegmentSum(Tensor, Tensor, Int32)"] = (() => Tf.Math.UnsortedSegmentSum(X, Tf.Constant(new[] { 2, 0 }), 3), () => Tf.UnsortedSegmentSum(X, Tf.Constant(new[] { 2, 0 }), 3)),
        ["ReduceAll(Tensor, Nullable`1, Boolean)"] = (() => Tf.Math.ReduceAll(P, 1, keepdims: true), () => Tf.ReduceAll(P, 1, keepdims: true)),
        ["ReduceAll(Tensor, Int32[], Boolean)"] = (() => Tf.Math.ReduceAll(P, [0, 1]), () => Tf.ReduceAll(P, [0, 1])),
        ["ReduceAny(Tensor, Nullable`1, Boolean)"] = (() => Tf.Math.ReduceAny(P, 0), () => Tf.ReduceAny(P, 0)),
        ["ReduceAny(Tensor, Int32[], Boolean)"] = (() => Tf.Math.ReduceAny(P, [1], keepdims: true), () => Tf.ReduceAny(P, [1], keepdims: true)),
        ["ReduceLogSumExp(Tensor, Nullable`1, Boolean)"] = (() => Tf.Math.ReduceLogSumExp(X, 1), () => Tf.ReduceLogSumExp(X, 1)),
        ["ReduceLogSumExp(Tensor, Int32[], Boolean)"] = (() => Tf.Math.ReduceLogSumExp(X, [0]), () => Tf.ReduceLogSumExp(X, [0])),
        ["ReduceMax(Tensor, Nullable`1, Boolean)"] = (() => Tf.Math.ReduceMax(X, 1), () => Tf.ReduceMax(X, 1)),
        ["ReduceMax(Tensor, Int32[], Boolean)"] = (() => Tf.Math.ReduceMax(X, [0], keepdims: true), () => Tf.ReduceMax(X, [0], keepdims: true)),
        ["ReduceMean(Tensor, Nullable`1, Boolean)"] = (() => Tf.Math.ReduceMean(X), () => Tf.ReduceMean(X)),
        ["ReduceMean(Tensor, Int32[], Boolean)"] = (() => Tf.Math.ReduceMean(X, [1]), () => Tf.ReduceMean(X, [1])),
        ["ReduceMin(Tensor, Nullable`1, Boolean)"] = (() => Tf.Math.ReduceMin(X, 0), () => Tf.ReduceMin(X, 0)),
        ["ReduceMin(Tensor, Int32[], Boolean)"] = (() => Tf.Math.ReduceMin(X, [0, 1]), () => Tf.ReduceMin(X, [0, 1])),
        ["ReduceProd(Tensor, Nullable`1, Boolean)"] = (() => Tf.Math.ReduceProd(X, 1), () => Tf.ReduceProd(X, 1)),
        ["ReduceProd(Tensor, Int32[], Boolean)"] = (() => Tf.Math.ReduceProd(X, [0]), () => Tf.ReduceProd(X, [0])),
        ["ReduceStd(Tensor, Nullable`1, Boolean)"] = (() => Tf.Math.ReduceStd(X, 1), () => Tf.ReduceStd(X, 1)),
        ["ReduceStd(Tensor, Int32[], Boolean)"] = (() => Tf.Math.ReduceStd(X, [0]), () => Tf.ReduceStd(X, [0])),
        ["ReduceSum(Tensor, Nullable`1, Boolean)"] = (() => Tf.Math.ReduceSum(X, 1, keepdims: true), () => Tf.ReduceSum(X, 1, keepdims: true)),
        ["ReduceSum(Tensor, Int32[], Boolean)"] = (() => Tf.Math.ReduceSum(X, [0, 1]), () => Tf.ReduceSum(X, [0, 1])),
        ["ReduceVariance(Tensor, Nullable`1, Boolean)"] = (() => Tf.Math.ReduceVariance(X, 0), () => Tf.ReduceVariance(X, 0)),
        ["ReduceVariance(Tensor, Int32[], Boolean)"] = (() => Tf.Math.ReduceVariance(X, [1]), () => Tf.ReduceVariance(X, [1])),
    };

    public static TheoryData<string> Rows() => [.. Aliases.Keys];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Alias_SameInputs_GivesTheTargetsResult(string signature)
    {
        (Func<Tensor> alias, Func<Tensor> direct) = Aliases[signature];
        Tensor expected = direct();
        Tensor actual = alias();
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(Tf.Cast(expected, DType.Float64).ToArray<double>(), Tf.Cast(actual, DType.Float64).ToArray<double>());
    }

    [Fact]
    public void Aliases_EveryMethod_IsTestedAndNamesATargetOfTheSameSignature()
    {
        MethodInfo[] methods = typeof(Tf.Math).GetMethods(BindingFlags.Public | BindingFlags.Static);
        Assert.Equal(Aliases.Keys.Order(StringComparer.Ordinal), methods.Select(Signature).Order(StringComparer.Ordinal));
        foreach (MethodInfo method in methods)
        {
            Type[] parameters = [.. method.GetParameters().Select(p => p.ParameterType)];
            MethodInfo? target = typeof(Tf).GetMethod(method.Name, parameters) ?? typeof(Tf.Nn).GetMethod(method.Name, parameters);
            Assert.True(target is not null, $"Tf.Math.{Signature(method)} has no Tf or Tf.Nn op of the same signature.");
            Assert.Equal(
                method.GetParameters().Select(p => (p.Name, p.HasDefaultValue ? p.DefaultValue : "none")),
                target.GetParameters().Select(p => (p.Name, p.HasDefaultValue ? p.DefaultValue : "none")));
        }
    }

    private static Tensor TopKBoth((Tensor Values, Tensor Indices) topK) => Tf.Concat([topK.Values, Tf.Cast(topK.Indices, DType.Float64)], 1);

    private static string Signature(MethodInfo method)
        => $"{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";
}
