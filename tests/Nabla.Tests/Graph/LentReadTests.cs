namespace Nabla.Tests.Graph;

/// <summary>
/// Eager ops borrow a variable's buffer instead of snapshotting it for good (Variable.Leases.cs), so an optimizer
/// step traced as a function may still write the new value in place. Each test below tries to observe such a write
/// through a tensor or a tape that still holds the old value: a tensor never changes.
/// </summary>
public class LentReadTests
{
    private static readonly float[] s_start = [1, 2, 3, 4];

    // A variable whose buffer a traced update owns (the first call stores a fresh buffer, the second writes in
    // place), and that update: v -= d.
    private static (Variable V, Action<Tensor> Update) Exclusive()
    {
        var v = new Variable(Tf.Constant(s_start));
        var update = Tf.Function((Tensor d) => { v.AssignSub(d); }); // returns nothing: no output shows the buffer
        Tensor zero = Tf.Zeros([4]);
        update.Invoke(zero);
        Array owned = GraphTestAccess.BufferOf(v);
        update.Invoke(zero);
        Assert.Same(owned, GraphTestAccess.BufferOf(v));
        return (v, update.Invoke);
    }

    private static readonly Tensor s_one = Tf.Ones([4]);

    [Fact]
    public void EagerStep_ForwardAndGradient_ThenTracedUpdate_WritesInPlace()
    {
        (Variable v, Action<Tensor> update) = Exclusive();
        Array buffer = GraphTestAccess.BufferOf(v);
        Tensor? grad;
        using (var tape = new GradientTape())
        {
            Tensor loss = Tf.ReduceSum(v * v * 3f);
            grad = tape.Gradient(loss, v);
        }

        update(grad!);
        Assert.Same(buffer, GraphTestAccess.BufferOf(v));
        Assert.Equal(0, v.LeaseCount);
        Assert.Equal(new float[] { -5, -10, -15, -20 }, v.ToArray<float>()); // v - 6v
    }

    [Fact]
    public void ValueKeptFromAnEagerOp_ThatSharesTheBuffer_NeverChanges()
    {
        Func<Variable, Tensor>[] views =
        [
            v => v.ReadValue(),
            v => Tf.Identity(v),
            v => Tf.Reshape(v, [2, 2]),
            v => Tf.StopGradient(v),
            v => Tf.ExpandDims(v, 0),
            v => Tf.Constant(v),
            v => Tf.CustomGradient((Tensor x) => (x, g => g))(v),
        ];
        for (int k = 0; k < views.Length; k++)
        {
            (Variable v, Action<Tensor> update) = Exclusive();
            Tensor held = views[k](v);
            update(s_one);
            update(s_one);
            Assert.True(s_start.AsSpan().SequenceEqual(held.ToArray<float>()), $"view {k} changed: {held}");
            Assert.Equal(new float[] { -1, 0, 1, 2 }, v.ToArray<float>());
        }
    }

    [Fact]
    public void TapeThatHasNotTakenItsGradient_SeesTheOldValue()
    {
        (Variable v, Action<Tensor> update) = Exclusive();
        var tape = new GradientTape();
        Tensor y;
        using (tape)
        {
            y = v * v;
        }

        update(s_one); // not recorded: the tape has stopped
        Tensor? grad = tape.Gradient(y, v); // 2 v at the time of the forward pass
        Assert.Equal(new float[] { 2, 4, 6, 8 }, grad!.ToArray<float>());
    }

    [Fact]
    public void PersistentTape_SeesTheOldValue_AfterEveryUpdate()
    {
        (Variable v, Action<Tensor> update) = Exclusive();
        var tape = new GradientTape(persistent: true);
        Tensor y;
        using (tape)
        {
            y = Tf.ReduceSum(v * v);
        }

        Assert.Equal(new float[] { 2, 4, 6, 8 }, tape.Gradient(y, v)!.ToArray<float>());
        update(s_one);
        update(s_one);
        Assert.Equal(new float[] { 2, 4, 6, 8 }, tape.Gradient(y, v)!.ToArray<float>());
        Assert.Equal(new float[] { -1, 0, 1, 2 }, v.ToArray<float>());
    }

    [Fact]
    public void OuterTape_KeepsItsLease_WhenTheInnerTapeIsDone()
    {
        (Variable v, Action<Tensor> update) = Exclusive();
        var outer = new GradientTape(persistent: true);
        Tensor? first;
        using (outer)
        {
            using var inner = new GradientTape();
            Tensor y = v * v * v;
            first = inner.Gradient(y, v); // 3 v², recorded by the outer tape
        }

        update(s_one);
        Assert.Equal(new float[] { 6, 12, 18, 24 }, outer.Gradient(first!, v)!.ToArray<float>()); // 6 v, old v
    }

    [Fact]
    public void NestedTapes_TheOuterKeepsItsLease_AfterTheInnerGradient()
    {
        (Variable v, Action<Tensor> update) = Exclusive();
        var outer = new GradientTape(persistent: true);
        var inner = new GradientTape();
        Tensor y;
        using (outer)
        {
            using (inner)
            {
                y = Tf.ReduceSum(v * v);
            }
        }

        Assert.Equal(new float[] { 2, 4, 6, 8 }, inner.Gradient(y, v)!.ToArray<float>());
        update(s_one);
        Assert.Equal(new float[] { 2, 4, 6, 8 }, outer.Gradient(y, v)!.ToArray<float>());
    }

    [Fact]
    public void GradientThatIsTheVariablesValue_NeverChanges()
    {
        (Variable v, Action<Tensor> update) = Exclusive();
        Tensor x = Tf.Constant(new float[] { 5, 6, 7, 8 });
        Tensor? dx;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            dx = tape.Gradient(x * v, x); // v's value
        }

        update(s_one);
        Assert.Equal(s_start, dx!.ToArray<float>());
    }

    [Fact]
    public void OpThatThrows_ReturnsItsLease()
    {
        (Variable v, Action<Tensor> update) = Exclusive();
        Array buffer = GraphTestAccess.BufferOf(v);
        Assert.ThrowsAny<ArgumentException>(() => Tf.Add(v, Tf.Ones([3])));
        Assert.Equal(0, v.LeaseCount);
        update(s_one);
        Assert.Same(buffer, GraphTestAccess.BufferOf(v));
    }

    [Fact]
    public void DroppedTape_ReturnsItsLease_WhenCollected()
    {
        (Variable v, Action<Tensor> update) = Exclusive();
        RecordAndDrop(v);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(0, v.LeaseCount);
        Array buffer = GraphTestAccess.BufferOf(v);
        update(s_one);
        Assert.Same(buffer, GraphTestAccess.BufferOf(v));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void RecordAndDrop(Variable v)
    {
        var tape = new GradientTape(persistent: true);
        _ = v * 2f;
        tape.Dispose();
    }

    [Fact]
    public void SnapshotShownEagerly_StopsInPlaceUpdates_UntilTheGraphStoresItsOwnBuffer()
    {
        (Variable v, Action<Tensor> update) = Exclusive();
        float[] shown = v.ToArray<float>(); // a copy: it does not share the buffer
        Tensor held = v.ReadValue();
        Array buffer = GraphTestAccess.BufferOf(v);
        update(s_one);
        Assert.NotSame(buffer, GraphTestAccess.BufferOf(v));
        Assert.Equal(shown, held.ToArray<float>());
        Array owned = GraphTestAccess.BufferOf(v);
        update(s_one);
        Assert.Same(owned, GraphTestAccess.BufferOf(v));
    }
}
