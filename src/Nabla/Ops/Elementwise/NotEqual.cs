using System.Numerics;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>x != y</c> with broadcasting, as a bool tensor (no gradient).</summary>
    public static Tensor NotEqual(Tensor x, Tensor y) => NotEqualOp.Instance.Call(x, y);
}

internal sealed class NotEqualOp : ComparisonOp<NotEqualOp.Kernel>
{
    public static readonly NotEqualOp Instance = new();

    private NotEqualOp()
        : base("NotEqual", DTypeSet.All)
    {
    }

    internal readonly struct Kernel : IComparisonKernel
    {
        public static bool Invoke<T>(T x, T y)
            where T : unmanaged, INumber<T> => x != y;

        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y)
            where T : unmanaged, INumber<T> => ~Vector256.Equals(x, y);
    }
}
