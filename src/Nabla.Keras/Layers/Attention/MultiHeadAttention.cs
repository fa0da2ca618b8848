using Nabla.Keras.Initializers;
using Nabla.Keras.Regularizers;
using Nabla.Keras.Saving.Config;

namespace Nabla.Keras;

/// <summary>
/// Multi-head attention (Keras's <c>MultiHeadAttention</c>, "Attention is all you need"): the query, key and value
/// are projected to <see cref="NumHeads"/> heads by <see cref="EinsumDense"/> layers (kernels (features, heads,
/// keyDim), biases (heads, keyDim), as Keras has them), each query step attends to the value steps with
/// <c>softmax(q · kᵀ / √keyDim)</c> under the masks, the heads' results are combined by the output projection
/// (kernel (heads, valueDim, outputs)). Masks: <c>attentionMask</c> (batch, T, S) says which value steps each query step
/// may see; the Keras masks carried by the query, value and key (<see cref="Embedding"/> with <c>maskZero</c>) and
/// <c>useCausalMask</c> are merged into it, and the query's mask passes to the output. Inputs are (batch, time, features),
/// or of any rank (batch, d1..dk, features) with <c>attentionAxes</c> naming the axes attended over (Keras's
/// <c>attention_axes</c>; all of d1..dk by default): the other axes are batch-like (<see cref="AttentionAxes"/>). There
/// <c>attentionMask</c> is (batch, other axes..., query attention axes..., key attention axes...), the inputs' Keras masks
/// (batch, d1..dk) hide padded positions, and the causal mask orders the attention positions row-major.
/// </summary>
public partial class MultiHeadAttention : Layer
{
    private readonly int[]? _outputShape;
    private readonly int[]? _attentionAxes;
    private AttentionAxes? _axes;
    private readonly Initializer _kernelInitializer;
    private readonly Initializer _biasInitializer;
    private readonly Regularizer? _kernelRegularizer;
    private readonly Regularizer? _biasRegularizer;
    private readonly Regularizer? _sublayerActivityRegularizer;
    private (Shape Query, Shape Value, Shape? Key)? _buildShapes;

    // The sublayers, in Keras's order (and so the weights: query, key, value, then the output projection).
    private EinsumDense? _queryDense;
    private EinsumDense? _keyDense;
    private EinsumDense? _valueDense;
    private EinsumDense? _outputDense;

    /// <summary>Creates the layer; its projections are made when it first sees its inputs.</summary>
    /// <param name="numHeads">The number of attention heads.</param>
    /// <param name="keyDim">The size of each head for the query and key.</param>
    /// <param name="valueDim">The size of each head for the value; <paramref name="keyDim"/> by default.</param>
    /// <param name="dropout">The dropout rate on the attention probabilities in training.</param>
    /// <param name="useBias">Whether the projections have biases.</param>
    /// <param name="outputShape">The output's last axes; the query's features by default.</param>
    /// <param name="attentionAxes">The axes attention runs over (Keras's <c>attention_axes</c>), among 1..rank-2 of the inputs; all of them by default.</param>
    /// <param name="kernelInitializer">The projections' kernel initializer; <see cref="GlorotUniform"/> by default.</param>
    /// <param name="biasInitializer">The projections' bias initializer; <see cref="Zeros"/> by default.</param>
    /// <param name="kernelRegularizer">A penalty on each projection's kernel.</param>
    /// <param name="biasRegularizer">A penalty on each projection's bias.</param>
    /// <param name="activityRegularizer">A penalty on each projection's outputs (Keras passes it to the sublayers).</param>
    /// <param name="seed">The op seed of the dropout mask.</param>
    /// <param name="name">The layer's name; <c>multi_head_attention</c>... by default.</param>
    /// <param name="dtype">The weights' and outputs' dtype; float32 by default.</param>
    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, double dropout = 0, bool useBias = true, int[]? outputShape = null,
        int[]? attentionAxes = null, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null, int? seed = null, string? name = null, DType? dtype = null)
        : base(name, dtype: dtype)
    {
        if (numHeads <= 0 || keyDim <= 0 || valueDim is <= 0)
        {
            throw new ArgumentException(
                $"MultiHeadAttention {Name}: numHeads, keyDim and valueDim must be positive, got {numHeads}, {keyDim} and {valueDim}.", nameof(numHeads));
        }

        if (!(dropout >= 0 && dropout < 1))
        {
            throw new ArgumentException($"MultiHeadAttention {Name}: dropout must be in [0, 1), got {dropout}.", nameof(dropout));
        }

        if (outputShape is not null && (outputShape.Length == 0 || outputShape.Any(d => d <= 0)))
        {
            throw new ArgumentException(
                $"MultiHeadAttention {Name}: invalid outputShape ({string.Join(", ", outputShape)}); it needs positive sizes.", nameof(outputShape));
        }

        NumHeads = numHeads;
        KeyDim = keyDim;
        ValueDim = valueDim ?? keyDim;
        Dropout = dropout;
        UseBias = useBias;
        Seed = seed;
        _outputShape = outputShape is null ? null : (int[])outputShape.Clone();
        _attentionAxes = attentionAxes is null ? null : (int[])attentionAxes.Clone();
        _kernelInitializer = kernelInitializer ?? new GlorotUniform();
        _biasInitializer = biasInitializer ?? new Zeros();
        _kernelRegularizer = kernelRegularizer;
        _biasRegularizer = biasRegularizer;
        _sublayerActivityRegularizer = activityRegularizer;
        SupportsMasking = true;
    }

    /// <summary>The number of heads.</summary>
    public int NumHeads { get; }

    /// <summary>The size of each query and key head.</summary>
    public int KeyDim { get; }

    /// <summary>The size of each value head.</summary>
    public int ValueDim { get; }

    /// <summary>The dropout rate on the attention probabilities.</summary>
    public double Dropout { get; }

    /// <summary>Whether the projections have biases.</summary>
    public bool UseBias { get; }

    /// <summary>The op seed of the dropout mask.</summary>
    public int? Seed { get; }

    /// <summary>The output's last axes as given; <c>null</c>: the query's features.</summary>
    public IReadOnlyList<int>? OutputShape => _outputShape;

    /// <summary>The axes attended over as given; <c>null</c>: every axis but the batch and the features.</summary>
    public IReadOnlyList<int>? AttentionAxes => _attentionAxes;

    /// <summary>The query projection (Keras's <c>query_dense</c>); <c>null</c> before build.</summary>
    public EinsumDense? QueryDense => _queryDense;

    /// <summary>The key projection; <c>null</c> before build.</summary>
    public EinsumDense? KeyDense => _keyDense;

    /// <summary>The value projection; <c>null</c> before build.</summary>
    public EinsumDense? ValueDense => _valueDense;

    /// <summary>The output projection (named <c>attention_output</c>); <c>null</c> before build.</summary>
    public EinsumDense? OutputDense => _outputDense;

    /// <summary>Builds for self-attention: query, value and key of shape <paramref name="inputShape"/>.</summary>
    public override void Build(Shape inputShape) => Build(inputShape, inputShape);

    /// <summary>Creates the projections for inputs of these shapes (Keras's <c>build(query_shape, value_shape, key_shape)</c>).</summary>
    /// <param name="queryShape">(batch, T, features), or (batch, d1..dk, features) with attention axes.</param>
    /// <param name="valueShape">(batch, S, features), of the query's rank.</param>
    /// <param name="keyShape">(batch, S, features); the value's shape by default.</param>
    public void Build(Shape queryShape, Shape valueShape, Shape? keyShape = null)
    {
        if (_queryDense is not null)
        {
            return;
        }

        Shape key = keyShape ?? valueShape;
        CheckShapes(queryShape, valueShape, key);
        _buildShapes = (queryShape, valueShape, keyShape);
        int rank = queryShape.Rank;
        _queryDense = Projection("query", queryShape, ProjectionEquation(rank - 1, 1, 2), [.. Unknown(rank - 2), NumHeads, KeyDim]);
        _keyDense = Projection("key", key, ProjectionEquation(rank - 1, 1, 2), [.. Unknown(rank - 2), NumHeads, KeyDim]);
        _valueDense = Projection("value", valueShape, ProjectionEquation(rank - 1, 1, 2), [.. Unknown(rank - 2), NumHeads, ValueDim]);
        int[] outputs = _outputShape ?? [queryShape[rank - 1]];
        _outputDense = Projection("attention_output", new Shape([.. queryShape.ToArray()[..^1], NumHeads, ValueDim]),
            ProjectionEquation(rank - 1, 2, outputs.Length), [.. Unknown(rank - 2), .. outputs.Select(d => (int?)d)]);
    }

    // Keras's _build_proj_equation: free axes kept, bound axes contracted with the kernel, output axes made (and biased).
    private static (string Equation, string BiasAxes) ProjectionEquation(int free, int bound, int output)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyz";
        string kept = Letters[..free], contracted = Letters[free..(free + bound)], made = Letters[(free + bound)..(free + bound + output)];
        return ($"{kept}{contracted},{contracted}{made}->{kept}{made}", made);
    }

    private static int?[] Unknown(int count) => new int?[count];

    /// <summary>Throws: the layer needs a query and a value (<see cref="Apply(Tensor, Tensor, Tensor?, Tensor?, bool, bool)"/>).</summary>
    public override Tensor Call(Tensor inputs, bool training = false) => throw new ArgumentException(
        $"MultiHeadAttention {Name} takes a query and a value: call Apply(query, value) (Apply(x, x) for self-attention).", nameof(inputs));

    /// <summary>The attention output, (batch, T, features) or (batch, T, outputShape...) (Keras's <c>mha(query, value)</c>).</summary>
    /// <param name="query">(batch, T, features).</param>
    /// <param name="value">(batch, S, features).</param>
    /// <param name="key">(batch, S, features); the value by default.</param>
    /// <param name="attentionMask">Booleans (batch, T, S) (or broadcastable to it): true where a query step may see a value step.</param>
    /// <param name="training">Whether to drop attention probabilities (with <see cref="Dropout"/>).</param>
    /// <param name="useCausalMask">Whether query step <c>i</c> sees only value steps <c>j &lt;= i</c> (a decoder's self-attention).</param>
    public Tensor Apply(Tensor query, Tensor value, Tensor? key = null, Tensor? attentionMask = null, bool training = false,
        bool useCausalMask = false) => ApplySymbolic(query, value, key, attentionMask, useCausalMask, withScores: false)?[0]
            ?? Run(query, value, key, attentionMask, training, useCausalMask).Output;

    /// <summary>
    /// The attention output and the attention probabilities (batch, heads, T, S) before dropout (Keras's
    /// <c>return_attention_scores=True</c>).
    /// </summary>
    /// <param name="query">(batch, T, features).</param>
    /// <param name="value">(batch, S, features).</param>
    /// <param name="key">(batch, S, features); the value by default.</param>
    /// <param name="attentionMask">Booleans (batch, T, S): true where a query step may see a value step.</param>
    /// <param name="training">Whether to drop attention probabilities.</param>
    /// <param name="useCausalMask">Whether query step <c>i</c> sees only value steps <c>j &lt;= i</c>.</param>
    public (Tensor Output, Tensor Scores) ApplyWithScores(Tensor query, Tensor value, Tensor? key = null, Tensor? attentionMask = null,
        bool training = false, bool useCausalMask = false) =>
        ApplySymbolic(query, value, key, attentionMask, useCausalMask, withScores: true) is { } outputs
            ? (outputs[0], outputs[1])
            : Run(query, value, key, attentionMask, training, useCausalMask);

    // On Keras tensors (Keras.Input), a node of the functional graph whose call runs the layer on the real tensors.
    // Tensors given beside Keras tensors (a constant attentionMask) are constants of the node. The projections are built
    // here, eagerly, from the known feature sizes, so their weights are not drawn inside the shape-inferring trace.
    private Tensor[]? ApplySymbolic(Tensor query, Tensor value, Tensor? key, Tensor? attentionMask, bool useCausalMask, bool withScores)
    {
        Tensor?[] all = [query, value, key, attentionMask];
        var symbolic = new List<Tensor>();
        var positions = new List<int>();
        for (int i = 0; i < all.Length; i++)
        {
            if (all[i] is { } t && KerasTensors.IsKerasTensor(t))
            {
                symbolic.Add(t);
                positions.Add(i);
            }
        }

        if (symbolic.Count == 0)
        {
            return null;
        }

        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        Build(KnownShape(query), KnownShape(value), key is null ? (Shape?)null : KnownShape(key));
        Tensor[] outputs = SymbolicCall.Apply(this, symbolic, (xs, training) =>
        {
            Tensor?[] actual = (Tensor?[])all.Clone();
            for (int i = 0; i < positions.Count; i++)
            {
                actual[positions[i]] = xs[i];
            }

            (Tensor output, Tensor scores) = Run(actual[0]!, actual[1]!, actual[2], actual[3], training, useCausalMask);
            return withScores ? [output, scores] : [output];
        });
        AttentionNodes.Describe(KerasTensors.HistoryOf(outputs[0], Name).Node, positions, all.Count(t => t is not null), useCausalMask, withScores);
        return outputs;
    }

    // A Keras tensor's shape with its unknown sizes (the batch, the steps) as 1: the projections only need the features.
    private static Shape KnownShape(Tensor t) => new([.. t.Shape.ToNullableArray().Select(d => d ?? 1)]);

    private (Tensor Output, Tensor Scores) Run(Tensor query, Tensor value, Tensor? key, Tensor? attentionMask, bool training, bool useCausalMask)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);

        // Keras reads the masks the inputs carry (query_mask, value_mask, key_mask), before autocasting makes new tensors.
        Tensor? queryMask = Backend.GetKerasMask(query), valueMask = Backend.GetKerasMask(value);
        Tensor? keyMask = key is null || ReferenceEquals(key, value) ? null : Backend.GetKerasMask(key);
        query = CastInputs(query);
        value = CastInputs(value);
        Tensor keyInput = key is null ? value : CastInputs(key);
        Build(query.Shape, value.Shape, keyInput.Shape);
        CheckShapes(query.Shape, value.Shape, keyInput.Shape);
        Tensor scores = query;
        Tensor output = CallWithLosses(query, training, queryMask, _ =>
        {
            Tensor? mask = MergeMasks(query, value, queryMask, valueMask, keyMask, attentionMask, useCausalMask);
            (Tensor result, scores) = Attend(query, value, keyInput, mask, training);
            return result;
        });
        return (output, scores);
    }

    private (Tensor Output, Tensor Scores) Attend(Tensor query, Tensor value, Tensor key, Tensor? mask, bool training)
    {
        // Projections (batch, steps..., heads, size), then heads first: (batch, heads, steps, size), the steps and the
        // batch-like axes flattened when attending over several axes.
        Tensor queryProjected = _queryDense!.Apply(query), keyProjected = _keyDense!.Apply(key);
        Tensor q = _axes!.ToMatrices(queryProjected);
        Tensor k = _axes.ToMatrices(keyProjected);
        Tensor v = _axes.ToMatrices(_valueDense!.Apply(value));
        if (mask is not null && !_axes.IsSequence)
        {
            mask = _axes.FlattenMask(mask, queryProjected.Shape, keyProjected.Shape);
        }

        // Keras scales the query, then takes the dot products: scores (batch, heads, T, S).
        q = Tf.Multiply(q, Tf.Cast(1.0 / Math.Sqrt(KeyDim), q.DType));
        Tensor probabilities = AttentionMasks.MaskedSoftmax(Tf.MatMul(q, k, transposeB: true), mask);
        Tensor dropped = training && Dropout > 0 ? Tf.Nn.Dropout(probabilities, Dropout, Seed) : probabilities;
        Tensor combined = _axes.FromMatrices(Tf.MatMul(dropped, v), queryProjected.Shape); // (batch, T..., heads, valueDim)
        return (_outputDense!.Apply(combined), _axes.ScoresLayout(probabilities, queryProjected.Shape, keyProjected.Shape));
    }

    // Keras's _compute_attention_mask: query (B, T, 1), value and key (B, 1, S), causal (1, T, S) and the given mask,
    // merged by AND, then a heads axis so it broadcasts to the scores (B, heads, T, S).
    private Tensor? MergeMasks(Tensor query, Tensor value, Tensor? queryMask, Tensor? valueMask, Tensor? keyMask, Tensor? attentionMask,
        bool useCausalMask)
    {
        if (!_axes!.IsSequence)
        {
            return _axes.MergeMasks($"MultiHeadAttention {Name}", query.Shape, value.Shape, queryMask, valueMask, keyMask, attentionMask, useCausalMask);
        }

        int batch = query.Shape[0], queryLength = query.Shape[1], valueLength = value.Shape[1];
        var scoresShape = new Shape(batch, NumHeads, queryLength, valueLength);
        Tensor? mask = null;
        if (queryMask is not null)
        {
            CheckStepMask("the query's mask", queryMask, batch, queryLength);
            mask = Tf.ExpandDims(AttentionMasks.AsBool(queryMask), -1);
        }

        foreach ((string what, Tensor? stepMask) in new[] { ("the value's mask", valueMask), ("the key's mask", keyMask) })
        {
            if (stepMask is not null)
            {
                CheckStepMask(what, stepMask, batch, valueLength);
                mask = AttentionMasks.And(mask, Tf.ExpandDims(stepMask, -2));
            }
        }

        if (useCausalMask)
        {
            mask = AttentionMasks.And(mask, AttentionMasks.Causal(queryLength, valueLength));
        }

        if (attentionMask is not null)
        {
            AttentionMasks.CheckBroadcasts($"MultiHeadAttention {Name}", "attentionMask", attentionMask, new Shape(batch, queryLength, valueLength));
            mask = AttentionMasks.And(attentionMask, mask);
        }

        while (mask is not null && mask.Rank < scoresShape.Rank)
        {
            mask = Tf.ExpandDims(mask, -3);
        }

        return mask;
    }

    private void CheckStepMask(string what, Tensor mask, int batch, int steps)
    {
        if (mask.Rank != 2 || mask.Shape[0] != batch || mask.Shape[1] != steps)
        {
            throw new ArgumentException(
                $"MultiHeadAttention {Name}: {what} has shape {mask.Shape} ({mask.DType}); expected ({batch}, {steps}).", nameof(mask));
        }
    }

    private void CheckShapes(Shape query, Shape value, Shape key)
    {
        if (query.Rank < 3 || value.Rank != query.Rank || key.Rank != query.Rank)
        {
            throw new ArgumentException(
                $"MultiHeadAttention {Name}: query, value and key must have one rank of at least 3, (batch, steps..., features), got {query}, " +
                $"{value} and {key}.", nameof(query));
        }

        _axes ??= Nabla.Keras.AttentionAxes.For($"MultiHeadAttention {Name}", query.Rank, _attentionAxes);
        if (_axes.Rank != query.Rank)
        {
            throw new ArgumentException(
                $"MultiHeadAttention {Name} was built for inputs of rank {_axes.Rank}, got query, value and key of rank {query.Rank}: {query}, {value} and {key}.",
                nameof(query));
        }

        bool othersAgree = Enumerable.Range(0, query.Rank - 1).All(a => _axes.Attends(a) || query[a] == value[a]);
        if (!value.ToArray().AsSpan(0, value.Rank - 1).SequenceEqual(key.ToArray().AsSpan(0, key.Rank - 1)) || !othersAgree)
        {
            throw new ArgumentException(
                $"MultiHeadAttention {Name}: all dimensions of `value` and `key`, except the last one, must be equal, and the batch sizes of " +
                $"query and value (and their axes not attended over) must agree. Received: query_shape={query}, value_shape={value} and key_shape={key}.",
                nameof(value));
        }

        int features = query.Rank - 1;
        if (_queryDense?.Kernel is { } q && (q.Shape[0] != query[features] || _keyDense!.Kernel!.Shape[0] != key[features] || _valueDense!.Kernel!.Shape[0] != value[features]))
        {
            throw new ArgumentException(
                $"MultiHeadAttention {Name} was built for query, value and key features {q.Shape[0]}, {_valueDense!.Kernel!.Shape[0]} and " +
                $"{_keyDense!.Kernel!.Shape[0]}, got shapes {query}, {value} and {key}.", nameof(query));
        }
    }

    private EinsumDense Projection(string name, Shape inputShape, (string Equation, string BiasAxes) equation, int?[] outputShape)
    {
        var layer = new EinsumDense(equation.Equation, outputShape, biasAxes: UseBias ? equation.BiasAxes : null, kernelInitializer: _kernelInitializer,
            biasInitializer: _biasInitializer, kernelRegularizer: _kernelRegularizer, biasRegularizer: _biasRegularizer,
            activityRegularizer: _sublayerActivityRegularizer, name: name, dtype: DType);
        layer.EnsureBuilt(inputShape);
        return layer;
    }
}
