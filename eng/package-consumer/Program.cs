using System.Diagnostics;
using System.Reflection.PortableExecutable;
using Nabla;
using Nabla.Keras;
using Nabla.Onnx;

// A few of the seed's cells, a short Fit and an ONNX round trip, run against the packages. Exit code 1 if a result is wrong.
// (Start-up times through the packages: benchmarks/startup/run.sh.)
var clock = Stopwatch.StartNew();

int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    failures += ok ? 0 : 1;
}

// In [13]: print(f'Hello {tf.square(5)}')
string hello = $"Hello {Tf.Square(5)}";
Check(hello == "Hello 25", hello);

// In [47]: dz/dx of (x*x)^2 at 3 is 108, dy/dx of x*x is 6
var x = new Variable(3, dtype: DType.Float32);
var tape = new GradientTape(persistent: true);
Tensor y, z;
using (tape)
{
    y = x * x;
    z = y * y;
}

string printed = string.Join(" ", tape.Gradient(z, x), tape.Gradient(y, x));
Check(printed == "Tensor(108.0, shape=(), dtype=float32) Tensor(6.0, shape=(), dtype=float32)", printed);

// The seed's training loop (README's first example): w*x + b fitted by gradient descent, 1,000 steps.
(double w, double bias, double loopMs) = SeedLoop();
Console.WriteLine($"first 1,000-step loop in this process: {loopMs:F1} ms");
Check(Math.Abs(w - 2) < 1e-3 && Math.Abs(bias + 1) < 1e-3, $"w = {w}, b = {bias} (want 2, -1)");

// A short Fit of a Keras model on double arrays (cast to the layers' float32).
Tf.Random.SetSeed(7);
var model = new Sequential(new Dense(8, "relu", inputShape: [1]), new Dense(1));
model.Compile(optimizer: new Nabla.Keras.Optimizers.Adam(learningRate: 0.05), loss: "mse");
double[,] inputs = new double[64, 1];
double[] targets = new double[64];   // (n,) against the (n, 1) output: Keras aligns the ranks
for (int i = 0; i < 64; i++)
{
    inputs[i, 0] = (i / 32.0) - 1;
    targets[i] = (2 * inputs[i, 0]) - 1;
}

History history = model.Fit(inputs, targets, epochs: 30, batchSize: 16, verbose: 0);
Check(history.History["loss"][^1] < history.History["loss"][0] / 4, $"Fit loss {history.History["loss"][0]:F4} -> {history.History["loss"][^1]:F4}");

// The fitted model exported to ONNX (Nabla.Onnx) and run back: the same predictions.
string onnxPath = Path.Combine(Path.GetTempPath(), $"nabla-consumer-{Environment.ProcessId}.onnx");
try
{
    OnnxExporter.Export(model, onnxPath);
    Tensor probe = Tf.Constant(new float[,] { { -0.5f }, { 0.25f } });
    float[] fromOnnx = OnnxModel.Load(onnxPath).Call(probe)[0].ToArray<float>();
    float[] fromKeras = model.Predict(probe).ToArray<float>();
    Check(fromOnnx.Length == 2 && fromOnnx.Zip(fromKeras).All(p => Math.Abs(p.First - p.Second) < 1e-5f),
        $"ONNX round trip: [{string.Join(", ", fromOnnx.Select(v => v.ToString("F4")))}] as Keras predicts [{string.Join(", ", fromKeras.Select(v => v.ToString("F4")))}]");
}
finally
{
    File.Delete(onnxPath);
}

Console.WriteLine($"total {clock.Elapsed.TotalMilliseconds:F0} ms; Nabla {typeof(Tensor).Assembly.GetName().Version}: {Describe(typeof(Tensor).Assembly.Location)}, Nabla.Keras: {Describe(typeof(Model).Assembly.Location)}, "
    + $"Nabla.Onnx: {Describe(typeof(OnnxModel).Assembly.Location)}");
Console.WriteLine($"GC settings: {string.Join(", ", GC.GetConfigurationVariables().Where(kv => kv.Key is "LOHThreshold" or "GCRegionSize" or "GCGen0MaxBudget").Select(kv => $"{kv.Key}={kv.Value}"))}");
return failures == 0 ? 0 : 1;

static (double W, double B, double Ms) SeedLoop()
{
    var clock = Stopwatch.StartNew();
    var w = new Variable(0.5);
    var b = new Variable(0.0);
    double[] xs = [-1, 0, 1, 2, 3, 4];
    double[] ys = [-3, -1, 1, 3, 5, 7];
    for (int step = 0; step < 1000; step++)
    {
        using var tape = new GradientTape();
        Tensor loss = Tf.ReduceMean(Tf.Square((w * xs) + b - ys));
        Tensor?[] grads = tape.Gradient(loss, [w, b]);
        w.AssignSub(0.05 * grads[0]!);
        b.AssignSub(0.05 * grads[1]!);
    }

    return (w.Item<double>(), b.Item<double>(), clock.Elapsed.TotalMilliseconds);
}

// Where an assembly was loaded from (relative to the app) and whether it is a ReadyToRun image (precompiled code in
// its managed native header) or plain IL.
static string Describe(string location)
{
    using var pe = new PEReader(File.OpenRead(location));
    bool readyToRun = pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    return $"{Path.GetRelativePath(AppContext.BaseDirectory, location)} ({(readyToRun ? "ReadyToRun" : "IL only")})";
}
