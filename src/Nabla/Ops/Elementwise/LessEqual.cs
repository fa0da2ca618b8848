using System.Numerics;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>x &lt;= y</c> with broadcasting, as a bool tensor (no gradient).</summary>
    public static Tensor LessEqual(Tensor x, Tensor y) => LessEqualOp.Instance.Call(x, y);
}

internal sealed class LessEqualOp : ComparisonOp<LessEqualOp.Kernel>
{
    public static readonly LessEqualOp Instance = new();

    private LessEqualOp()
        : base("LessEqual", DTypeSet.Numeric)
    {
    }

    internal readonly struct Kernel : IComparisonKernel
    {
        public static bool Invoke<T>(T x, T y)
            where T : unmanaged, INumber<T> => x <= y;

        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y)
            where T : unmanaged, INumber<T> => Vector256.LessThanOrEqual(x, y);
    }
}
