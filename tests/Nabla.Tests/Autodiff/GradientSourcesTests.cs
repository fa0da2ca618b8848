using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Autodiff;

/// <summary>
/// The shapes of sources a TensorFlow user passes to <c>tape.gradient</c> and <c>tape.jacobian</c>: a list of
/// variables (a model's trainable variables), any sequence, a dictionary (gradients come back under its keys), and
/// one target with <c>unconnected_gradients</c>. Each test is written as the Python line it mirrors would be.
/// </summary>
public class GradientSourcesTests
{
    // loss = sum((w * x + b - y)^2) for x = [1, 2], y = [3, 5]: dL/dw = sum(2 r x), dL/db = sum(2 r), r = w x + b - y.
    private static readonly float[] s_x = [1, 2];
    private static readonly float[] s_y = [3, 5];

    private static (float W, float B) Expected(float w, float b)
    {
        float dw = 0, db = 0;
        for (int i = 0; i < s_x.Length; i++)
        {
            float r = (w * s_x[i]) + b - s_y[i];
            dw += 2 * r * s_x[i];
            db += 2 * r;
        }

        return (dw, db);
    }

    private static Tensor Loss(Tensor w, Tensor b) => Tf.ReduceSum(Tf.Square((w * s_x) + b - s_y));

    [Fact]
    public void Gradient_ReadOnlyListOfVariables_OnePerVariable()
    {
        var w = new Variable(0.5f);
        var b = new Variable(-0.25f);
        IReadOnlyList<Variable> trainableVariables = [w, b];
        using var tape = new GradientTape();
        Tensor loss = Loss(w, b);
        Tensor?[] grads = tape.Gradient(loss, trainableVariables);
        (float dw, float db) = Expected(0.5f, -0.25f);
        Assert.Equal(2, grads.Length);
        AssertTensor.Close([dw], grads[0]!);
        AssertTensor.Close([db], grads[1]!);
    }

    [Fact]
    public void Gradient_AnySequenceOfVariables_InTheSequencesOrder()
    {
        var w = new Variable(1.5f);
        var b = new Variable(0.75f);
        var frozen = new Variable(3f, trainable: false);
        var all = new List<Variable> { frozen, b, w };
        using var tape = new GradientTape();
        Tensor loss = Loss(w, b) + frozen;
        Tensor?[] grads = tape.Gradient(loss, all.Where(v => v.Trainable));
        (float dw, float db) = Expected(1.5f, 0.75f);
        AssertTensor.Close([db], grads[0]!);
        AssertTensor.Close([dw], grads[1]!);
    }

    [Fact]
    public void Gradient_CollectionExpressionAndArray_StillPickTheArrayOverload()
    {
        var w = new Variable(0.5f);
        var b = new Variable(1f);
        var tape = new GradientTape(persistent: true);
        Tensor loss;
        using (tape)
        {
            loss = Loss(w, b);
        }

        (float dw, float db) = Expected(0.5f, 1f);
        Tensor?[] fromExpression = tape.Gradient(loss, [w, b]);
        Tensor?[] fromParams = tape.Gradient(loss, w, b);
        Tensor?[] fromArray = tape.Gradient(loss, new Tensor[] { w, b });
        foreach (Tensor?[] grads in new[] { fromExpression, fromParams, fromArray })
        {
            AssertTensor.Close([dw], grads[0]!);
            AssertTensor.Close([db], grads[1]!);
        }
    }

    [Fact]
    public void Gradient_DictionaryOfVariables_ReturnsTheSameKeys()
    {
        var parameters = new Dictionary<string, Variable> { ["w"] = new(2f), ["b"] = new(-1f) };
        using var tape = new GradientTape();
        Tensor loss = Loss(parameters["w"], parameters["b"]);
        Dictionary<string, Tensor?> grads = tape.Gradient(loss, parameters);
        (float dw, float db) = Expected(2f, -1f);
        Assert.Equal(["w", "b"], grads.Keys);
        AssertTensor.Close([dw], grads["w"]!);
        AssertTensor.Close([db], grads["b"]!);
    }

    [Fact]
    public void Gradient_DictionaryOfTensors_UnconnectedZeroFillsMissing()
    {
        Tensor x = Tf.Constant(3.0);
        Tensor unused = Tf.Constant(new[] { 1.0, 2.0 });
        using var tape = new GradientTape();
        tape.Watch(new List<Tensor> { x, unused });
        Tensor y = x * x;
        Dictionary<int, Tensor?> grads = tape.Gradient(
            y, new Dictionary<int, Tensor> { [7] = x, [9] = unused }, unconnectedGradients: UnconnectedGradients.Zero);
        AssertTensor.Close([6.0], grads[7]!);
        AssertTensor.Close([0.0, 0.0], grads[9]!, new Shape(2));
    }

    [Fact]
    public void Gradient_OneTargetWithUnconnectedZero_ZerosOfTheSourcesShapeAndDType()
    {
        var x = new Variable(new[] { 1f, 2f, 3f });
        var y = new Variable(2f);
        using var tape = new GradientTape(persistent: true);
        Tensor z = y * y;
        Tensor? single = tape.Gradient(z, x, unconnectedGradients: UnconnectedGradients.Zero);
        Tensor?[] listed = tape.Gradient(z, new List<Variable> { x, y }, unconnectedGradients: UnconnectedGradients.Zero);
        Assert.Null(tape.Gradient(z, x));
        Assert.Equal(DType.Float32, single!.DType);
        AssertTensor.Close([0, 0, 0], single, new Shape(3));
        AssertTensor.Close([0, 0, 0], listed[0]!, new Shape(3));
        AssertTensor.Close([4], listed[1]!);
    }

    [Fact]
    public void Gradient_OneTargetWithOutputGradient_WeightsTheTarget()
    {
        var x = new Variable(new[] { 1.0, 2.0 });
        using var tape = new GradientTape(persistent: true);
        Tensor y = x * x;
        Tensor?[] listed = tape.Gradient(y, new[] { x }.AsEnumerable(), outputGradient: Tf.Constant(new[] { 10.0, -1.0 }));
        AssertTensor.Close([20.0, -4.0], listed[0]!, new Shape(2));

        // A third tensor is a second source, as API.md's params form says (not Python's positional output_gradients).
        Tensor?[] twoSources = tape.Gradient(y, x, Tf.Constant(1.0));
        Assert.Equal(2, twoSources.Length);
        Assert.Null(twoSources[1]);
    }

    [Fact]
    public void Gradient_TargetsListAndSequenceOfSources_SumsTheTargets()
    {
        var a = new Variable(2.0);
        var b = new Variable(3.0);
        using var tape = new GradientTape();
        Tensor y1 = a * b;
        Tensor y2 = a * a;
        Tensor?[] grads = tape.Gradient([y1, y2], new List<Variable> { a, b });
        AssertTensor.Close([3.0 + 4.0], grads[0]!);
        AssertTensor.Close([2.0], grads[1]!);
    }

    [Fact]
    public void Gradient_NullInSequence_ThrowsNamingSources()
    {
        var w = new Variable(1f);
        using var tape = new GradientTape();
        Tensor y = w * w;
        var e = Assert.Throws<ArgumentNullException>(() => tape.Gradient(y, new List<Variable> { w, null! }));
        Assert.Equal("sources", e.ParamName);
    }

    [Fact]
    public void Jacobian_SequenceAndDictionary_MatchOneSourceAtATime()
    {
        var x = new Variable(new[] { 1.0, 2.0 });
        var s = new Variable(3.0);
        var unused = new Variable(5.0);
        using var tape = new GradientTape(persistent: true);
        Tensor y = x * x * s;
        Tensor?[] listed = tape.Jacobian(y, new List<Variable> { x, s }.AsEnumerable());
        Dictionary<string, Tensor?> named = tape.Jacobian(
            y, new Dictionary<string, Variable> { ["x"] = x, ["s"] = s, ["unused"] = unused }, UnconnectedGradients.Zero);
        Tensor expectedX = tape.Jacobian(y, x)!;
        AssertTensor.Close(expectedX, listed[0]!);
        AssertTensor.Close(expectedX, named["x"]!);
        AssertTensor.Close([1.0, 4.0], named["s"]!, new Shape(2));
        AssertTensor.Close([0.0, 0.0], named["unused"]!, new Shape(2));
        Assert.Equal(new Shape(2, 2), expectedX.Shape);
        AssertTensor.Close([6.0, 0.0, 0.0, 12.0], expectedX, new Shape(2, 2));
    }

    [Fact]
    public void Watch_ListOfConstants_RecordsEach()
    {
        Tensor a = Tf.Constant(2f);
        Tensor b = Tf.Constant(5f);
        using var tape = new GradientTape();
        tape.Watch(new List<Tensor> { a, b });
        Tensor y = a * b;
        Tensor?[] grads = tape.Gradient(y, new List<Tensor> { a, b });
        AssertTensor.Close([5f], grads[0]!);
        AssertTensor.Close([2f], grads[1]!);
    }
}
