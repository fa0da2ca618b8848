namespace Nabla.Tests.Hardening;

/// <summary>Variable updates are atomic under concurrent callers, as TensorFlow's resource-variable updates are.</summary>
public class VariableConcurrencyTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task AssignAddAndSub_FromSeveralThreads_LoseNoUpdate(int threads)
    {
        const int Updates = 5000;
        var counter = new Variable(0L);
        var balance = new Variable(0.0);
        using var start = new Barrier(threads);
        Task[] tasks = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (int i = 0; i < Updates; i++)
                {
                    counter.AssignAdd(1L);
                    balance.AssignAdd(3.0);
                    balance.AssignSub(1.0);
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(tasks);

        Assert.Equal((long)threads * Updates, counter.Item<long>());
        Assert.Equal(2.0 * threads * Updates, balance.Item<double>());
    }

    [Fact]
    public void AssignAdd_OneThread_AllocatesNoMoreThanTheAddItself()
    {
        // The lock is per variable and allocates nothing: an update costs what Tf.Add of the same operands costs.
        var v = new Variable(new float[] { 1, 2, 3 });
        Tensor delta = Tf.Constant(new float[] { 1, 1, 1 });
        for (int i = 0; i < 100; i++)
        {
            v.AssignAdd(delta);
            _ = Tf.Add(delta, delta);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            v.AssignAdd(delta);
        }

        long update = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            _ = Tf.Add(v, delta);
        }

        long add = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(update <= add, $"1000 AssignAdd allocated {update} bytes, 1000 Tf.Add of a variable {add}.");
    }
}
