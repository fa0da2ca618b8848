using Nabla.Tests.Ops;

namespace Nabla.Tests.Autodiff;

/// <summary>
/// The speed tricks of the autodiff core (ARCHITECTURE.md, "Speed tricks of the autodiff core"), one invariant
/// each: shared tensors never reach user code; a tape entry's inline input slots read back exactly the inputs
/// given; a tensor's <c>RecordedBy</c> is null, one tape's token or an array of tokens that is never written
/// after publication.
/// </summary>
public class SpeedTrickInvariantTests
{
    public static TheoryData<string> DifferentiableBinaryOps
        => new(BinaryCatalog.Specs.Where(s => s.Differentiable).Select(s => s.Name));

    // 1. Shared tensors (ones seeds, converted small integers) never escape.
    [Fact]
    public void Gradient_OfProductWithASmallInteger_IsAFreshUnsharedTensorEachTime()
    {
        var x = Tf.Constant(3f);
        Tensor g1 = ScalarGradient(x, v => v * 2);
        Tensor g2 = ScalarGradient(x, v => v * 2);
        Assert.NotSame(g1, g2);
        Assert.False(g1.IsShared);
        Assert.Equal(2f, g1.Item<float>());
    }

    [Fact]
    public void Gradient_WatchedByAnotherTape_DoesNotConnectAnUnrelatedComputation()
    {
        Tensor g = ScalarGradient(Tf.Constant(3f), v => v * 2);
        var w = Tf.Constant(5f);
        using var tape = new GradientTape();
        tape.Watch(g, w);
        Tensor unrelated = w * 2;
        Assert.Null(tape.Gradient(unrelated, g));
    }

    [Theory]
    [MemberData(nameof(DifferentiableBinaryOps))]
    public void Gradient_ScalarOrShortVectorBesideASmallInteger_IsNeverShared(string name)
    {
        BinarySpec spec = BinaryCatalog.Get(name);
        foreach (Tensor x in new[] { Tf.Constant(1.5f), Tf.Constant(new[] { 1.5f, 0.75f, 1.25f }) })
        {
            foreach (Func<Tensor, Tensor> f in new Func<Tensor, Tensor>[] { v => spec.Apply(v, 2), v => spec.Apply(2, v) })
            {
                using var tape = new GradientTape();
                tape.Watch(x);
                Tensor? g = tape.Gradient(f(x), x);
                Assert.NotNull(g);
                Assert.False(g.IsShared, $"{name}: a shared tensor reached the caller");
            }
        }
    }

    [Fact]
    public void CustomGradient_Upstream_IsNeverShared()
    {
        Tensor? seen = null;
        Func<Tensor, Tensor> f = Tf.CustomGradient(v => (v * 3f, dy =>
        {
            seen = dy;
            return dy * 3f;
        }));
        var x = Tf.Constant(2f);
        ScalarGradient(x, f);
        Assert.NotNull(seen);
        Assert.False(seen.IsShared);
    }

    [Fact]
    public void SharedTensors_AreMarkedShared()
    {
        Tensor converted = ScalarCache.ConvertedInput(ScalarCache.WeakInt32(2), DType.Float32)!;
        Assert.True(converted.IsShared);
        Assert.Same(converted, ScalarCache.ConvertedInput(ScalarCache.WeakInt32(2), DType.Float32));
        Assert.False((Tf.Constant(1f) + 1f).IsShared);
    }

    // 2. A tape entry holds one or two inputs inline (read back through Unsafe.As), more in an array.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void TapeEntry_Inputs_ReadBackExactlyTheInputsGiven(int count)
    {
        Tensor[] inputs = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            inputs[i] = i % 2 == 0 ? Tf.Constant((float)i) : new Variable((float)i);
        }

        Tensor output = Tf.Constant(0f);
        var entry = new TapeEntry(AddOp.Instance, inputs, output);
        inputs.AsSpan().Clear(); // the entry copied the caller's span
        ReadOnlySpan<Tensor> read = entry.Inputs;
        Assert.Equal(count, read.Length);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal((float)i, read[i].Item<float>());
        }

        Assert.Same(output, entry.Output);
        Assert.Same(AddOp.Instance, entry.Op);
    }

    [Fact]
    public void Record_NullInput_IsRejectedBeforeItCouldShortenAnEntry()
    {
        // An inline entry reads a null second slot as "one input": the dispatch point must never pass a null.
        using var tape = new GradientTape();
        var x = Tf.Constant(1f);
        tape.Watch(x);
        Assert.Throws<ArgumentNullException>(() => ExecutionContext.Current.Execute(AddOp.Instance, new Tensor[] { x, null! }));
        Assert.Equal(0, tape.EntryCount);
    }

    // 3. RecordedBy: null, one token, or an array of tokens for nested tapes, never written after publication.
    [Fact]
    public void RecordedBy_OneTapeMarksWithItsToken_NestedTapesWithAnArray()
    {
        var x = Tf.Constant(2f);
        Assert.Null(x.RecordedBy);
        using var outer = new GradientTape();
        outer.Watch(x);
        Tensor once = x * x;
        Assert.NotNull(once.RecordedBy);
        Assert.False(once.RecordedBy is Array);
        using var inner = new GradientTape();
        inner.Watch(x);
        Tensor twice = x * x;
        Assert.True(twice.RecordedBy is Array { Length: 2 });
    }

    [Fact]
    public void RecordedBy_TokenArrays_AreSharedButNeverWritten()
    {
        var x = Tf.Constant(2f);
        using var outer = new GradientTape();
        using var inner = new GradientTape();
        outer.Watch(x);
        inner.Watch(x);
        Tensor a = x * x;
        Tensor b = a * x;
        var marks = (Array)a.RecordedBy!;
        Assert.Same(marks, b.RecordedBy);
        object?[] before = marks.Cast<object?>().ToArray();
        using (var third = new GradientTape())
        {
            third.Watch(b);
            Tensor c = b * x;
            Assert.True(c.RecordedBy is Array { Length: 3 });
        }

        Assert.Equal(before, marks.Cast<object?>().ToArray());
    }

    [Fact]
    public void RecordedBy_AfterReset_OldMarksNoLongerTrack()
    {
        var x = Tf.Constant(2f);
        using var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        Tensor y = x * x;
        tape.Reset();
        Tensor z = y * y;
        Assert.Equal(0, tape.EntryCount);
        Assert.Null(z.RecordedBy);
    }

    [Fact]
    public void RecordedBy_NonFloatingOutputs_AreNeverMarked()
    {
        var x = Tf.Constant(new[] { 2f, -1f });
        using var tape = new GradientTape();
        tape.Watch(x);
        Assert.Null(Tf.Greater(x * x, 1f).RecordedBy);
        Assert.NotNull((x * x).RecordedBy);
    }

    private static Tensor ScalarGradient(Tensor x, Func<Tensor, Tensor> f)
    {
        using var tape = new GradientTape();
        tape.Watch(x);
        return tape.Gradient(f(x), x)!;
    }
}
