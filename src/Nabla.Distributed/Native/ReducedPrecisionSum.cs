using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Nabla.Distributed.Native;

/// <summary>
/// The MPI datatype and sum operation for each element type. MPI has no 16-bit float types, so float16 and bfloat16
/// travel as 16-bit integers with user-defined sum operations (<c>MPI_Op_create</c>, as Horovod does for its float16
/// compression): each pairwise step widens both operands to float32, adds, and rounds back to nearest even.
/// </summary>
internal static unsafe class ReducedPrecisionSum
{
    private const int Block = 256;
    private static nint s_halfSum;
    private static nint s_bfloat16Sum;

    /// <summary>The datatype and operation that sum elements of type <typeparamref name="T"/>.</summary>
    public static (nint Type, nint Op) TypeAndOp<T>(OpenMpi mpi)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return (mpi.Float, mpi.OpSum);
        }

        if (typeof(T) == typeof(double))
        {
            return (mpi.Double, mpi.OpSum);
        }

        if (typeof(T) == typeof(int))
        {
            return (mpi.Int32, mpi.OpSum);
        }

        if (typeof(T) == typeof(long))
        {
            return (mpi.Int64, mpi.OpSum);
        }

        if (typeof(T) == typeof(Half))
        {
            return (mpi.UInt16, Create(mpi, ref s_halfSum, &SumHalf));
        }

        if (typeof(T) == typeof(BFloat16))
        {
            return (mpi.UInt16, Create(mpi, ref s_bfloat16Sum, &SumBFloat16));
        }

        throw new NotSupportedException($"Collectives do not sum elements of type {typeof(T).Name}.");
    }

    /// <summary><c>inout[i] = in[i] + inout[i]</c> for float16, in float32, a block at a time.</summary>
    [UnmanagedCallersOnly]
    internal static void SumHalf(void* input, void* inout, int* length, nint* datatype)
    {
        var a = new ReadOnlySpan<Half>(input, *length);
        var b = new Span<Half>(inout, *length);
        Span<float> wideA = stackalloc float[Block];
        Span<float> wideB = stackalloc float[Block];
        for (int start = 0; start < a.Length; start += Block)
        {
            int n = Math.Min(Block, a.Length - start);
            TensorPrimitives.ConvertToSingle(a.Slice(start, n), wideA[..n]);
            TensorPrimitives.ConvertToSingle(b.Slice(start, n), wideB[..n]);
            TensorPrimitives.Add(wideA[..n], wideB[..n], wideB[..n]);
            TensorPrimitives.ConvertToHalf(wideB[..n], b.Slice(start, n));
        }
    }

    /// <summary><c>inout[i] = in[i] + inout[i]</c> for bfloat16, in float32.</summary>
    [UnmanagedCallersOnly]
    internal static void SumBFloat16(void* input, void* inout, int* length, nint* datatype)
    {
        var a = new ReadOnlySpan<BFloat16>(input, *length);
        var b = new Span<BFloat16>(inout, *length);
        for (int i = 0; i < a.Length; i++)
        {
            b[i] = BFloat16.FromSingle(a[i].ToSingle() + b[i].ToSingle());
        }
    }

    private static nint Create(OpenMpi mpi, ref nint op, delegate* unmanaged<void*, void*, int*, nint*, void> function)
    {
        if (op == 0)
        {
            nint created = 0;
            int code = mpi.OpCreate(function, 1, &created);
            if (code != OpenMpi.Success)
            {
                throw new MpiException(code, $"MPI_Op_create failed: {mpi.DescribeError(code)}.");
            }

            op = created;
        }

        return op;
    }

    /// <summary>Calls a sum operation as MPI would (for tests, which run without MPI).</summary>
    internal static void Apply<T>(ReadOnlySpan<T> input, Span<T> inout)
        where T : unmanaged
    {
        int length = input.Length;
        fixed (T* a = input)
        fixed (T* b = inout)
        {
            // An UnmanagedCallersOnly method is called through its pointer, as MPI calls it.
            if (typeof(T) == typeof(Half))
            {
                ((delegate* unmanaged<void*, void*, int*, nint*, void>)&SumHalf)(a, b, &length, null);
            }
            else if (typeof(T) == typeof(BFloat16))
            {
                ((delegate* unmanaged<void*, void*, int*, nint*, void>)&SumBFloat16)(a, b, &length, null);
            }
            else
            {
                throw new NotSupportedException(typeof(T).Name);
            }
        }
    }
}
