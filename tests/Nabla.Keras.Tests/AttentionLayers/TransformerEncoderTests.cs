using Nabla.Keras.Losses;
using Nabla.Keras.Metrics;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests.AttentionLayers;

/// <summary>
/// A Transformer encoder block (self-attention, residual, LayerNormalization, feed-forward, residual,
/// LayerNormalization) in a model that learns whether a padded token sequence holds both token 1 and token 2: each
/// step must learn what the others hold, and padding must not count.
/// </summary>
public class TransformerEncoderTests
{
    /// <summary>The encoder block of "Attention is all you need" (post-norm), as Keras's examples write it.</summary>
    private sealed class TransformerEncoder : Layer
    {
        private readonly MultiHeadAttention _attention;
        private readonly Dropout _attentionDropout;
        private readonly LayerNormalization _attentionNorm;
        private readonly Dense _feedForward;
        private readonly Dense _feedForwardOut;
        private readonly Dropout _feedForwardDropout;
        private readonly LayerNormalization _feedForwardNorm;

        public TransformerEncoder(int dim, int heads, int hidden, double dropout)
        {
            _attention = new MultiHeadAttention(heads, dim / heads);
            _attentionDropout = new Dropout(dropout, seed: 1);
            _attentionNorm = new LayerNormalization(epsilon: 1e-6);
            _feedForward = new Dense(hidden, activation: "relu");
            _feedForwardOut = new Dense(dim);
            _feedForwardDropout = new Dropout(dropout, seed: 2);
            _feedForwardNorm = new LayerNormalization(epsilon: 1e-6);
            SupportsMasking = true;
        }

        public override Tensor Call(Tensor inputs, Tensor? mask, bool training)
        {
            // The padding mask of the inputs: padded steps are not attended to (MultiHeadAttention also reads it from the tensor).
            Tensor? attentionMask = mask is null ? null : Tf.ExpandDims(mask, 1);
            Tensor attended = _attention.Apply(inputs, inputs, attentionMask: attentionMask, training: training);
            Tensor x = _attentionNorm.Apply(inputs + _attentionDropout.Apply(attended, training));
            Tensor y = _feedForwardOut.Apply(_feedForward.Apply(x));
            return _feedForwardNorm.Apply(x + _feedForwardDropout.Apply(y, training));
        }
    }

    /// <summary>Embedding (mask_zero), the encoder block, the mean over the real steps, a logit.</summary>
    private sealed class PairDetector(double dropout) : Model
    {
        private readonly Embedding _embedding = new(13, 16, maskZero: true);
        private readonly TransformerEncoder _encoder = new(16, 2, 32, dropout);
        private readonly Dense _head = new(1);

        public override Tensor Call(Tensor inputs, bool training = false)
        {
            Tensor embedded = _embedding.Apply(inputs);
            Tensor encoded = _encoder.Apply(embedded, training);
            Tensor steps = Tf.ExpandDims(Tf.Cast(Backend.GetKerasMask(encoded)!, DType.Float32), -1);
            Tensor pooled = Tf.ReduceSum(encoded * steps, 1) / Tf.ReduceSum(steps, 1);
            return _head.Apply(pooled);
        }
    }

    // Sequences of 3 to 6 tokens from 1..5, zero-padded to 6; the label says whether both 1 and 2 occur.
    private static (Tensor X, Tensor Y) Pairs(int n, int seed)
    {
        var random = new Random(seed);
        var x = new int[n, 6];
        var y = new float[n, 1];
        for (int i = 0; i < n; i++)
        {
            int length = random.Next(3, 7);
            for (int t = 0; t < length; t++)
            {
                x[i, t] = random.Next(1, 6);
            }

            bool one = false, two = false;
            for (int t = 0; t < length; t++)
            {
                one |= x[i, t] == 1;
                two |= x[i, t] == 2;
            }

            y[i, 0] = one && two ? 1 : 0;
        }

        return (Tf.Constant(x), Tf.Constant(y));
    }

    [Fact]
    public void TransformerEncoder_LearnsWhetherTwoTokensBothOccur()
    {
        Tf.Random.SetSeed(11); // the initial weights, whatever ran before
        (Tensor x, Tensor y) = Pairs(512, 1);
        var model = new PairDetector(dropout: 0.1);
        model.Compile(new Adam(0.01), new BinaryCrossentropy(fromLogits: true), metrics: [new BinaryAccuracy(threshold: 0)]);
        History history = model.Fit(x, y, epochs: 12, batchSize: 32, verbose: 0, seed: 2);
        (Tensor xTest, Tensor yTest) = Pairs(256, 2);
        EvaluationResult result = model.Evaluate(xTest, yTest, returnDict: true);
        Assert.True(history.Loss[^1] < history.Loss[0] * 0.5, $"loss {history.Loss[0]} -> {history.Loss[^1]}");
        Assert.True(result["binary_accuracy"] > 0.9, $"test accuracy {result["binary_accuracy"]}");
    }

    [Fact]
    public void TransformerEncoder_TrainingSteps_TracedMatchEager()
    {
        Tf.Random.SetSeed(12);
        (Tensor x, Tensor y) = Pairs(32, 3);
        var eager = new PairDetector(dropout: 0);
        var traced = new PairDetector(dropout: 0);
        eager.Apply(x);
        traced.Apply(x);
        traced.SetWeights(eager.GetWeights());
        var loss = new BinaryCrossentropy(fromLogits: true);
        Tensor Step(Model model, Tensor xb, Tensor yb)
        {
            using var tape = new GradientTape();
            Tensor value = loss.Call(yb, model.Apply(xb, training: true));
            IReadOnlyList<Variable> variables = model.TrainableVariables;
            Tensor?[] gradients = tape.Gradient(value, [.. variables]);
            for (int i = 0; i < variables.Count; i++)
            {
                variables[i].AssignSub(0.002f * gradients[i]!);
            }

            return value;
        }

        var tracedStep = Tf.Function((Tensor xb, Tensor yb) => Step(traced, xb, yb));
        var eagerLosses = new List<float>();
        var tracedLosses = new List<float>();
        for (int i = 0; i < 8; i++)
        {
            eagerLosses.Add(Step(eager, x, y).Item<float>());
            tracedLosses.Add(tracedStep.Invoke(x, y).Item<float>());
        }

        Assert.Equal(1, tracedStep.TracingCount);
        // Small gradient steps on one batch: the loss goes down at every step. (Small: post-norm blocks on Keras's tiny
        // embeddings have large gradients, since LayerNormalization divides by the small spread of its inputs.)
        for (int i = 1; i < eagerLosses.Count; i++)
        {
            Assert.True(eagerLosses[i] < eagerLosses[i - 1], $"losses {string.Join(", ", eagerLosses)}");
        }

        for (int i = 0; i < eagerLosses.Count; i++)
        {
            Assert.True(Math.Abs(eagerLosses[i] - tracedLosses[i]) <= 1e-4 * (1 + Math.Abs(eagerLosses[i])),
                $"step {i}: eager {eagerLosses[i]}, traced {tracedLosses[i]}");
        }

        Tensor[] a = eager.GetWeights(), b = traced.GetWeights();
        for (int i = 0; i < a.Length; i++)
        {
            AttentionReference.AssertClose(
                [.. a[i].ToArray<float>().Select(v => (double)v)], [.. b[i].ToArray<float>().Select(v => (double)v)], 1e-4, $"weight {i}");
        }
    }
}
