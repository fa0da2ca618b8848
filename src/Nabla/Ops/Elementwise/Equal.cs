using System.Numerics;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>Elementwise <c>x == y</c> with broadcasting, as a bool tensor (no gradient).</summary>
    public static Tensor Equal(Tensor x, Tensor y) => EqualOp.Instance.Call(x, y);
}

internal sealed class EqualOp : ComparisonOp<EqualOp.Kernel>
{
    public static readonly EqualOp Instance = new();

    private EqualOp()
        : base("Equal", DTypeSet.All)
    {
    }

    internal readonly struct Kernel : IComparisonKernel
    {
        public static bool Invoke<T>(T x, T y)
            where T : unmanaged, INumber<T> => x == y;

        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y)
            where T : unmanaged, INumber<T> => Vector256.Equals(x, y);
    }
}
