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
internal sealed class FloatPredicateOp : ElementwiseUnaryOp
{
    public static readonly FloatPredicateOp IsNanInstance = new("IsNan", nan: true);
    public static readonly FloatPredicateOp IsFiniteInstance = new("IsFinite", nan: false);

    private readonly bool _nan;

    private FloatPredicateOp(string name, bool nan)
        : base(name, DTypeSet.Floating) => _nan = nan;

    protected override DType OutputDType(DType input) => DType.Bool;

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        Span<bool> z = output.Write<bool>();
        switch (x.DType.Code)
        {
            case DTypeCode.Float16: Test(x.Read<Half>(), z); break;
            case DTypeCode.Float32: Test(x.Read<float>(), z); break;
            case DTypeCode.Float64: Test(x.Read<double>(), z); break;
            default:
                ReadOnlySpan<BFloat16> b = x.Read<BFloat16>();
                for (int i = 0; i < b.Length; i++)
                {
                    float v = b[i].ToSingle();
                    z[i] = _nan ? float.IsNaN(v) : float.IsFinite(v);
                }

                break;
        }
    }

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
