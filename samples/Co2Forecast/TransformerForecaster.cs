using Nabla;
using Nabla.Keras;

namespace Co2Forecast;

/// <summary>
/// A small Transformer encoder forecaster, beside the LSTM: each step of four weeks is projected to
/// <see cref="Dim"/> features, a sinusoidal positional encoding says where in the two years it lies (attention alone
/// does not know the order), one encoder block lets every step read every other, and a dense head maps the flattened
/// steps to the 52 weekly changes.
/// </summary>
internal sealed class TransformerForecaster : Model
{
    /// <summary>Features per step inside the encoder.</summary>
    public const int Dim = 32;

    private readonly Dense _embed = new(Dim);
    private readonly PositionalEncoding _positions = new(Windows.Steps, Dim);
    private readonly EncoderBlock _encoder = new(Dim, heads: 4, hidden: 64, dropout: 0.1);
    private readonly Flatten _flatten = new();
    private readonly Dense _head = new(Windows.Horizon);

    public override Tensor Call(Tensor inputs, bool training = false)
    {
        Tensor x = _positions.Apply(_embed.Apply(inputs));
        return _head.Apply(_flatten.Apply(_encoder.Apply(x, training)));
    }

    /// <summary>
    /// An encoder block with the normalization before each sublayer (pre-norm, as most current Transformers: it trains
    /// without a learning-rate warmup): x + attention(norm(x)), then x + feed-forward(norm(x)).
    /// </summary>
    private sealed class EncoderBlock(int dim, int heads, int hidden, double dropout) : Layer
    {
        private readonly LayerNormalization _attentionNorm = new(epsilon: 1e-6);
        private readonly MultiHeadAttention _attention = new(heads, dim / heads, dropout: dropout);
        private readonly LayerNormalization _feedForwardNorm = new(epsilon: 1e-6);
        private readonly Dense _feedForward = new(hidden, activation: "gelu");
        private readonly Dense _feedForwardOut = new(dim);
        private readonly Dropout _feedForwardDropout = new(dropout, seed: 3);

        public override Tensor Call(Tensor inputs, bool training = false)
        {
            Tensor normed = _attentionNorm.Apply(inputs);
            Tensor x = inputs + _attention.Apply(normed, normed, training: training);
            Tensor y = _feedForwardOut.Apply(_feedForward.Apply(_feedForwardNorm.Apply(x)));
            return x + _feedForwardDropout.Apply(y, training);
        }
    }

    /// <summary>
    /// Adds the sinusoidal positional encoding of "Attention is all you need": PE(t, 2i) = sin(t / 10000^(2i/d)),
    /// PE(t, 2i+1) = cos(t / 10000^(2i/d)), a constant (steps, dim) table broadcast over the batch.
    /// </summary>
    private sealed class PositionalEncoding : Layer
    {
        private readonly Tensor _table;

        public PositionalEncoding(int steps, int dim)
        {
            var table = new float[steps, dim];
            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < dim; i += 2)
                {
                    double angle = t / Math.Pow(10000, (double)i / dim);
                    table[t, i] = (float)Math.Sin(angle);
                    if (i + 1 < dim)
                    {
                        table[t, i + 1] = (float)Math.Cos(angle);
                    }
                }
            }

            _table = Tf.Constant(table);
        }

        public override Tensor Call(Tensor inputs, bool training = false) => inputs + _table;
    }
}
