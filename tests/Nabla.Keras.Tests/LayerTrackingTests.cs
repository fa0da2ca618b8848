namespace Nabla.Keras.Tests;

public class LayerTrackingTests
{
    private sealed class MyLayer : Layer
    {
        private readonly Variable _myVar = new(10);
        private readonly List<Variable> _myList = Enumerable.Range(0, 3).Select(i => new Variable(i)).ToList();

        public override Tensor Call(Tensor inputs, bool training = false) => inputs + _myVar + _myList[0];
    }

    private class Inner : Layer
    {
        public readonly Variable A = new(1f, name: "a");
        private readonly Variable _frozen = new(2f, trainable: false, name: "frozen");

        public override Tensor Call(Tensor inputs, bool training = false) => inputs * A * _frozen;
    }

    private sealed class DerivedInner : Inner
    {
        private readonly Variable _c = new(3f, name: "c");

        public override Tensor Call(Tensor inputs, bool training = false) => base.Call(inputs, training) * _c;
    }

    private sealed class Outer : Layer
    {
        private readonly Inner _first = new();
        private readonly Variable _own = new(5f, name: "own");
        private readonly Dictionary<string, Layer> _byName = new() { ["d"] = new DerivedInner() };
        private readonly Variable[] _array = [new(6f, name: "arr0"), new(7f, name: "arr1")];
        private readonly Layer _alias;
        private readonly string _text = "not tracked";
        private readonly Tensor _constant = Tf.Constant(9f);

        public Outer() => _alias = _first;

        public Inner First => _first;

        public override Tensor Call(Tensor inputs, bool training = false) => _first.Apply(inputs) + _own + _constant + _text.Length;
    }

    private static float[] Values(IEnumerable<Variable> variables) => variables.Select(v => v.ReadValue().ToArray<float>()[0]).ToArray();

    [Fact]
    public void Variables_SeedCellIn21_FieldThenListInDeclarationOrder()
    {
        var layer = new MyLayer();
        Assert.Equal([10, 0, 1, 2], layer.Variables.Select(v => v.Item<int>()));
    }

    [Fact]
    public void Variables_NestedLayers_OwnFirstThenChildrenInFieldOrderTrainableBeforeNonTrainable()
    {
        var outer = new Outer();
        // own variables (own, arr0, arr1), then _first (a), then the dictionary's DerivedInner (base a, then c).
        Assert.Equal([5f, 6f, 7f, 1f, 1f, 3f], Values(outer.TrainableVariables));
        Assert.Equal([2f, 2f], Values(outer.NonTrainableVariables));
        Assert.Equal([5f, 6f, 7f, 1f, 1f, 3f, 2f, 2f], Values(outer.Variables));
    }

    [Fact]
    public void Variables_SameLayerHeldTwice_CountedOnce()
    {
        var outer = new Outer();
        Assert.Equal(8, outer.Variables.Count);
        Assert.Equal(8, outer.Variables.Distinct().Count());
        Assert.Equal(2, outer.Layers.Count);
        Assert.Same(outer.First, outer.Layers[0]);
        Assert.IsType<DerivedInner>(outer.Layers[1]);
    }

    [Fact]
    public void Variables_DerivedClass_BaseFieldsFirst()
    {
        var layer = new DerivedInner();
        Assert.Equal([1f, 3f], Values(layer.TrainableVariables));
        Assert.Equal([2f], Values(layer.NonTrainableVariables));
    }

    [Fact]
    public void Trainable_FreezingNestedLayer_MovesItsVariablesToNonTrainable()
    {
        var outer = new Outer();
        outer.First.Trainable = false;
        Assert.Equal([5f, 6f, 7f, 1f, 3f], Values(outer.TrainableVariables));
        Assert.Equal([1f, 2f, 2f], Values(outer.NonTrainableVariables));
        Assert.True(outer.First.A.Trainable);

        outer.Trainable = false;
        Assert.Empty(outer.TrainableVariables);
        Assert.Equal(8, outer.NonTrainableVariables.Count);

        outer.Trainable = true;
        outer.First.Trainable = true;
        Assert.Equal(6, outer.TrainableVariables.Count);
    }

    [Fact]
    public void Variables_QueriedLater_SeeFieldsAssignedAfterConstruction()
    {
        var dense = new Dense(2);
        Assert.Empty(dense.Variables);
        dense.Apply(Tf.Ones([3, 4]));
        Assert.Equal(2, dense.Variables.Count);
    }

    [Fact]
    public void GetSetWeights_RoundTrip_AndCountMismatchThrows()
    {
        var layer = new DerivedInner();
        Tensor[] weights = layer.GetWeights();
        Assert.Equal(3, weights.Length);
        layer.SetWeights([Tf.Constant(10f), Tf.Constant(30f), Tf.Constant(20f)]);
        Assert.Equal([10f, 30f, 20f], Values(layer.Variables));
        Assert.Equal(1f, weights[0].Item<float>());
        var ex = Assert.Throws<ArgumentException>(() => layer.SetWeights([Tf.Constant(1f)]));
        Assert.Contains("SetWeights", ex.Message, StringComparison.Ordinal);
    }
}
