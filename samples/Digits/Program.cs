// Trains Keras-style models on the UCI handwritten digits (1,797 8x8 images), reports held-out accuracy, checks that
// saved and reloaded weights (and the MLP saved as a .keras file and exported to ONNX) predict the same, and plots the
// training curves.
//
//   dotnet run -c Release --project samples/Digits [-- [--quick] [--out DIR] [path/to/digits.csv.gz]]
//
// --quick (or DIGITS_QUICK=1) shortens the schedule to a few seconds, for CI.
using System.Globalization;
using Digits;
using Nabla;
using Nabla.Keras;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

bool quick = args.Contains("--quick") || Environment.GetEnvironmentVariable("DIGITS_QUICK") == "1";
string outDir = Directory.GetCurrentDirectory();
string? dataArgument = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length)
    {
        outDir = args[++i];
    }
    else if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        dataArgument = args[i];
    }
}

Directory.CreateDirectory(outDir);
string dataPath = DigitsData.Locate(dataArgument);
DigitsData all = DigitsData.Load(dataPath);
(DigitsData trainSet, DigitsData testSet) = all.Split(testFraction: 0.2, seed: 42);
Console.WriteLine($"Loaded {all.Count} digits from {dataPath}: {trainSet.Count} to train, {testSet.Count} held out to test.");
int epochs = quick ? 2 : 40;
const int cnnEpochs = 20;
const int BatchSize = 32;

var runs = new List<Curves>();
bool allSame = true;

// The multilayer perceptron: 64 pixels -> 64 ReLU units -> 10 softmax probabilities.
Console.WriteLine();
Console.WriteLine("== MLP 64-64-10 ==");
Model mlp = BuildMlp();
mlp.Compile(new Adam(learningRate: 0.002), new SparseCategoricalCrossentropy(), metrics: ["accuracy"]);
var train = (trainSet.Images(), trainSet.LabelTensor());
var test = (testSet.Images(), testSet.LabelTensor());
runs.Add(Trainer.Train("MLP 64-64-10", mlp, train, test, epochs, BatchSize, seed: 1));
double mlpAccuracy = Trainer.Accuracy(mlp, test.Item1, test.Item2);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MLP test accuracy: {mlpAccuracy:P2} ({testSet.Count} held-out digits)"));
allSame &= CheckReload(mlp, BuildMlp, test.Item1, Path.Combine(outDir, "digits-mlp.safetensors"));
allSame &= CheckKerasFile(mlp, test.Item1, Path.Combine(outDir, "digits-mlp.keras"));
allSame &= OnnxCheck.Run(mlp, test.Item1, Path.Combine(outDir, "digits-mlp.onnx"));

// A small convolutional network on the 8x8x1 images.
Console.WriteLine();
Console.WriteLine("== CNN conv16-pool-conv32-pool-dense10 ==");
Model cnn = BuildCnn();
cnn.Compile(new Adam(learningRate: 0.003), new SparseCategoricalCrossentropy(), metrics: ["accuracy"]);
var trainImages = (trainSet.Images(asImages: true), trainSet.LabelTensor());
var testImages = (testSet.Images(asImages: true), testSet.LabelTensor());
runs.Add(Trainer.Train("CNN", cnn, trainImages, testImages, quick ? 2 : cnnEpochs, BatchSize, seed: 2));
double cnnAccuracy = Trainer.Accuracy(cnn, testImages.Item1, testImages.Item2);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CNN test accuracy: {cnnAccuracy:P2} ({testSet.Count} held-out digits)"));
allSame &= CheckReload(cnn, BuildCnn, testImages.Item1, Path.Combine(outDir, "digits-cnn.safetensors"));

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Summary: MLP {mlpAccuracy:P2}, CNN {cnnAccuracy:P2} test accuracy; reload checks {(allSame ? "passed" : "FAILED")}."));
string plotPath = Path.Combine(outDir, "digits-training.png");
TrainingPlot.Save(plotPath, runs);
Console.WriteLine($"Wrote the training curves to {Path.GetFullPath(plotPath)}");
return allSame ? 0 : 1;

static Model BuildMlp()
{
    Backend.ClearSession();   // the same layer names every time, so saved weights load by name
    return new Sequential(
        new Dense(64, "relu", inputShape: [DigitsData.Pixels], kernelInitializer: new Nabla.Keras.Initializers.GlorotUniform(seed: 7)),
        new Dense(DigitsData.Classes, "softmax", kernelInitializer: new Nabla.Keras.Initializers.GlorotUniform(seed: 8)));
}

static Model BuildCnn()
{
    Backend.ClearSession();
    Tf.Random.SetSeed(11);   // the default initializers draw from the global seed
    return new Sequential(
        new Conv2D(16, 3, padding: "same", activation: "relu", inputShape: [8, 8, 1]),
        new MaxPooling2D(),
        new Conv2D(32, 3, padding: "same", activation: "relu"),
        new MaxPooling2D(),
        new Flatten(),
        new Dense(DigitsData.Classes, "softmax"));
}

// Saves the weights, loads them into a freshly built model of the same architecture, and checks the predictions match.
static bool CheckReload(Model trained, Func<Model> build, Tensor x, string path)
{
    trained.SaveWeights(path);
    Model reloaded = build();
    reloaded.LoadWeights(path);
    float[] expected = trained.Predict(x).ToArray<float>();
    float[] actual = reloaded.Predict(x).ToArray<float>();
    bool same = expected.AsSpan().SequenceEqual(actual);
    Console.WriteLine(same
        ? $"Reload check: PASSED - weights saved to {path} ({new FileInfo(path).Length} bytes) and reloaded predict identically."
        : $"Reload check: FAILED - the reloaded model's predictions differ from the trained model's ({path}).");
    return same;
}

// Saves the whole model as Keras 3's .keras file, loads it back (architecture, weights, optimizer) and checks the predictions match.
static bool CheckKerasFile(Model trained, Tensor x, string path)
{
    trained.Save(path);
    Model reloaded = Keras.Models.LoadModel(path);
    bool same = trained.Predict(x).ToArray<float>().AsSpan().SequenceEqual(reloaded.Predict(x).ToArray<float>());
    Console.WriteLine(same
        ? $"Keras file check: PASSED - model saved to {path} ({new FileInfo(path).Length} bytes), loaded with Keras.Models.LoadModel, predicts identically."
        : $"Keras file check: FAILED - the model loaded from {path} predicts differently.");
    return same;
}
