using System.Diagnostics;
using Nabla;
using Nabla.Keras;

// A few of the seed's cells and a short Fit, run against the packages. Exit code 1 if a result is wrong.
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

// The seed's training loop (README's first example): w*x - ... fitted by gradient descent, 1,000 steps.
var loopClock = Stopwatch.StartNew();
var w = new Variable(0.5);
double[] xs = [-1, 0, 1, 2, 3, 4];
double[] ys = [-3, -1, 1, 3, 5, 7];
var bias = new Variable(0.0);
for (int step = 0; step < 1000; step++)
{
    using var loopTape = new GradientTape();
    Tensor loss = Tf.ReduceMean(Tf.Square((w * xs) + bias - ys));
    Tensor?[] grads = loopTape.Gradient(loss, [w, bias]);
    w.AssignSub(0.05 * grads[0]!);
    bias.AssignSub(0.05 * grads[1]!);
}

Console.WriteLine($"first 1,000-step loop in this process: {loopClock.Elapsed.TotalMilliseconds:F1} ms");
Check(Math.Abs(w.Item<double>() - 2) < 1e-3 && Math.Abs(bias.Item<double>() + 1) < 1e-3, $"w = {w}, b = {bias} (want 2, -1)");

// A short Fit of a Keras model on double arrays (cast to the layers' float32).
Tf.Random.SetSeed(7);
var model = new Sequential(new Dense(8, "relu", inputShape: [1]), new Dense(1));
model.Compile(optimizer: "adam", loss: "mse");
double[,] inputs = new double[64, 1];
double[,] targets = new double[64, 1];   // (n, 1) as the Dense(1) output: Nabla's losses do not reshape y yet
for (int i = 0; i < 64; i++)
{
    inputs[i, 0] = (i / 32.0) - 1;
    targets[i, 0] = (2 * inputs[i, 0]) - 1;
}

History history = model.Fit(inputs, targets, epochs: 30, batchSize: 16, verbose: 0);
Check(history.History["loss"][^1] < history.History["loss"][0] / 4, $"Fit loss {history.History["loss"][0]:F4} -> {history.History["loss"][^1]:F4}");

Console.WriteLine($"total {clock.Elapsed.TotalMilliseconds:F0} ms; Nabla {typeof(Tensor).Assembly.GetName().Version} from {Path.GetFileName(Path.GetDirectoryName(typeof(Tensor).Assembly.Location))}");
return failures == 0 ? 0 : 1;
