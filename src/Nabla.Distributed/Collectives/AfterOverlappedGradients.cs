namespace Nabla.Distributed.Collectives;

/// <summary>
/// The strategy's collectives, each started only after the gradient exchange of an overlapped backward pass is over:
/// MPI needs every worker to issue its collectives in one order, and the exchange's buckets go from a background
/// thread. An exchange still pending here (its <c>Gradient</c> call threw, or its gradients were never applied) is
/// finished first and its result dropped, as every worker does at the same point.
/// </summary>
internal sealed class AfterOverlappedGradients(Collectives inner, OverlappedGradients overlapped) : Collectives
{
    public override int Rank => inner.Rank;

    public override int Size => inner.Size;

    public override bool CallableFromAnyThread => inner.CallableFromAnyThread;

    public override void AllReduceSum<T>(Span<T> data, Purpose purpose, string detail, bool checkAgreement = true)
    {
        FinishPending();
        inner.AllReduceSum(data, purpose, detail, checkAgreement);
    }

    public override void CheckAgreement(CollectiveKind kind, Purpose purpose, int dtype, long count, long layout, string detail)
    {
        FinishPending();
        inner.CheckAgreement(kind, purpose, dtype, count, layout, detail);
    }

    public override void Broadcast(Span<byte> data, int root, Purpose purpose, string detail)
    {
        FinishPending();
        inner.Broadcast(data, root, purpose, detail);
    }

    public override (byte[] All, int[] Lengths) AllGather(ReadOnlySpan<byte> mine, Purpose purpose, string detail)
    {
        FinishPending();
        return inner.AllGather(mine, purpose, detail);
    }

    public override void Barrier(Purpose purpose, string detail)
    {
        FinishPending();
        inner.Barrier(purpose, detail);
    }

    private void FinishPending()
    {
        if (overlapped.Pending)
        {
            overlapped.Finish();
        }
    }
}
