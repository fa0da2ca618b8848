namespace Nabla.Keras.Tests;

public class NamingTests
{
    private sealed class MyCustomLayer : Layer
    {
        public override Tensor Call(Tensor inputs, bool training = false) => inputs;
    }

    [Fact]
    public void Name_AutoNamesPerClass_CountAndSnakeCase()
    {
        Backend.ClearSession();
        Assert.Equal("dense", new Dense(1).Name);
        Assert.Equal("dense_1", new Dense(1).Name);
        Assert.Equal("my_custom_layer", new MyCustomLayer().Name);
        Assert.Equal("dense_2", new Dense(1).Name);
        Assert.Equal("sequential", new Sequential().Name);
        Assert.Equal("custom", new Dense(1, name: "custom").Name);
    }

    [Fact]
    public void AddWeight_VariableNamedLayerSlashName()
    {
        Backend.ClearSession();
        var first = new Dense(3, inputShape: [2]);
        var second = new Dense(1, inputShape: [3]);
        Assert.Equal(["dense/kernel:0", "dense/bias:0"], first.Variables.Select(v => v.Name));
        Assert.Equal(["dense_1/kernel:0", "dense_1/bias:0"], second.Variables.Select(v => v.Name));
    }

    [Theory]
    [InlineData("Dense", "dense")]
    [InlineData("MyLayer", "my_layer")]
    [InlineData("BatchNormalization", "batch_normalization")]
    [InlineData("Conv2D", "conv2d")]
    [InlineData("GRUCell", "gru_cell")]
    public void ToSnakeCase_ClassNames(string name, string expected) => Assert.Equal(expected, Backend.ToSnakeCase(name));
}
