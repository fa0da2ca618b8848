namespace Nabla.Keras.Tests.Functional;

/// <summary>Layers of other families in functional graphs: recurrent layers with variable lengths and states, traced calls.</summary>
public class FunctionalLayersTests
{
    [Fact]
    public void Lstm_WithStates_OnVariableLengthInput_BuildsAModel()
    {
        Tensor sequence = Keras.Input(shape: [null, 3]);
        var lstm = new LSTM(4, returnState: true);
        Tensor[] outputs = lstm.ApplyWithStates(sequence);
        Tensor steps = new LSTM(5, returnSequences: true).Apply(sequence);
        var head = new Dense(2);
        var model = new Model([sequence], [head.Apply(new Concatenate().Apply([outputs[1], outputs[2]]))]);

        Assert.Equal(["(None, 4)", "(None, 4)", "(None, 4)"], outputs.Select(o => o.Shape.ToString()));
        Assert.Equal("(None, None, 5)", steps.Shape.ToString());
        Tensor x = Tf.Random.Normal([5, 7, 3], seed: 5);
        Tensor[] direct = lstm.ApplyWithStates(x);
        Tensor expected = head.Apply(Tf.Concat([direct[1], direct[2]], 1));
        Assert.Equal(expected.ToArray<float>(), model.Apply(x).ToArray<float>());
    }

    [Fact]
    public void FunctionalModel_InsideTfFunction_MatchesEager_AndDifferentiates()
    {
        Tensor a = Keras.Input(shape: [6]);
        Tensor b = Keras.Input(shape: [6]);
        Tensor product = new Multiply().Apply([new Dense(4, activation: "tanh").Apply(a), new Dense(4).Apply(b)]);
        var model = new Model([a, b], [new Dot(axes: 1, normalize: true).Apply([product, new Dense(4).Apply(a)])]);
        Tensor xa = Tf.Random.Normal([3, 6], seed: 6);
        Tensor xb = Tf.Random.Normal([3, 6], seed: 7);
        var traced = Tf.Function((Tensor p, Tensor q) => model.Apply([p, q]));

        float[] eager = model.Apply([xa, xb]).ToArray<float>();
        float[] graph = traced.Invoke(xa, xb).ToArray<float>();
        Assert.Equal(1, traced.TracingCount);
        for (int i = 0; i < eager.Length; i++)
        {
            Assert.Equal(eager[i], graph[i], 5);
            Assert.InRange(eager[i], -1.0001f, 1.0001f);
        }

        using var tape = new GradientTape();
        Tensor loss = Tf.ReduceSum(traced.Invoke(xa, xb));
        Assert.All(tape.Gradient(loss, [.. model.TrainableVariables]), g => Assert.NotNull(g));
    }
}
