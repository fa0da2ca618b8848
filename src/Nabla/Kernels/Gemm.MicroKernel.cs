using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <content>Micro-kernel contract, the scalar micro-kernel and the vector multiply-add helpers.</content>
internal static partial class Gemm
{
    /// <summary>
    /// A register-blocked micro-kernel computing one MR×NR tile of C from an MR-row micro-panel of packed A
    /// and an NR-column micro-panel of packed B. Implemented by structs and used as a generic argument, so the
    /// JIT specializes the whole blocked driver per kernel (constant MR/NR, no virtual or interface calls).
    /// </summary>
    private interface IMicroKernel<T>
        where T : unmanaged
    {
        /// <summary>Gets the tile height: rows of C per call (A scalars broadcast per step of p).</summary>
        static abstract int MR { get; }

        /// <summary>Gets the tile width: columns of C per call (B elements loaded per step of p).</summary>
        static abstract int NR { get; }

        /// <summary>
        /// Computes <c>C[0..MR, 0..NR] (+)= Apanel · Bpanel</c> where <paramref name="a"/> holds kc steps of MR
        /// scalars and <paramref name="b"/> kc steps of NR scalars. When <paramref name="accumulate"/> is false,
        /// C is overwritten without being read (it may hold garbage).
        /// </summary>
        static abstract unsafe void Run(int kc, T* a, T* b, T* c, nint ldc, bool accumulate);
    }

    /// <summary>Returns <c>x·y + acc</c>, fused (single rounding) for floating point where the hardware allows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MultiplyAdd<T>(Vector512<T> x, Vector512<T> y, Vector512<T> acc)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        }

        return (x * y) + acc;
    }

    /// <summary>Returns <c>x·y + acc</c>, fused for floating point when FMA3 is available.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MultiplyAdd<T>(Vector256<T> x, Vector256<T> y, Vector256<T> acc)
    {
        // Without hardware FMA the fused form would be emulated in software; plain mul + add is far faster.
        if (typeof(T) == typeof(float) && Fma.IsSupported)
        {
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double) && Fma.IsSupported)
        {
            return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        }

        return (x * y) + acc;
    }

    /// <summary>Returns <c>x·y + acc</c>, fused for floating point when FMA3 or Arm AdvSimd is available.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> MultiplyAdd<T>(Vector128<T> x, Vector128<T> y, Vector128<T> acc)
    {
        if (typeof(T) == typeof(float) && (Fma.IsSupported || AdvSimd.IsSupported))
        {
            return Vector128.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double) && (Fma.IsSupported || AdvSimd.Arm64.IsSupported))
        {
            return Vector128.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        }

        return (x * y) + acc;
    }

    /// <summary>
    /// Portable 4×4 scalar micro-kernel for hardware without vector acceleration: sixteen accumulators fit
    /// the general-purpose or scalar floating-point register files of every 64-bit target.
    /// </summary>
    private readonly struct KernelScalar<T> : IMicroKernel<T>
        where T : unmanaged, INumberBase<T>
    {
        public static int MR => 4;

        public static int NR => 4;

        public static unsafe void Run(int kc, T* a, T* b, T* c, nint ldc, bool accumulate)
        {
            T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
            T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
            T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero;
            T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
            for (int p = 0; p < kc; p++)
            {
                T b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
                T a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
                c00 += a0 * b0;
                c01 += a0 * b1;
                c02 += a0 * b2;
                c03 += a0 * b3;
                c10 += a1 * b0;
                c11 += a1 * b1;
                c12 += a1 * b2;
                c13 += a1 * b3;
                c20 += a2 * b0;
                c21 += a2 * b1;
                c22 += a2 * b2;
                c23 += a2 * b3;
                c30 += a3 * b0;
                c31 += a3 * b1;
                c32 += a3 * b2;
                c33 += a3 * b3;
                a += 4;
                b += 4;
            }

            StoreRow(c, c00, c01, c02, c03, accumulate);
            StoreRow(c + ldc, c10, c11, c12, c13, accumulate);
            StoreRow(c + (2 * ldc), c20, c21, c22, c23, accumulate);
            StoreRow(c + (3 * ldc), c30, c31, c32, c33, accumulate);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void StoreRow(T* row, T v0, T v1, T v2, T v3, bool accumulate)
        {
            if (accumulate)
            {
                row[0] += v0;
                row[1] += v1;
                row[2] += v2;
                row[3] += v3;
            }
            else
            {
                row[0] = v0;
                row[1] = v1;
                row[2] = v2;
                row[3] = v3;
            }
        }
    }
}
