using Nabla;
using Nabla.Keras;

// Outside the Nabla namespaces on purpose: these files compile as a user's program does, with `using Nabla.Keras;`.
namespace FirstHour;

/// <summary>
/// TensorFlow's two quickstarts ("for beginners": Compile/Fit/Evaluate; "for experts": a custom loop with a tape),
/// ported line by line with one <c>using Nabla.Keras;</c>, on C# double arrays as NumPy arrays are used there.
/// </summary>
public class QuickstartTests
{
    [Fact]
    public void BeginnerQuickstart_CompileWithNamesAndObjects_FitsEvaluatesAndPredicts()
    {
        (double[,] xTrain, int[] yTrain) = Data.Blobs(240, seed: 1);
        (double[,] xTest, int[] yTest) = Data.Blobs(60, seed: 2);
        var model = new Sequential(
            new Flatten(inputShape: [4]),
            new Dense(32, activation: "relu"),
            new Dropout(0.2, seed: 3),
            new Dense(3));
        var lossFn = Keras.Losses.SparseCategoricalCrossentropy(fromLogits: true);
        model.Compile(optimizer: "adam", loss: lossFn, metrics: ["accuracy"]);

        History history = model.Fit(xTrain, yTrain, epochs: 8, verbose: 0);

        IReadOnlyList<double> losses = history.History["loss"];
        Assert.Equal(8, losses.Count);
        Assert.True(losses[^1] < losses[0] * 0.7, $"loss {losses[0]} -> {losses[^1]}");
        Assert.Equal(["loss", "accuracy"], history.History.Keys);
        Assert.Equal(history.History["accuracy"], history["accuracy"]);

        var output = new StringWriter();
        var (testLoss, testAcc) = model.Evaluate(xTest, yTest, verbose: 2, output: output);
        Assert.InRange(testAcc, 0.9, 1.0);
        Assert.Matches(@"^2/2 - \d+s - \d+(ms|us|s)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}\r?\n$", output.ToString());

        EvaluationResult asDict = model.Evaluate(xTest, yTest, verbose: 0, returnDict: true);
        Assert.Equal(testLoss, asDict["loss"], 12);
        Assert.Equal(testAcc, asDict["accuracy"], 12);
        Assert.StartsWith("{'loss': ", asDict.ToString(), StringComparison.Ordinal);
        double lossOnly = model.Evaluate(xTest, yTest, verbose: 0);
        Assert.Equal(testLoss, lossOnly, 12);

        var probabilityModel = new Sequential(model, new Softmax());
        Tensor probabilities = probabilityModel.Predict(new double[,] { { 2, -1, -1, -1 }, { -1, -1, 2, -1 } });
        Assert.Equal(DType.Float32, probabilities.DType);
        float[] p = probabilities.ToArray<float>();
        Assert.Equal(1f, p[0] + p[1] + p[2], 4);
        Assert.Equal(0, Tf.ArgMax(probabilities, 1).ToArray<long>()[0]);
        Assert.Equal(2, Tf.ArgMax(probabilities, 1).ToArray<long>()[1]);
    }

    [Fact]
    public void ExpertQuickstart_TapeGradientOfTrainableVariables_Trains()
    {
        (double[,] xTrain, int[] yTrain) = Data.Blobs(120, seed: 4);
        var model = new Sequential(new Dense(16, activation: "relu"), new Dense(3));
        var lossObject = Keras.Losses.SparseCategoricalCrossentropy(fromLogits: true);
        var optimizer = Keras.Optimizers.Adam(learningRate: 0.02);
        var trainLoss = Keras.Metrics.Mean(name: "train_loss");
        var trainAccuracy = Keras.Metrics.SparseCategoricalAccuracy(name: "train_accuracy");
        Tensor images = xTrain;
        Tensor labels = yTrain;

        void TrainStep(Tensor images, Tensor labels)
        {
            using var tape = new GradientTape();
            Tensor predictions = model.Apply(images, training: true);
            Tensor loss = lossObject.Call(labels, predictions);
            Tensor?[] gradients = tape.Gradient(loss, model.TrainableVariables);
            optimizer.ApplyGradients(gradients.Zip(model.TrainableVariables));
            trainLoss.UpdateState(loss);
            trainAccuracy.UpdateState(labels, predictions);
        }

        double firstLoss = 0;
        for (int epoch = 0; epoch < 40; epoch++)
        {
            trainLoss.ResetState();
            trainAccuracy.ResetState();
            TrainStep(images, labels);
            if (epoch == 0)
            {
                firstLoss = trainLoss.Result();
            }
        }

        Assert.True(trainLoss.Result() < firstLoss * 0.5, $"loss {firstLoss} -> {trainLoss.Result()}");
        Assert.InRange(trainAccuracy.Result(), 0.9, 1.0);
        Assert.Equal(4, model.TrainableWeights.Count);
    }

    [Fact]
    public void CustomLoop_GradientsByName_UpdateADictionaryOfVariables()
    {
        var parameters = new Dictionary<string, Variable> { ["w"] = new(0f), ["b"] = new(0f) };
        double[] xs = [-1, 0, 1, 2, 3, 4];
        double[] ys = [-3, -1, 1, 3, 5, 7];
        for (int step = 0; step < 500; step++)
        {
            using var tape = new GradientTape();
            Tensor loss = Tf.ReduceMean(Tf.Square((parameters["w"] * xs) + parameters["b"] - ys));
            Dictionary<string, Tensor?> grads = tape.Gradient(loss, parameters);
            foreach ((string name, Variable variable) in parameters)
            {
                variable.AssignSub(0.05f * grads[name]!);
            }
        }

        Assert.Equal(2f, parameters["w"].Item<float>(), 3);
        Assert.Equal(-1f, parameters["b"].Item<float>(), 3);
    }

    [Fact]
    public void Compile_LossAsAFunction_TrainsLikeTheNamedLoss()
    {
        (double[,] x, int[] labels) = Data.Blobs(60, seed: 5);
        double[,] y = new double[60, 1];
        for (int i = 0; i < 60; i++)
        {
            y[i, 0] = labels[i];
        }

        Tf.Random.SetSeed(7);
        var byName = new Sequential(new Dense(1, inputShape: [4]));
        Tf.Random.SetSeed(7);
        var byFunction = new Sequential(new Dense(1, inputShape: [4]));
        byName.Compile("sgd", "mse");
        byFunction.Compile("sgd", (yTrue, yPred) => Tf.ReduceMean(Tf.Square(yPred - yTrue), -1));
        History a = byName.Fit(x, y, epochs: 3, shuffle: false, verbose: 0);
        History b = byFunction.Fit(x, y, epochs: 3, shuffle: false, verbose: 0);
        Assert.Equal(a.History["loss"], b.History["loss"]);
    }
}
