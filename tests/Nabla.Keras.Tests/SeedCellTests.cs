namespace Nabla.Keras.Tests;

public class SeedCellTests
{
    [Fact]
    public void In2_SequentialDenseWithInputShape_KernelAndZeroBias()
    {
        Backend.ClearSession();
        var model = new Sequential(new Dense(1, inputShape: [1]));
        IReadOnlyList<Variable> variables = model.Variables;
        Assert.Equal(2, variables.Count);
        Assert.Equal("dense/kernel:0", variables[0].Name);
        Assert.Equal(new Shape(1, 1), variables[0].Shape);
        Assert.Equal(DType.Float32, variables[0].DType);
        float kernel = variables[0].ToArray<float>()[0];
        Assert.InRange(kernel, -Math.Sqrt(3), Math.Sqrt(3)); // Glorot uniform limit sqrt(6 / (1 + 1))
        Assert.Equal("dense/bias:0", variables[1].Name);
        Assert.Equal(new Shape(1), variables[1].Shape);
        Assert.Equal([0f], variables[1].ToArray<float>());
        Assert.Equal("<Variable 'dense/bias:0' shape=(1,) dtype=float32, numpy=array([0.], dtype=float32)>", variables[1].ToString());
        Assert.StartsWith("<Variable 'dense/kernel:0' shape=(1, 1) dtype=float32", variables[0].ToString(), StringComparison.Ordinal);
    }

    // API.md's MyLayer, verbatim apart from the house naming of private fields: no Call override needed.
    private sealed class MyLayer : Layer
    {
        private readonly Variable _myVar = new(10);
        private readonly List<Variable> _myList = Enumerable.Range(0, 3).Select(i => new Variable(i)).ToList();
    }

    [Fact]
    public void In21_MyLayer_VariablesInOrder()
    {
        Assert.Equal([10, 0, 1, 2], new MyLayer().Variables.Select(v => v.Item<int>()));
    }
}
