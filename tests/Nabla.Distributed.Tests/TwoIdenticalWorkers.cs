using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Nabla.Distributed.Collectives;
using Nabla.Distributed.Native;

namespace Nabla.Distributed.Tests;

/// <summary>Two workers that hold the same values: a sum doubles every element.</summary>
internal sealed class TwoIdenticalWorkers : Collectives.Collectives
{
    public int Calls { get; private set; }

    public int Checks { get; private set; }

    public Type? LastType { get; private set; }

    /// <summary>The managed thread of each all-reduce, in order.</summary>
    public List<int> Threads { get; } = [];

    /// <summary>What the thread of the last all-reduce had allocated when it called (<c>GC.GetAllocatedBytesForCurrentThread</c>).</summary>
    public long AllocatedByLastCaller { get; private set; }

    /// <summary>An exception the next all-reduce throws (a failed collective).</summary>
    public Exception? FailNext { get; set; }

    public override int Rank => 0;

    public override int Size => 2;

    public override void AllReduceSum<T>(Span<T> data, Purpose purpose, string detail, bool checkAgreement = true)
    {
        AllocatedByLastCaller = GC.GetAllocatedBytesForCurrentThread();
        Calls++;
        LastType = typeof(T);
        Threads.Add(Environment.CurrentManagedThreadId);
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }

        // Without allocating (a test measures what the fused all-reduce allocates around this call).
        if (typeof(T) == typeof(Half) || typeof(T) == typeof(BFloat16))
        {
            ReducedPrecisionSum.Apply<T>(data.ToArray(), data);
        }
        else if (typeof(T) == typeof(float))
        {
            Span<float> values = MemoryMarshal.Cast<T, float>(data);
            TensorPrimitives.Add(values, values, values);
        }
        else if (typeof(T) == typeof(double))
        {
            Span<double> values = MemoryMarshal.Cast<T, double>(data);
            TensorPrimitives.Add(values, values, values);
        }
        else if (typeof(T) == typeof(int))
        {
            Span<int> values = MemoryMarshal.Cast<T, int>(data);
            TensorPrimitives.Add(values, values, values);
        }
        else if (typeof(T) == typeof(long))
        {
            Span<long> values = MemoryMarshal.Cast<T, long>(data);
            TensorPrimitives.Add(values, values, values);
        }
        else
        {
            throw new NotSupportedException();
        }
    }

    public override void CheckAgreement(CollectiveKind kind, Purpose purpose, int dtype, long count, long layout, string detail) => Checks++;

    public override void Broadcast(Span<byte> data, int root, Purpose purpose, string detail) => throw new NotSupportedException();

    public override (byte[] All, int[] Lengths) AllGather(ReadOnlySpan<byte> mine, Purpose purpose, string detail) => throw new NotSupportedException();

    public override void Barrier(Purpose purpose, string detail) => throw new NotSupportedException();
}
