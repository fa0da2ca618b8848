namespace Nabla.Keras.Tests.AttentionLayers;

/// <summary>The attention layers on Keras tensors: nodes of functional models that compute what the layers compute eagerly.</summary>
public class FunctionalAttentionTests
{
    [Fact]
    public void MultiHeadAttention_InAFunctionalModel_MatchesTheLayersAppliedEagerly()
    {
        Tf.Random.SetSeed(21);
        Tensor tokens = Keras.Input(shape: [6], dtype: DType.Int32, name: "tokens");
        var embedding = new Embedding(13, 8, maskZero: true);
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 4);
        var pool = new GlobalAveragePooling1D();
        var head = new Dense(1);
        Tensor embedded = embedding.Apply(tokens);
        Tensor attended = mha.Apply(embedded, embedded, useCausalMask: true);
        (Tensor _, Tensor scores) = mha.ApplyWithScores(embedded, embedded);
        Assert.Equal([null, 6, 8], attended.Shape.ToNullableArray());
        Assert.Equal([null, 2, 6, 6], scores.Shape.ToNullableArray());
        var model = new Model(tokens, head.Apply(pool.Apply(attended)));
        Assert.Equal(8, mha.Variables.Count);

        Tensor ids = Tf.Constant(new[,] { { 3, 5, 2, 0, 0, 0 }, { 7, 1, 4, 9, 12, 0 } });
        Tensor x = embedding.Apply(ids);
        Tensor expected = head.Apply(pool.Apply(mha.Apply(x, x, useCausalMask: true)));
        Assert.Equal(expected.ToArray<float>(), model.Predict(ids).ToArray<float>());
    }

    [Fact]
    public void Attention_OnTwoInputs_InAFunctionalModel_MatchesTheLayer()
    {
        Tensor query = Keras.Input(shape: [3, 4], name: "query");
        Tensor value = Keras.Input(shape: [5, 4], name: "value");
        var attention = new Attention(useScale: true);
        Tensor output = attention.Apply([query, value], useCausalMask: true);
        Assert.Equal([null, 3, 4], output.Shape.ToNullableArray());
        var model = new Model([query, value], [output]);
        Tensor q = Tf.Random.Normal([2, 3, 4], seed: 1), v = Tf.Random.Normal([2, 5, 4], seed: 2);
        Assert.Equal(attention.Apply([q, v], useCausalMask: true).ToArray<float>(), model.Apply([q, v]).ToArray<float>());
        Assert.Throws<NotSupportedException>(() => attention.Apply([query, value], mask: [null, null]));
    }
}
