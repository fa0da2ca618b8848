using System.Numerics;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>x &gt; y</c> with broadcasting, as a bool tensor (no gradient).</summary>
    public static Tensor Greater(Tensor x, Tensor y) => GreaterOp.Instance.Call(x, y);
}

internal sealed class GreaterOp : ComparisonOp<GreaterOp.Kernel>
{
    public static readonly GreaterOp Instance = new();

    private GreaterOp()
        : base("Greater", DTypeSet.Numeric)
    {
    }

    internal readonly struct Kernel : IComparisonKernel
    {
        public static bool Invoke<T>(T x, T y)
            where T : unmanaged, INumber<T> => x > y;

        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y)
            where T : unmanaged, INumber<T> => Vector256.GreaterThan(x, y);
    }
}
