using System.Numerics;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise test for NaN on a floating tensor, as a bool tensor (no gradient).</summary>
    public static Tensor IsNan(Tensor x) => FloatPredicateOp.IsNanInstance.Call(x);

    /// <summary>Elementwise test for a finite value (neither NaN nor infinite) on a floating tensor, as a bool tensor.</summary>
    public static Tensor IsFinite(Tensor x) => FloatPredicateOp.IsFiniteInstance.Call(x);
}

/// <summary>IsNan and IsFinite: bool-valued tests of floating elements, without a gradient.</summary>
internal sealed class FloatPredicateOp : ElementwiseUnaryOp, IUnaryTile<float, bool>, IUnaryTile<double, bool>
{
    public static readonly FloatPredicateOp IsNanInstance = new("IsNan", nan: true);
    public static readonly FloatPredicateOp IsFiniteInstance = new("IsFinite", nan: false);

    private readonly bool _nan;

    private FloatPredicateOp(string name, bool nan)
        : base(name, DTypeSet.Floating) => _nan = nan;

    protected override DType OutputDType(DType input) => DType.Bool;

    // float16 and bfloat16 arrive widened to float: widening keeps NaN and infinities.
    public void ApplyTile(ReadOnlySpan<float> x, Span<bool> y) => Test(x, y);

    public void ApplyTile(ReadOnlySpan<double> x, Span<bool> y) => Test(x, y);

    protected override Tensor? Derivative(Tensor x, Tensor y) => null;

    private void Test<T>(ReadOnlySpan<T> x, Span<bool> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_nan)
        {
            for (int i = 0; i < x.Length; i++)
            {
                z[i] = T.IsNaN(x[i]);
            }
        }
        else
        {
            for (int i = 0; i < x.Length; i++)
            {
                z[i] = T.IsFinite(x[i]);
            }
        }
    }
}
