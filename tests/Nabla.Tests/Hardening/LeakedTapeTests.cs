using System.Runtime.CompilerServices;

namespace Nabla.Tests.Hardening;

/// <summary>
/// A tape nobody references stops recording: the tape stack holds tapes weakly, so thousands of leaked, never
/// disposed persistent tapes are collected with what they recorded, and ops no longer visit them (issue 16: 4,000
/// leaked tapes made a two-op step take 91 ms and hold 1.2 GB). Counts and reachability, never timings.
/// </summary>
public class LeakedTapeTests
{
    private const int Leaked = 4000;

    [Fact]
    public void ThousandsOfLeakedPersistentTapes_AreCollectedWithWhatTheyRecorded_AndNoLongerVisited()
    {
        int depthBefore = TapeStack.DepthHere;
        int collectedBefore = TapeStack.CollectedWhileRecording;

        WeakReference<Tensor>[] recorded = LeakTapes(Leaked);
        CollectGarbage();

        // Ops visit the stack: the first one after the collection drops every collected tape's node.
        Tensor a = Tf.Constant(new[] { 1f, 2f });
        _ = Tf.Add(Tf.Multiply(a, a), a);
        Assert.Equal(depthBefore, TapeStack.DepthHere);
        Assert.True(TapeStack.CollectedWhileRecording - collectedBefore >= Leaked / 2,
            $"{TapeStack.CollectedWhileRecording - collectedBefore} of {Leaked} leaked tapes reported collected");

        // Memory stays bounded: nothing the leaked tapes recorded is reachable any more.
        CollectGarbage();
        int alive = recorded.Count(r => r.TryGetTarget(out _));
        Assert.Equal(0, alive);
    }

    [Fact]
    public void ReferencedTapeNeverDisposed_SurvivesCollection_AndStillRecords()
    {
        var x = Tf.Constant(new[] { 3.0 });
        var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        CollectGarbage();
        Tensor y = Tf.Multiply(x, x);
        CollectGarbage();
        Tensor z = Tf.Multiply(y, x);
        Assert.True(tape.IsRecording);
        Assert.Equal(27.0, tape.Gradient(z, x)!.ToArray<double>()[0], 12);
        tape.Dispose();
    }

    [Fact]
    public void LeakedTapeInsideALiveOne_OnlyTheLeakedOneIsDropped()
    {
        var x = Tf.Constant(new[] { 2.0 });
        using var outer = new GradientTape();
        outer.Watch(x);
        int depth = TapeStack.DepthHere;
        LeakTapes(3);
        CollectGarbage();
        Tensor y = Tf.Multiply(x, x);
        Assert.Equal(depth, TapeStack.DepthHere);
        Assert.True(outer.IsRecording);
        Assert.Equal(4.0, outer.Gradient(y, x)!.ToArray<double>()[0], 12);
    }

    [Fact]
    public void WalkingTheWeakStack_AllocatesNothingPerOp()
    {
        // The weak reference is read per tape per op (no allocation); nodes are made only by Push and after a leak.
        // The tapes watch nothing, so the ops are offered to each and recorded by none (no entry array growth).
        var x = Tf.Constant(new[] { 1f, 2f, 3f });
        using var tape = new GradientTape();
        _ = AllocatedPerAdd(x); // warm up
        long oneTape = AllocatedPerAdd(x);

        var idle = new GradientTape[16];
        for (int i = 0; i < idle.Length; i++)
        {
            idle[i] = new GradientTape();
        }

        long seventeenTapes = AllocatedPerAdd(x);
        for (int i = idle.Length - 1; i >= 0; i--)
        {
            idle[i].Dispose();
        }

        Assert.True(seventeenTapes <= oneTape, $"{seventeenTapes} bytes per Add with 17 tapes, {oneTape} with one");
    }

    private static long AllocatedPerAdd(Tensor x)
    {
        const int Ops = 2000;
        Tensor y = x;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Ops; i++)
        {
            y = Tf.Add(y, x);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Ops;
    }

    // Not inlined, so no local of the test method keeps a leaked tape alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<Tensor>[] LeakTapes(int count)
    {
        var recorded = new WeakReference<Tensor>[count];
        for (int i = 0; i < count; i++)
        {
            // Each tape watches its own 16 KiB input and records one op on it, and is never disposed.
            Tensor input = Tf.Fill([4096], (float)i);
            var tape = new GradientTape(persistent: true);
            tape.Watch(input);
            recorded[i] = new WeakReference<Tensor>(Tf.Multiply(input, input));
        }

        return recorded;
    }

    private static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
