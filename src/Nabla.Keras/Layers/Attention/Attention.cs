using System.Text.Json.Nodes;
using Nabla.Keras.Initializers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// Dot-product (Luong-style) attention (Keras's <c>Attention</c>), applied to <c>[query, value]</c> or
/// <c>[query, value, key]</c>: scores (batch, Tq, Tv) are <c>query · keyᵀ</c> (times a trained scalar <c>scale</c>
/// with <see cref="UseScale"/>), or with <see cref="ScoreMode"/> <c>"concat"</c> <c>w · Σ tanh(scale · (q + k))</c>; the
/// softmax of the scores weighs the value steps. The value's mask (or <c>useCausalMask</c>) hides value steps, the
/// query's mask zeroes the output's padded steps and passes on; both are read from the inputs by default.
/// </summary>
public class Attention : Layer
{
    private Variable? _scale;
    private Variable? _concatScoreWeight;

    /// <summary>Creates the layer.</summary>
    /// <param name="useScale">Whether a trained scalar <c>scale</c> (initially 1) multiplies the scores.</param>
    /// <param name="scoreMode"><c>"dot"</c> (the dot product) or <c>"concat"</c> (the tanh of the sum of query and key).</param>
    /// <param name="dropout">The dropout rate on the attention weights in training.</param>
    /// <param name="seed">The op seed of the dropout mask.</param>
    /// <param name="name">The layer's name; <c>attention</c>... by default.</param>
    /// <param name="dtype">The weights' and outputs' dtype; float32 by default.</param>
    public Attention(bool useScale = false, string scoreMode = "dot", double dropout = 0, int? seed = null, string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        if (scoreMode is not ("dot" or "concat"))
        {
            throw new ArgumentException(
                $"Invalid value for argument score_mode. Expected one of {{'dot', 'concat'}}. Received: score_mode={scoreMode}", nameof(scoreMode));
        }

        if (!(dropout >= 0 && dropout < 1))
        {
            throw new ArgumentException($"Attention {Name}: dropout must be in [0, 1), got {dropout}.", nameof(dropout));
        }

        UseScale = useScale;
        ScoreMode = scoreMode;
        Dropout = dropout;
        Seed = seed;
        SupportsMasking = true;
    }

    /// <summary>Whether a trained scalar scales the scores.</summary>
    public bool UseScale { get; }

    /// <summary><c>"dot"</c> or <c>"concat"</c>.</summary>
    public string ScoreMode { get; }

    /// <summary>The dropout rate on the attention weights.</summary>
    public double Dropout { get; }

    /// <summary>The op seed of the dropout mask.</summary>
    public int? Seed { get; }

    /// <summary>The trained scale (shape ()); <c>null</c> without <see cref="UseScale"/> or before build.</summary>
    public Variable? Scale => _scale;

    /// <summary>The concat mode's trained weight (shape ()); <c>null</c> in dot mode or before build.</summary>
    public Variable? ConcatScoreWeight => _concatScoreWeight;

    /// <inheritdoc/>
    public override void Build(Shape inputShape)
    {
        _scale = UseScale ? AddWeight("scale", Shape.Scalar, new Ones()) : null;
        _concatScoreWeight = ScoreMode == "concat" ? AddWeight("concat_score_weight", Shape.Scalar, new Ones()) : null;
    }

    /// <summary>Throws: the layer takes a list <c>[query, value]</c> or <c>[query, value, key]</c>.</summary>
    public override Tensor Call(Tensor inputs, bool training = false) => throw new ArgumentException(
        $"Attention layer must be called on a list of inputs, namely [query, value] or [query, value, key]. Received: a tensor of shape " +
        $"{inputs?.Shape}.", nameof(inputs));

    /// <summary>The attention output (batch, Tq, value features) (Keras's <c>attention([query, value])</c>).</summary>
    /// <param name="inputs"><c>[query, value]</c> or <c>[query, value, key]</c>: (batch, Tq, dim), (batch, Tv, dimV), (batch, Tv, dim).</param>
    /// <param name="training">Whether to drop attention weights.</param>
    /// <param name="mask"><c>[queryMask, valueMask]</c>, booleans (batch, Tq) and (batch, Tv), either null; by default the inputs' Keras masks.</param>
    /// <param name="useCausalMask">Whether query step <c>i</c> sees only value steps <c>j &lt;= i</c>.</param>
    public Tensor Apply(IReadOnlyList<Tensor> inputs, bool training = false, IReadOnlyList<Tensor?>? mask = null, bool useCausalMask = false) =>
        ApplySymbolic(inputs, mask, useCausalMask, withScores: false)?[0] ?? Run(inputs, training, mask, useCausalMask).Output;

    /// <summary>The attention output and the attention weights (batch, Tq, Tv) (Keras's <c>return_attention_scores=True</c>).</summary>
    /// <param name="inputs"><c>[query, value]</c> or <c>[query, value, key]</c>.</param>
    /// <param name="training">Whether to drop attention weights.</param>
    /// <param name="mask"><c>[queryMask, valueMask]</c>; by default the inputs' Keras masks.</param>
    /// <param name="useCausalMask">Whether query step <c>i</c> sees only value steps <c>j &lt;= i</c>.</param>
    public (Tensor Output, Tensor Scores) ApplyWithScores(IReadOnlyList<Tensor> inputs, bool training = false, IReadOnlyList<Tensor?>? mask = null,
        bool useCausalMask = false) => ApplySymbolic(inputs, mask, useCausalMask, withScores: true) is { } outputs
            ? (outputs[0], outputs[1])
            : Run(inputs, training, mask, useCausalMask);

    // On Keras tensors, a node of the functional graph (its scalar weights made now, eagerly); masks come with the tensors.
    private Tensor[]? ApplySymbolic(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? mask, bool useCausalMask, bool withScores)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!KerasTensors.AnyKerasTensor(inputs))
        {
            return null;
        }

        if (mask is not null)
        {
            throw new NotSupportedException(
                $"Attention {Name}: an explicit mask cannot be given with Keras tensors; masks made by layers (Embedding with maskZero, " +
                "Masking) reach this layer with the tensors when the model runs.");
        }

        EnsureBuilt(Shape.Scalar); // the weights are scalars, whatever the inputs' shapes
        Tensor[] outputs = SymbolicCall.Apply(this, inputs, (xs, training) =>
        {
            (Tensor output, Tensor scores) = Run(xs, training, null, useCausalMask);
            return withScores ? [output, scores] : [output];
        });
        KerasTensors.HistoryOf(outputs[0], Name).Node.Kwargs = AttentionNodes.Kwargs(useCausalMask, withScores);
        return outputs;
    }

    private (Tensor Output, Tensor Scores) Run(IReadOnlyList<Tensor> inputs, bool training, IReadOnlyList<Tensor?>? mask, bool useCausalMask)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count is < 2 or > 3)
        {
            throw new ArgumentException(
                $"Attention layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: {inputs.Count}.",
                nameof(inputs));
        }

        if (mask is not null && mask.Count is < 2 or > 3)
        {
            throw new ArgumentException($"Attention layer accepts mask list of length 2 or 3. Received length: {mask.Count}.", nameof(mask));
        }

        Tensor? queryMask = mask is null ? Backend.GetKerasMask(inputs[0]) : mask[0];
        Tensor? valueMask = mask is null ? Backend.GetKerasMask(inputs[1]) : mask[1];
        Tensor query = CastInputs(inputs[0]), value = CastInputs(inputs[1]);
        Tensor key = inputs.Count > 2 ? CastInputs(inputs[2]) : value;
        CheckShapes(query, value, key, queryMask, valueMask);
        Tensor weights = query;
        Tensor output = CallWithLosses(query, training, queryMask, _ =>
        {
            (Tensor result, weights) = Attend(query, value, key, queryMask, valueMask, training, useCausalMask);
            return result;
        });
        return (output, weights);
    }

    private (Tensor Output, Tensor Weights) Attend(Tensor query, Tensor value, Tensor key, Tensor? queryMask, Tensor? valueMask, bool training,
        bool useCausalMask)
    {
        Tensor scores;
        if (ScoreMode == "dot")
        {
            scores = Tf.MatMul(query, key, transposeB: true);
            scores = _scale is null ? scores : Tf.Multiply(scores, _scale);
        }
        else
        {
            // (batch, Tq, 1, dim) + (batch, 1, Tv, dim), summed over the features.
            Tensor sum = Tf.Add(Tf.ExpandDims(query, -2), Tf.ExpandDims(key, -3));
            sum = _scale is null ? sum : Tf.Multiply(sum, _scale);
            scores = Tf.Multiply(_concatScoreWeight!, Tf.ReduceSum(Tf.Tanh(sum), -1));
        }

        Tensor? scoresMask = valueMask is null ? null : Tf.ExpandDims(AttentionMasks.AsBool(valueMask), -2);
        if (useCausalMask)
        {
            scoresMask = AttentionMasks.And(scoresMask, AttentionMasks.Causal(query.Shape[1], key.Shape[1]));
        }

        if (scoresMask is not null)
        {
            // Keras subtracts 1e9 from masked scores (a fully masked row stays a uniform distribution here, as in Keras).
            scores = Tf.Subtract(scores, Tf.Multiply(Tf.Cast(Tf.LogicalNot(scoresMask), scores.DType), Tf.Cast(1e9, scores.DType)));
        }

        Tensor weights = Tf.Nn.Softmax(scores);
        if (training && Dropout > 0)
        {
            weights = Tf.Nn.Dropout(weights, Dropout, Seed);
        }

        Tensor result = Tf.MatMul(weights, value);
        if (queryMask is not null)
        {
            result = Tf.Multiply(result, Tf.Cast(Tf.ExpandDims(AttentionMasks.AsBool(queryMask), -1), result.DType));
        }

        return (result, weights);
    }

    private void CheckShapes(Tensor query, Tensor value, Tensor key, Tensor? queryMask, Tensor? valueMask)
    {
        bool ranks = query.Rank == 3 && value.Rank == 3 && key.Rank == 3;
        if (!ranks || key.Shape[1] != value.Shape[1] || key.Shape[2] != query.Shape[2] || query.Shape[0] != value.Shape[0]
            || key.Shape[0] != value.Shape[0])
        {
            throw new ArgumentException(
                $"Attention {Name}: expected query (batch, Tq, dim), value (batch, Tv, dimV) and key (batch, Tv, dim), got shapes {query.Shape}, " +
                $"{value.Shape} and {key.Shape}.", nameof(query));
        }

        if (queryMask is not null && (queryMask.Rank != 2 || queryMask.Shape[0] != query.Shape[0] || queryMask.Shape[1] != query.Shape[1]))
        {
            throw new ArgumentException(
                $"Attention {Name}: the query mask has shape {queryMask.Shape}; expected ({query.Shape[0]}, {query.Shape[1]}).", nameof(queryMask));
        }

        if (valueMask is not null && (valueMask.Rank != 2 || valueMask.Shape[0] != value.Shape[0] || valueMask.Shape[1] != value.Shape[1]))
        {
            throw new ArgumentException(
                $"Attention {Name}: the value mask has shape {valueMask.Shape}; expected ({value.Shape[0]}, {value.Shape[1]}).", nameof(valueMask));
        }
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        JsonObject config = BaseConfig();
        config["use_scale"] = UseScale;
        config["score_mode"] = ScoreMode;
        config["dropout"] = Dropout;
        config["seed"] = Seed;
        return config;
    }
}
