using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests.Recurrent;

/// <summary>Recurrent models train with today's Fit, in Sequential and subclassed models.</summary>
public class RecurrentTrainingTests
{
    // Sequences of 12 steps of a noisy sine with random phase and frequency; the target is the next value.
    private static (Tensor X, Tensor Y) Waves(int n, int seed)
    {
        var random = new Random(seed);
        var x = new float[n, 12, 1];
        var y = new float[n, 1];
        for (int i = 0; i < n; i++)
        {
            double phase = random.NextDouble() * 6.28, frequency = 0.3 + (random.NextDouble() * 0.4);
            for (int t = 0; t <= 12; t++)
            {
                float v = (float)Math.Sin(phase + (frequency * t));
                if (t < 12)
                {
                    x[i, t, 0] = v;
                }
                else
                {
                    y[i, 0] = v;
                }
            }
        }

        return (Tf.Constant(x), Tf.Constant(y));
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("simple")]
    public void Sequential_RecurrentRegressor_LearnsTheNextValue(string cell)
    {
        (Tensor x, Tensor y) = Waves(128, 1);
        Layer recurrent = cell switch
        {
            "lstm" => new LSTM(16, inputShape: [12, 1]),
            "gru" => new GRU(16, inputShape: [12, 1]),
            _ => new SimpleRNN(16, inputShape: [12, 1]),
        };
        var model = new Sequential(recurrent, new Dense(1));
        model.Compile(new Adam(0.01), new MeanSquaredError());
        History history = model.Fit(x, y, epochs: 25, batchSize: 32, verbose: 0, seed: 3);
        Assert.True(history.Loss[^1] < history.Loss[0] * 0.1, $"{cell}: loss {history.Loss[0]} -> {history.Loss[^1]}");
        (Tensor xTest, Tensor yTest) = Waves(64, 2);
        Assert.True(model.Evaluate(xTest, yTest) < 0.05, $"{cell}: test loss {model.Evaluate(xTest, yTest)}");
    }

    [Fact]
    public void MaskedBidirectionalClassifier_LearnsToCountTokens()
    {
        // Label: does token 1 occur more often than token 2? Sequences of 3 to 10 tokens, zero-padded on the right to 10.
        var random = new Random(5);
        const int n = 160;
        var tokens = new int[n, 10];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int length = random.Next(3, 11), ones = 0, twos = 0;
            for (int t = 0; t < length; t++)
            {
                tokens[i, t] = random.Next(1, 4);
                ones += tokens[i, t] == 1 ? 1 : 0;
                twos += tokens[i, t] == 2 ? 1 : 0;
            }

            labels[i] = ones > twos ? 1 : 0;
        }

        var model = new Sequential(
            new Embedding(4, 8, maskZero: true),
            new Bidirectional(new LSTM(8)),
            new Dense(2));
        model.Compile(new Adam(0.02), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        History history = model.Fit(Tf.Constant(tokens), Tf.Constant(labels), epochs: 30, batchSize: 32, verbose: 0, seed: 1);
        Assert.True(history["accuracy"][^1] > 0.9, $"accuracy {history["accuracy"][^1]}, loss {history.Loss[^1]}");
    }

    [Fact]
    public void SubclassedEncoderDecoder_PassesStatesBetweenLayers_AndTrains()
    {
        (Tensor x, Tensor y) = Waves(96, 4);
        var model = new EncoderDecoder();
        model.Compile(new Adam(0.01), new MeanSquaredError());
        History history = model.Fit(x, y, epochs: 20, batchSize: 32, verbose: 0, seed: 2);
        Assert.True(history.Loss[^1] < history.Loss[0] * 0.2, $"loss {history.Loss[0]} -> {history.Loss[^1]}");
        Assert.Equal(8, model.TrainableVariables.Count);
    }

    private sealed class EncoderDecoder : Model
    {
        private readonly LSTM _encoder = new(12, returnState: true);
        private readonly LSTM _decoder = new(12, returnSequences: true);
        private readonly Dense _head = new(1);

        public override Tensor Call(Tensor inputs, bool training = false)
        {
            // The encoder reads the first 8 steps; the decoder continues from its states over the last 4.
            Tensor[] encoded = _encoder.ApplyWithStates(inputs[.., ..8], training: training);
            Tensor decoded = _decoder.ApplyWithStates(inputs[.., 8..], [encoded[1], encoded[2]], training)[0];
            return _head.Apply(Tf.Reshape(decoded[.., 3..4], [-1, 12]));
        }
    }
}
