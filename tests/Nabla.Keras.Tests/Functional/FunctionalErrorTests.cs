namespace Nabla.Keras.Tests.Functional;

public class FunctionalErrorTests
{
    [Fact]
    public void Apply_IncompatibleShape_ThrowsAtApplyTime_NamingLayerExpectedAndGiven()
    {
        var dense = new Dense(4, name: "picky");
        dense.Apply(Keras.Input(shape: [13]));

        var ex = Assert.Throws<ArgumentException>(() => dense.Apply(Keras.Input(shape: [7])));
        Assert.Contains("\"picky\" (Dense)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected input shape (None, 13)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("received input with shape (None, 7)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_LayerBuiltFromInputShape_ReportsThatShape()
    {
        var dense = new Dense(4, inputShape: [3], name: "declared");
        var ex = Assert.Throws<ArgumentException>(() => dense.Apply(Keras.Input(shape: [5])));
        Assert.Contains("expected input shape (None, 3)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 5)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_MixOfKerasAndConcreteTensors_Throws()
    {
        Tensor input = Keras.Input(shape: [3]);
        var ex = Assert.Throws<ArgumentException>(() => new Add(name: "mixed").Apply([input, Tf.Ones([2, 3])]));
        Assert.Contains("\"mixed\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Keras tensor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_GraphDisconnected_Throws()
    {
        Tensor a = Keras.Input(shape: [3], name: "used");
        Tensor b = Keras.Input(shape: [3], name: "forgotten");
        Tensor sum = new Add().Apply([a, b]);
        var ex = Assert.Throws<ArgumentException>(() => new Model(a, sum));
        Assert.Contains("graph disconnected", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"forgotten\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_FromConcreteTensors_Throws()
    {
        Tensor input = Keras.Input(shape: [3]);
        var ex = Assert.Throws<ArgumentException>(() => new Model(input, Tf.Ones([2, 3])));
        Assert.Contains("not a Keras tensor", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Model(Tf.Ones([2, 3]), new Dense(1).Apply(input)));
    }

    [Fact]
    public void Model_SameInputTwice_OrTwoLayersOfOneName_Throws()
    {
        Tensor input = Keras.Input(shape: [3]);
        Tensor output = new Dense(1).Apply(input);
        Assert.Contains("multiple times", Assert.Throws<ArgumentException>(() => new Model([input, input], [output])).Message, StringComparison.Ordinal);

        Tensor twice = new Dense(2, name: "twin").Apply(new Dense(2, name: "twin").Apply(input));
        var ex = Assert.Throws<ArgumentException>(() => new Model(input, twice));
        Assert.Contains("\"twin\" is used 2 times", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_MultiOutput_ApplyOfOneTensor_PointsToApplyOutputs()
    {
        Tensor input = Keras.Input(shape: [3]);
        var model = new Model([input], [new Dense(1).Apply(input), new Dense(2).Apply(input)]);
        var ex = Assert.Throws<InvalidOperationException>(() => model.Apply(Tf.Ones([2, 3])));
        Assert.Contains("ApplyOutputs", ex.Message, StringComparison.Ordinal);
        Tensor[] outputs = model.ApplyOutputs([Tf.Ones([2, 3])]);
        Assert.Equal([new Shape(2, 1), new Shape(2, 2)], outputs.Select(o => o.Shape));
    }

    [Fact]
    public void KerasTensor_InEagerOp_ThrowsSayingItHasNoValues()
    {
        Tensor input = Keras.Input(shape: [3]);
        Assert.Throws<InvalidOperationException>(() => Tf.Add(input, Tf.Ones([2, 3])));
    }
}
