// Trains the Digits CNN of samples/Digits (conv16-pool-conv32-pool-dense10) with data-parallel workers, one per MPI process:
//
//   dotnet run -c Release --project samples/DistributedDigits                   # one worker
//   dotnet build -c Release samples/DistributedDigits
//   mpirun -np 2 dotnet samples/DistributedDigits/bin/Release/net10.0/DistributedDigits.dll   # two workers
//
// Options: --model cnn|mlp (default cnn), --epochs N, --batch N (the global batch, 32 by default: with 2 workers each
// trains on 16 rows of every batch), --quick (2 epochs, for CI), [path/to/digits.csv.gz].
// Every worker loads the whole data set; each trains on its shard of every global batch, and the gradients are averaged
// across workers, so the result is the one-worker training's within float rounding. The chief prints.
using System.Diagnostics;
using System.Globalization;
using Digits;
using Nabla;
using Nabla.Distributed;
using Nabla.Keras;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

string model = "cnn";
int? epochsArgument = null;
int batchSize = 32;
bool quick = false;
string? dataArgument = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--model": model = args[++i]; break;
        case "--epochs": epochsArgument = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--batch": batchSize = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--quick": quick = true; break;
        default: dataArgument = args[i]; break;
    }
}

if (model is not ("cnn" or "mlp"))
{
    Console.Error.WriteLine($"--model must be cnn or mlp, got '{model}'.");
    return 2;
}

using var strategy = new MultiWorkerMirroredStrategy();
bool chief = strategy.IsChief;
DigitsData all = DigitsData.Load(DigitsData.Locate(dataArgument));
(DigitsData trainSet, DigitsData testSet) = all.Split(testFraction: 0.2, seed: 42);
bool images = model == "cnn";
(Tensor x, Tensor y) = (trainSet.Images(asImages: images), trainSet.LabelTensor());
(Tensor testX, Tensor testY) = (testSet.Images(asImages: images), testSet.LabelTensor());
int epochs = quick ? 2 : epochsArgument ?? (model == "cnn" ? 20 : 40);
if (chief)
{
    Console.WriteLine($"{strategy.NumReplicasInSync} worker(s); {model.ToUpperInvariant()} on {trainSet.Count} digits, {epochs} epochs, " +
        $"global batch {batchSize} ({batchSize / strategy.NumReplicasInSync} rows per worker), {testSet.Count} held out.");
}

Model network;
using (strategy.Scope())
{
    Backend.ClearSession();
    Tf.Random.SetSeed(11);
    network = model == "cnn"
        ? new Sequential(
            new Conv2D(16, 3, padding: "same", activation: "relu", inputShape: [8, 8, 1]),
            new MaxPooling2D(),
            new Conv2D(32, 3, padding: "same", activation: "relu"),
            new MaxPooling2D(),
            new Flatten(),
            new Dense(DigitsData.Classes, "softmax"))
        : new Sequential(new Dense(64, "relu", inputShape: [DigitsData.Pixels]), new Dense(DigitsData.Classes, "softmax"));
    network.Compile(new Adam(learningRate: model == "cnn" ? 0.003 : 0.002), new SparseCategoricalCrossentropy(), metrics: ["accuracy"]);
}

long start = Stopwatch.GetTimestamp();
History history = network.Fit(x, y, epochs: epochs, batchSize: batchSize, verbose: 2, validationData: (testX, testY), seed: 2);
double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

// Predict runs sharded too: every worker gets all the predictions.
int[] predicted = Tf.ArgMax(network.Predict(testX), axis: 1, outputType: DType.Int32).ToArray<int>();
int correct = predicted.Zip(testSet.Labels).Count(p => p.First == p.Second);
if (chief)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Test accuracy: {(double)correct / testSet.Count:P2} ({correct} of {testSet.Count}); final loss {history.Loss[^1]:0.0000}; " +
        $"{seconds / epochs * 1000:0} ms per epoch on {strategy.NumReplicasInSync} worker(s)."));
}

return 0;
