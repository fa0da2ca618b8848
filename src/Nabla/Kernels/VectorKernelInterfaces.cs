using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// An elementwise float32 kernel stated for one register (eight floats in a Vector256, sixteen in a Vector512), so the compiled fusion path
/// (<see cref="FusedKernelCompiler"/>) can chain it with its neighbours without leaving registers. An op's kernel
/// struct implements it beside its span kernel; both must give the same values (the fusion tests compare the fused
/// plan with the unfused one, NaN and infinities included). Implementations are
/// <c>[MethodImpl(MethodImplOptions.AggressiveInlining)]</c>: a call left in the fused loop would run unoptimized code.
/// </summary>
internal interface IVectorUnaryKernel
{
    static abstract Vector256<float> ApplyVector(Vector256<float> x);

    static abstract Vector512<float> ApplyVector(Vector512<float> x);
}

/// <summary>The two-operand form of <see cref="IVectorUnaryKernel"/>.</summary>
internal interface IVectorBinaryKernel
{
    static abstract Vector256<float> ApplyVector(Vector256<float> x, Vector256<float> y);

    static abstract Vector512<float> ApplyVector(Vector512<float> x, Vector512<float> y);
}
