namespace Nabla.Tests.Autodiff;

/// <summary>
/// The <c>gradientReady</c> callback of <c>GradientTape.Gradient</c>: told each source's final gradient once, during
/// the backward pass, as soon as no later step can add to it (what data-parallel training overlaps its all-reduce with).
/// </summary>
public class GradientReadyTests
{
    // A three-layer chain h1 = marked(x·w1), h2 = h1·w2, h3 = h2·w3, loss = sum(h3), where `marked` is the identity
    // with a gradient that writes "layer 1" to the log when the backward pass reaches it.
    private static (Variable W1, Variable W2, Variable W3, Tensor X) Chain(int seed)
    {
        var random = new Random(seed);
        Tensor Random(int rows, int columns) => Tf.Constant(
            Enumerable.Range(0, rows * columns).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(), new Shape(rows, columns));
        return (new Variable(Random(4, 5)), new Variable(Random(5, 3)), new Variable(Random(3, 2)), Random(6, 4));
    }

    private static Tensor Loss(Variable w1, Variable w2, Variable w3, Tensor x, List<string> log)
    {
        Func<Tensor, Tensor> marked = Tf.CustomGradient(h => (Tf.Identity(h), dy =>
        {
            log.Add("layer 1");
            return dy;
        }));
        Tensor h1 = marked(Tf.MatMul(x, w1));
        Tensor h2 = Tf.Nn.Relu(Tf.MatMul(h1, w2));
        return Tf.ReduceSum(Tf.Tanh(Tf.MatMul(h2, w3)));
    }

    [Fact]
    public void GradientReady_Chain_TellsLaterLayersFirstWhileTheBackwardPassGoesOn()
    {
        (Variable w1, Variable w2, Variable w3, Tensor x) = Chain(1);
        var log = new List<string>();
        using var tape = new GradientTape();
        Tensor loss = Loss(w1, w2, w3, x, log);
        tape.Gradient([loss], [w1, w2, w3], gradientReady: (i, g) => log.Add($"w{i + 1}"));

        // w3 and w2 are final before the pass reaches layer 1; w1 only after it.
        Assert.Equal(["w3", "w2", "layer 1", "w1"], log);
    }

    [Fact]
    public void GradientReady_EverySource_ToldOnceWithTheTensorGradientReturns()
    {
        (Variable w1, Variable w2, Variable w3, Tensor x) = Chain(2);
        var unused = new Variable(Tf.Constant(new float[] { 1, 2 }));
        var count = new Variable(Tf.Constant(3));
        Tensor watched = Tf.Constant(new float[] { 0.5f, 2 });
        var told = new List<(int Index, Tensor? Gradient)>();
        using var tape = new GradientTape();
        tape.Watch(watched);
        Tensor loss = Loss(w1, w2, w3, x, []) + Tf.ReduceSum(watched * watched);

        // A source twice, an unconnected variable, an integer variable, a watched tensor, and the target itself.
        Tensor[] sources = [w2, w1, unused, w3, count, watched, w2, loss];
        Tensor?[] gradients = tape.Gradient([loss], sources, gradientReady: (i, g) => told.Add((i, g)));

        Assert.Equal(Enumerable.Range(0, sources.Length), told.Select(t => t.Index).Order());
        foreach ((int index, Tensor? gradient) in told)
        {
            Assert.Same(gradients[index], gradient);
        }

        Assert.Null(gradients[2]);
        Assert.Null(gradients[4]);
        Assert.NotNull(gradients[0]);
        Assert.Same(gradients[0], gradients[6]);
        Assert.Equal(1f, gradients[7]!.Item<float>());
    }

    [Fact]
    public void GradientReady_UnconnectedZero_TellsZerosOfTheSourcesShape()
    {
        var w = new Variable(Tf.Constant(new float[] { 1, 2, 3 }));
        var unused = new Variable(Tf.Constant(new float[,] { { 1, 2 } }));
        Tensor? told = null;
        using var tape = new GradientTape();
        Tensor loss = Tf.ReduceSum(w * w);
        Tensor?[] gradients = tape.Gradient([loss], [w, unused], unconnectedGradients: UnconnectedGradients.Zero,
            gradientReady: (i, g) => told = i == 1 ? g : told);

        Assert.Same(gradients[1], told);
        Assert.Equal(new Shape(1, 2), told!.Shape);
        Assert.Equal([0f, 0f], told.ToArray<float>());
    }

    [Fact]
    public void GradientReady_NoTargetDependsOnTheSources_TellsEachNull()
    {
        var w = new Variable(Tf.Constant(new float[] { 1, 2 }));
        var told = new List<int>();
        using var tape = new GradientTape();
        Tensor loss = Tf.ReduceSum(Tf.Constant(new float[] { 3, 4 }));
        Tensor?[] gradients = tape.Gradient([loss], [w, w], gradientReady: (i, g) =>
        {
            Assert.Null(g);
            told.Add(i);
        });

        Assert.Equal([0, 1], told);
        Assert.All(gradients, Assert.Null);
    }

    [Fact]
    public void GradientReady_Gradients_BitwiseThoseWithoutACallback()
    {
        (Variable w1, Variable w2, Variable w3, Tensor x) = Chain(3);
        Tensor?[] Gradients(GradientReadyCallback? ready)
        {
            using var tape = new GradientTape();
            Tensor loss = Loss(w1, w2, w3, x, []);
            return tape.Gradient([loss], [w1, w2, w3], gradientReady: ready);
        }

        Tensor?[] plain = Gradients(null);
        Tensor?[] told = Gradients((_, _) => { });
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.Equal(plain[i]!.ToArray<float>(), told[i]!.ToArray<float>());
        }
    }

    [Fact]
    public void GradientReady_CallbackThrows_GradientThrowsItAndTheTapeIsSpent()
    {
        var w = new Variable(Tf.Constant(new float[] { 1, 2 }));
        using var tape = new GradientTape();
        Tensor loss = Tf.ReduceSum(w * w);
        var error = Assert.Throws<InvalidOperationException>(
            () => tape.Gradient([loss], [w], gradientReady: (_, _) => throw new InvalidOperationException("stop")));

        Assert.Equal("stop", error.Message);
        Assert.Throws<InvalidOperationException>(() => tape.Gradient(loss, w));
    }

    [Fact]
    public void GradientReady_Callback_CostsBytesPerSourceNotPerOp()
    {
        // Bytes of one Gradient call over a 200-op chain without and with a callback: the callback's bookkeeping is a
        // few arrays of the sources' length, nothing per recorded op (and nothing at all without a callback).
        var w = new Variable(Tf.Constant(new float[] { 0.5f, 0.25f }));
        var b = new Variable(Tf.Constant(new float[] { 0.1f, 0.2f }));
        long Bytes(GradientReadyCallback? ready)
        {
            long total = 0;
            for (int round = 0; round < 3; round++)
            {
                using var tape = new GradientTape();
                Tensor h = w;
                for (int i = 0; i < 100; i++)
                {
                    h = Tf.Tanh(h * w) + b;
                }

                Tensor loss = Tf.ReduceSum(h);
                long before = GC.GetAllocatedBytesForCurrentThread();
                tape.Gradient([loss], [w, b], gradientReady: ready);
                total = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            return total;
        }

        GradientReadyCallback ignore = (_, _) => { };
        long without = Bytes(null);
        long with = Bytes(ignore);
        Assert.InRange(with - without, 0, 512);
    }
}
