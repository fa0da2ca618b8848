using System.Numerics;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>x &lt; y</c> with broadcasting, as a bool tensor (no gradient).</summary>
    public static Tensor Less(Tensor x, Tensor y) => LessOp.Instance.Call(x, y);
}

internal sealed class LessOp : ComparisonOp<LessOp.Kernel>
{
    public static readonly LessOp Instance = new();

    private LessOp()
        : base("Less", DTypeSet.Numeric)
    {
    }

    internal readonly struct Kernel : IComparisonKernel
    {
        public static bool Invoke<T>(T x, T y)
            where T : unmanaged, INumber<T> => x < y;

        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y)
            where T : unmanaged, INumber<T> => Vector256.LessThan(x, y);
    }
}
