using System.Numerics;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>x &gt;= y</c> with broadcasting, as a bool tensor (no gradient).</summary>
    public static Tensor GreaterEqual(Tensor x, Tensor y) => GreaterEqualOp.Instance.Call(x, y);
}

internal sealed class GreaterEqualOp : ComparisonOp<GreaterEqualOp.Kernel>
{
    public static readonly GreaterEqualOp Instance = new();

    private GreaterEqualOp()
        : base("GreaterEqual", DTypeSet.Numeric)
    {
    }

    internal readonly struct Kernel : IComparisonKernel
    {
        public static bool Invoke<T>(T x, T y)
            where T : unmanaged, INumber<T> => x >= y;

        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y)
            where T : unmanaged, INumber<T> => Vector256.GreaterThanOrEqual(x, y);
    }
}
