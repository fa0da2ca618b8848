namespace Nabla.Keras.Tests.Functional;

public class FunctionalSummaryTests
{
    [Fact]
    public void Summary_BranchingModel_PrintsConnectedTo_AsKeras()
    {
        Backend.ClearSession();
        Tensor features = Keras.Input(shape: [13], name: "features");
        Tensor extra = Keras.Input(shape: [4], name: "extra");
        Tensor h = new Dense(32, activation: "relu").Apply(features);
        Tensor merged = new Concatenate().Apply([h, extra]);
        Tensor output = new Dense(3).Apply(merged);
        var model = new Model(inputs: [features, extra], outputs: [output]);
        var writer = new StringWriter();
        model.Summary(writer);

        // Keras 2.9+'s print_row for a functional model: columns ending at 32, 53, 65 and 98; a list of connections
        // breaks after each item.
        string expected = string.Join(Environment.NewLine,
            "Model: \"model\"",
            "__________________________________________________________________________________________________",
            " Layer (type)                   Output Shape         Param #     Connected to                     ",
            "==================================================================================================",
            " features (InputLayer)          [(None, 13)]         0           []                               ",
            "                                                                                                  ",
            " dense (Dense)                  (None, 32)           448         ['features[0][0]']               ",
            "                                                                                                  ",
            " extra (InputLayer)             [(None, 4)]          0           []                               ",
            "                                                                                                  ",
            " concatenate (Concatenate)      (None, 36)           0           ['dense[0][0]',                  ",
            "                                                                  'extra[0][0]']                  ",
            "                                                                                                  ",
            " dense_1 (Dense)                (None, 3)            111         ['concatenate[0][0]']            ",
            "                                                                                                  ",
            "==================================================================================================",
            "Total params: 559",
            "Trainable params: 559",
            "Non-trainable params: 0",
            "__________________________________________________________________________________________________",
            string.Empty);
        Assert.Equal(expected, writer.ToString());
    }

    [Fact]
    public void Summary_SharedLayer_ListsBothCalls_WithNodeIndices()
    {
        Backend.ClearSession();
        var shared = new Dense(2, name: "shared");
        Tensor a = Keras.Input(shape: [3], name: "a");
        Tensor b = Keras.Input(shape: [3], name: "b");
        var model = new Model([a, b], [new Add().Apply([shared.Apply(a), shared.Apply(b)])]);
        var writer = new StringWriter();
        model.Summary(writer);
        string[] lines = writer.ToString().Split(Environment.NewLine);

        Assert.Contains(" shared (Dense)                 (None, 2)            8           ['a[0][0]',                      ", lines);
        Assert.Contains("                                                                  'b[0][0]']                      ", lines);
        Assert.Contains(" add (Add)                      (None, 2)            0           ['shared[0][0]',                 ", lines);
        Assert.Contains("                                                                  'shared[1][0]']                 ", lines);
        Assert.Contains("Total params: 8", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_ChainModel_PrintsWithoutConnections_AsKerasSequentialLike()
    {
        Backend.ClearSession();
        Tensor input = Keras.Input(shape: [4]);
        Tensor hidden = new Dense(16, activation: "relu").Apply(input);
        var model = new Model(input, new Dense(3).Apply(hidden));
        var writer = new StringWriter();
        model.Summary(writer);
        string expected = string.Join(Environment.NewLine,
            "Model: \"model\"",
            "_________________________________________________________________",
            " Layer (type)                Output Shape              Param #   ",
            "=================================================================",
            " input_layer (InputLayer)    [(None, 4)]               0         ",
            "                                                                 ",
            " dense (Dense)               (None, 16)                80        ",
            "                                                                 ",
            " dense_1 (Dense)             (None, 3)                 51        ",
            "                                                                 ",
            "=================================================================",
            "Total params: 131",
            "Trainable params: 131",
            "Non-trainable params: 0",
            "_________________________________________________________________",
            string.Empty);
        Assert.Equal(expected, writer.ToString());
    }
}
