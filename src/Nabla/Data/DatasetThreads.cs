namespace Nabla.Data;

/// <summary>
/// The dedicated threads of <c>Prefetch</c> and parallel <c>Map</c>. They are started without the caller's
/// execution context (<see cref="Thread.UnsafeStart()"/>), so the gradient tapes of the thread that iterates the
/// dataset (an async-local stack) never see the pipeline's ops; they are background threads, and the count of live
/// ones lets tests check that disposing an iterator ends them.
/// </summary>
internal static class DatasetThreads
{
    private static int s_live;

    /// <summary>The number of pipeline threads started and not yet finished.</summary>
    public static int Live => Volatile.Read(ref s_live);

    /// <summary>Starts <paramref name="body"/> on a new background thread named <paramref name="name"/>.</summary>
    public static Thread Start(string name, Action body)
    {
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            finally
            {
                Interlocked.Decrement(ref s_live);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        Interlocked.Increment(ref s_live);
        thread.UnsafeStart();
        return thread;
    }
}
