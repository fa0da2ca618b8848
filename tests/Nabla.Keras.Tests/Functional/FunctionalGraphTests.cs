namespace Nabla.Keras.Tests.Functional;

public class FunctionalGraphTests
{
    private static readonly Tensor s_batch = Tf.Random.Normal([5, 13], seed: 3);

    [Fact]
    public void Input_IsSymbolic_WithUnknownBatch_AndHasNoValues()
    {
        Tensor x = Keras.Input(shape: [13], name: "features");
        Assert.True(x.IsSymbolic);
        Assert.True(Backend.IsKerasTensor(x));
        Assert.Equal("(None, 13)", x.Shape.ToString());
        Assert.Equal(DType.Float32, x.DType);
        Assert.Throws<InvalidOperationException>(() => x.ToArray<float>());
        Assert.False(Backend.IsKerasTensor(Tf.Ones([2, 13])));

        Tensor fixedBatch = Keras.Input(shape: [null, 8], dtype: DType.Float64, batchSize: 4);
        Assert.Equal("(4, None, 8)", fixedBatch.Shape.ToString());
        Assert.Equal(DType.Float64, fixedBatch.DType);
    }

    [Fact]
    public void Apply_OnKerasTensor_InfersOutputShapes_WithoutComputing()
    {
        Tensor image = Keras.Input(shape: [8, 8, 1]);
        Tensor conv = new Conv2D(4, 3).Apply(image);
        Tensor flat = new Flatten().Apply(conv);
        Tensor sequence = Keras.Input(shape: [null, 6]);
        Tensor perStep = new Dense(3).Apply(sequence);

        Assert.Equal("(None, 6, 6, 4)", conv.Shape.ToString());
        Assert.Equal("(None, 144)", flat.Shape.ToString());
        Assert.Equal("(None, None, 3)", perStep.Shape.ToString());
        Assert.True(Backend.IsKerasTensor(flat));
    }

    [Fact]
    public void Model_OneInputOneOutput_ComputesWhatItsLayersCompute()
    {
        var hidden = new Dense(8, activation: "relu");
        var head = new Dense(3);
        Tensor input = Keras.Input(shape: [13]);
        var model = new Model(input, head.Apply(hidden.Apply(input)));

        Tensor expected = head.Apply(hidden.Apply(s_batch));
        Assert.Equal(expected.ToArray<float>(), model.Apply(s_batch).ToArray<float>());
        Assert.Equal(expected.ToArray<float>(), model.Predict(s_batch).ToArray<float>());
        Assert.Equal([.. hidden.TrainableVariables, .. head.TrainableVariables], model.TrainableVariables);
        Assert.Equal([typeof(InputLayer), typeof(Dense), typeof(Dense)], model.Layers.Select(l => l.GetType()));
        Assert.True(model.IsFunctional);
        Assert.Same(input, Assert.Single(model.Inputs));
    }

    [Fact]
    public void SharedLayer_AppliedTwice_HasOneSetOfWeights_AndTwoNodes()
    {
        var shared = new Dense(4, activation: "tanh", name: "shared");
        Tensor a = Keras.Input(shape: [13], name: "a");
        Tensor b = Keras.Input(shape: [13], name: "b");
        Tensor sum = new Add().Apply([shared.Apply(a), shared.Apply(b)]);
        var model = new Model([a, b], [sum]);
        Tensor xb = Tf.Random.Normal([5, 13], seed: 4);

        Assert.Equal(2, model.TrainableVariables.Count);
        Assert.Single(model.Layers, l => ReferenceEquals(l, shared));
        Tensor expected = shared.Apply(s_batch) + shared.Apply(xb);
        Assert.Equal(expected.ToArray<float>(), model.Apply([s_batch, xb]).ToArray<float>());

        // One gradient for the kernel, the sum of both uses.
        using var tape = new GradientTape();
        Tensor loss = Tf.ReduceSum(model.Apply([s_batch, xb]));
        Tensor?[] grads = tape.Gradient(loss, [.. model.TrainableVariables]);
        Assert.All(grads, g => Assert.NotNull(g));
    }

    [Fact]
    public void NestedModel_UsedAsLayer_SharesItsWeights()
    {
        Tensor innerInput = Keras.Input(shape: [13]);
        var inner = new Model(innerInput, new Dense(5, activation: "relu").Apply(innerInput), name: "encoder");
        Tensor outerInput = Keras.Input(shape: [13]);
        Tensor encoded = inner.Apply(outerInput);
        var head = new Dense(2);
        var outer = new Model(outerInput, head.Apply(encoded));

        Assert.Equal("(None, 5)", encoded.Shape.ToString());
        Assert.Same(inner, outer.GetLayer("encoder"));
        Assert.Equal(4, outer.TrainableVariables.Count);
        Assert.Equal(head.Apply(inner.Apply(s_batch)).ToArray<float>(), outer.Predict(s_batch).ToArray<float>());
    }

    [Fact]
    public void SequentialModel_UsedAsLayer_InAFunctionalGraph()
    {
        var stack = new Sequential(new Dense(6, "relu"), new Dense(2));
        Tensor input = Keras.Input(shape: [13]);
        var model = new Model(input, stack.Apply(input));

        Assert.Equal(4, model.TrainableVariables.Count);
        Assert.Equal(stack.Apply(s_batch).ToArray<float>(), model.Apply(s_batch).ToArray<float>());
    }

    [Fact]
    public void Inputs_AreConvertedToTheInputDType_AndChecked()
    {
        Tensor input = Keras.Input(shape: [13]);
        var model = new Model(input, new Dense(2).Apply(input));

        Tensor fromDoubles = model.Apply(Tf.Cast(s_batch, DType.Float64));
        Assert.Equal(DType.Float32, fromDoubles.DType);
        var wrongWidth = Assert.Throws<ArgumentException>(() => model.Apply(Tf.Ones([4, 7])));
        Assert.Contains($"layer \"{model.Name}\"", wrongWidth.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 13)", wrongWidth.Message, StringComparison.Ordinal);
        Assert.Contains("(4, 7)", wrongWidth.Message, StringComparison.Ordinal);
        var wrongCount = Assert.Throws<ArgumentException>(() => model.Apply([s_batch, s_batch]));
        Assert.Contains("expects 1 input(s)", wrongCount.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetLayer_ByNameAndIndex_AndUnknownNameThrows()
    {
        Tensor input = Keras.Input(shape: [13], name: "pixels");
        Tensor hidden = new Dense(4, name: "hidden").Apply(input);
        var model = new Model(input, new Dense(2, name: "logits").Apply(hidden));

        Assert.Equal("hidden", model.GetLayer("hidden").Name);
        Assert.IsType<InputLayer>(model.GetLayer(0));
        Assert.Equal("logits", model.GetLayer(2).Name);
        var unknown = Assert.Throws<ArgumentException>(() => model.GetLayer("nope"));
        Assert.Contains("No such layer: nope", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("'hidden'", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.GetLayer(3));
    }
}
