using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// General matrix multiplication kernels: <c>C = op(A) · op(B)</c> over contiguous row-major spans.
/// </summary>
/// <remarks>
/// <para>
/// Large products use a BLIS-style blocked algorithm: panels of A and B are packed into contiguous,
/// cache-line-aligned scratch buffers so that a register-blocked micro-kernel can stream them with unit
/// stride, whatever the orientation of the operands (transposition is absorbed by the packing routines).
/// Small products (tiny matrices, matrix-vector shapes) take a direct path because the packing overhead
/// would dominate there.
/// </para>
/// <para>All entry points are thread-safe: scratch buffers are per thread.</para>
/// </remarks>
internal static partial class Gemm
{
    /// <summary>
    /// Up to this many multiply-adds (<c>m·n·k</c>, about 48³) a product whose op(B) has contiguous rows is
    /// computed directly by <see cref="SmallRowBlocked{T}"/>: measured faster than the blocked path there,
    /// whose fixed costs (packing copies, zero-padded edge tiles, block bookkeeping) dominate tiny products.
    /// </summary>
    private const long SmallPathMaxVolume = 48 * 48 * 48;

    /// <summary>
    /// Small products with a transposed B and plain A are computed as independent dot products when the dots
    /// are at least this long (e.g. 2×3 outputs over k = 4000, where the blocked path would mostly multiply
    /// padding). With short dots the blocked path wins: 8³ to 48³ with a transposed B measured 1.5–5× faster.
    /// </summary>
    private const int DotPathMinDepth = 64;

    /// <summary>
    /// From this many multiply-adds (about 160³, i.e. 8 MFLOP, some 50 µs on one core) the blocked path is
    /// split over threads; measured on 2 cores, 128³ was still faster on one thread (with the earlier
    /// fork/join driver, whose thread start and packing barrier were not repaid) while 192³ gained ~30%.
    /// </summary>
    private const long ParallelMinVolume = 4L * 1024 * 1024;

    /// <summary>
    /// Products with at most this many columns and contiguous op(B) rows (beyond the small path) take the narrow
    /// kernel (<see cref="TryNarrow{T}"/>) where 512-bit vectors exist: 16 floats, the width of one vector.
    /// Measured on the MLP's 10-column products (128×256·256×10 and its weight gradient): 25–35 µs on the
    /// blocked path, whose 32-column micro-panels are two-thirds padding.
    /// </summary>
    private static int NarrowMaxColumns => Vector512.IsHardwareAccelerated ? 16 : 0;

    private static int s_maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>
    /// Gets or sets the maximum number of threads one <c>Multiply</c> call may use (default:
    /// <see cref="Environment.ProcessorCount"/>). Set to 1 to force single-threaded execution.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxDegreeOfParallelism
    {
        get => s_maxDegreeOfParallelism;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            s_maxDegreeOfParallelism = value;
        }
    }

    /// <summary>Which micro-kernel family the blocked path uses.</summary>
    internal enum KernelKind
    {
        /// <summary>Pick the widest accelerated vector width.</summary>
        Auto,

        /// <summary>512-bit vectors.</summary>
        Vector512,

        /// <summary>256-bit vectors.</summary>
        Vector256,

        /// <summary>128-bit vectors.</summary>
        Vector128,

        /// <summary>Portable scalar code.</summary>
        Scalar,
    }

    /// <summary>
    /// Gets or sets a forced micro-kernel family (tests use it to exercise the fallbacks on any machine);
    /// <see cref="KernelKind.Auto"/> selects by hardware support.
    /// </summary>
    internal static KernelKind KernelOverride { get; set; }

    /// <summary>
    /// Computes <c>C[m,n] = op(A)[m,k] · op(B)[k,n]</c> for row-major contiguous single-precision matrices.
    /// </summary>
    /// <param name="a">A, stored m×k, or k×m when <paramref name="transposeA"/> is set.</param>
    /// <param name="b">B, stored k×n, or n×k when <paramref name="transposeB"/> is set.</param>
    /// <param name="c">C, m×n; fully overwritten (its previous contents are ignored).</param>
    /// <param name="m">Rows of op(A) and of C.</param>
    /// <param name="n">Columns of op(B) and of C.</param>
    /// <param name="k">Columns of op(A) and rows of op(B); when 0, C is filled with zeros.</param>
    /// <param name="transposeA">Whether op(A) is the transpose of the stored A.</param>
    /// <param name="transposeB">Whether op(B) is the transpose of the stored B.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool transposeA, bool transposeB)
        => MultiplyCore(a, b, c, m, n, k, transposeA, transposeB, epilogue: null);

    /// <summary>
    /// Computes <c>C = op(A) · op(B)</c> as <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool)"/>
    /// does, then runs <paramref name="epilogue"/> over every element range of C as soon as it is final: on the
    /// blocked paths one row of a micro-panel (at most NB columns) at a time, while it is still in cache, from
    /// whichever thread computed it; on the small paths over all of C at the end.
    /// </summary>
    internal static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool transposeA, bool transposeB, IGemmEpilogue epilogue)
        => MultiplyCore(a, b, c, m, n, k, transposeA, transposeB, epilogue);

    /// <summary>
    /// Computes <c>C[m,n] = op(A)[m,k] · op(B)[k,n]</c> for row-major contiguous double-precision matrices.
    /// </summary>
    /// <param name="a">A, stored m×k, or k×m when <paramref name="transposeA"/> is set.</param>
    /// <param name="b">B, stored k×n, or n×k when <paramref name="transposeB"/> is set.</param>
    /// <param name="c">C, m×n; fully overwritten (its previous contents are ignored).</param>
    /// <param name="m">Rows of op(A) and of C.</param>
    /// <param name="n">Columns of op(B) and of C.</param>
    /// <param name="k">Columns of op(A) and rows of op(B); when 0, C is filled with zeros.</param>
    /// <param name="transposeA">Whether op(A) is the transpose of the stored A.</param>
    /// <param name="transposeB">Whether op(B) is the transpose of the stored B.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int n, int k, bool transposeA, bool transposeB)
        => MultiplyCore(a, b, c, m, n, k, transposeA, transposeB, epilogue: null);

    /// <summary>
    /// Computes <c>C[m,n] = op(A)[m,k] · op(B)[k,n]</c> for row-major contiguous 32-bit integer matrices
    /// (wrapping on overflow).
    /// </summary>
    /// <param name="a">A, stored m×k, or k×m when <paramref name="transposeA"/> is set.</param>
    /// <param name="b">B, stored k×n, or n×k when <paramref name="transposeB"/> is set.</param>
    /// <param name="c">C, m×n; fully overwritten (its previous contents are ignored).</param>
    /// <param name="m">Rows of op(A) and of C.</param>
    /// <param name="n">Columns of op(B) and of C.</param>
    /// <param name="k">Columns of op(A) and rows of op(B); when 0, C is filled with zeros.</param>
    /// <param name="transposeA">Whether op(A) is the transpose of the stored A.</param>
    /// <param name="transposeB">Whether op(B) is the transpose of the stored B.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
    public static void Multiply(ReadOnlySpan<int> a, ReadOnlySpan<int> b, Span<int> c, int m, int n, int k, bool transposeA, bool transposeB)
        => MultiplyCore(a, b, c, m, n, k, transposeA, transposeB, epilogue: null);

    /// <summary>
    /// Computes <c>C[m,n] = op(A)[m,k] · op(B)[k,n]</c> for row-major contiguous 64-bit integer matrices
    /// (wrapping on overflow).
    /// </summary>
    /// <param name="a">A, stored m×k, or k×m when <paramref name="transposeA"/> is set.</param>
    /// <param name="b">B, stored k×n, or n×k when <paramref name="transposeB"/> is set.</param>
    /// <param name="c">C, m×n; fully overwritten (its previous contents are ignored).</param>
    /// <param name="m">Rows of op(A) and of C.</param>
    /// <param name="n">Columns of op(B) and of C.</param>
    /// <param name="k">Columns of op(A) and rows of op(B); when 0, C is filled with zeros.</param>
    /// <param name="transposeA">Whether op(A) is the transpose of the stored A.</param>
    /// <param name="transposeB">Whether op(B) is the transpose of the stored B.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
    public static void Multiply(ReadOnlySpan<long> a, ReadOnlySpan<long> b, Span<long> c, int m, int n, int k, bool transposeA, bool transposeB)
        => MultiplyCore(a, b, c, m, n, k, transposeA, transposeB, epilogue: null);

    private static unsafe void MultiplyCore<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool transposeA, bool transposeB, IGemmEpilogue? epilogue)
        where T : unmanaged, INumberBase<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        long mk = (long)m * k, kn = (long)k * n, mn = (long)m * n;
        if (a.Length < mk)
        {
            throw new ArgumentException("The span is shorter than the m×k matrix A.", nameof(a));
        }

        if (b.Length < kn)
        {
            throw new ArgumentException("The span is shorter than the k×n matrix B.", nameof(b));
        }

        if (c.Length < mn)
        {
            throw new ArgumentException("The span is shorter than the m×n matrix C.", nameof(c));
        }

        if (mn == 0)
        {
            return;
        }

        if (k == 0)
        {
            c[..(int)mn].Clear();
            epilogue?.Apply(0, (int)mn);
            return;
        }

        // Element (i, p) of op(A) lives at a[i * rsA + p * csA]; likewise for op(B). Every code path below
        // works on these strides, which is how the four transpose combinations share one implementation.
        nint rsA = transposeA ? 1 : k, csA = transposeA ? m : 1;
        nint rsB = transposeB ? 1 : n, csB = transposeB ? k : 1;

        fixed (T* pa = &MemoryMarshal.GetReference(a))
        fixed (T* pb = &MemoryMarshal.GetReference(b))
        fixed (T* pc = &MemoryMarshal.GetReference(c))
        {
            var problem = new Problem<T>(pa, rsA, csA, pb, rsB, csB, pc, n, m, n, k, epilogue);
            if (MultiplyUnblocked(problem, csA, rsB, csB))
            {
                epilogue?.Apply(0, (int)mn); // C is small on these paths: one pass over it while it is in cache
                return;
            }

            long volume = mn * k;

            KernelKind kind = SelectKernel<T>();
            int threads = Math.Min(s_maxDegreeOfParallelism, Environment.ProcessorCount);
            if (threads > 1 && volume >= ParallelMinVolume)
            {
                MultiplyParallel(problem, kind, threads);
            }
            else
            {
                MultiplyBlocked(problem, kind);
            }
        }
    }

    // The paths for small or thin products, which compute C whole; false when the blocked driver should run.
    private static bool MultiplyUnblocked<T>(Problem<T> problem, nint csA, nint rsB, nint csB)
        where T : unmanaged, INumberBase<T>
    {
        int m = problem.M, n = problem.N, k = problem.K;
        if (m == 1 || n == 1)
        {
            MultiplyMatrixVector(problem);
            return true;
        }

        if ((long)m * n * k <= SmallPathMaxVolume)
        {
            if (csB == 1)
            {
                SmallRowBlocked(problem);
                return true;
            }

            if (csA == 1 && rsB == 1 && k >= DotPathMinDepth)
            {
                MultiplyDots(problem);
                return true;
            }
        }

        return n <= NarrowMaxColumns && csB == 1 && KernelOverride == KernelKind.Auto && TryNarrow(problem);
    }

    private static KernelKind SelectKernel<T>()
        where T : unmanaged
    {
        KernelKind forced = KernelOverride;
        if (forced != KernelKind.Auto)
        {
            return forced;
        }

        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            return KernelKind.Vector512;
        }

        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            return KernelKind.Vector256;
        }

        return Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported ? KernelKind.Vector128 : KernelKind.Scalar;
    }

    private static void MultiplyParallel<T>(Problem<T> problem, KernelKind kind, int threads)
        where T : unmanaged, INumberBase<T>
    {
        switch (kind)
        {
            case KernelKind.Vector512:
                Blocked<T, Kernel512<T>>.RunParallel(problem, threads);
                break;
            case KernelKind.Vector256:
                Blocked<T, Kernel256<T>>.RunParallel(problem, threads);
                break;
            case KernelKind.Vector128:
                Blocked<T, Kernel128<T>>.RunParallel(problem, threads);
                break;
            default:
                Blocked<T, KernelScalar<T>>.RunParallel(problem, threads);
                break;
        }
    }

    private static void MultiplyBlocked<T>(Problem<T> problem, KernelKind kind)
        where T : unmanaged, INumberBase<T>
    {
        switch (kind)
        {
            case KernelKind.Vector512:
                Blocked<T, Kernel512<T>>.Run(problem);
                break;
            case KernelKind.Vector256:
                Blocked<T, Kernel256<T>>.Run(problem);
                break;
            case KernelKind.Vector128:
                Blocked<T, Kernel128<T>>.Run(problem);
                break;
            default:
                Blocked<T, KernelScalar<T>>.Run(problem);
                break;
        }
    }

    /// <summary>
    /// One product in stride form: op(A)(i, p) = A[i·RsA + p·CsA], op(B)(p, j) = B[p·RsB + j·CsB],
    /// C(i, j) = C[i·Ldc + j]; with the epilogue to run on C's final elements (indices from <see cref="Origin"/>).
    /// </summary>
    private readonly unsafe struct Problem<T>
        where T : unmanaged
    {
        public Problem(T* a, nint rsA, nint csA, T* b, nint rsB, nint csB, T* c, nint ldc, int m, int n, int k, IGemmEpilogue? epilogue, T* origin = null)
        {
            Epilogue = epilogue;
            Origin = origin == null ? c : origin;
            A = a;
            B = b;
            C = c;
            RsA = rsA;
            CsA = csA;
            RsB = rsB;
            CsB = csB;
            Ldc = ldc;
            M = m;
            N = n;
            K = k;
        }

        public T* A { get; }

        public T* B { get; }

        public T* C { get; }

        public nint RsA { get; }

        public nint CsA { get; }

        public nint RsB { get; }

        public nint CsB { get; }

        public nint Ldc { get; }

        public int M { get; }

        public int N { get; }

        public int K { get; }

        public IGemmEpilogue? Epilogue { get; }

        /// <summary>The first element of the whole C (a share of a product keeps its parent's), from which epilogue ranges count.</summary>
        public T* Origin { get; }

        /// <summary>The epilogue when KC slice [<paramref name="pc"/>, <paramref name="pc"/> + <paramref name="kc"/>) is the last one, else null.</summary>
        public IGemmEpilogue? EpilogueAfter(int pc, int kc) => pc + kc >= K ? Epilogue : null;
    }
}

/// <summary>
/// Work run on the elements of a GEMM's C as soon as they are final (a fused bias and activation): ranges
/// [<c>start</c>, <c>end</c>) of C's elements in row-major order, never crossing a row, from any of the product's
/// threads at once (so the epilogue must be safe to run on disjoint ranges concurrently).
/// </summary>
internal interface IGemmEpilogue
{
    void Apply(int start, int end);
}
