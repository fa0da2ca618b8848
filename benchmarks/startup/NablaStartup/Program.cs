using System.Diagnostics;
using System.Reflection.PortableExecutable;
using System.Runtime;
using Nabla;

// One measurement per process, first thing after Main starts (benchmarks/startup/run.sh starts a fresh process for each):
//   seed        the seed notebook's 1,000-step training loop (samples/Walkthrough, SeedTraining: float64, a persistent
//               tape, two gradients, two AssignSub per step), the issue-15 start-up case;
//   mlp-traced  the first call of the MLP 784-256-10 SGD step as a Tf.Function (trace + optimize + plan + first run),
//               the issue-11 trace-cost case;
//   mlp-eager   the first eager call of the same step, for comparison.
// Each prints one line: "<mode> <ms> ms; JIT <methods> methods <ms> ms; Nabla.dll <ReadyToRun|IL only>".
string mode = args.Length > 0 ? args[0] : "seed";
double ms;
switch (mode)
{
    case "seed":
        ms = SeedLoop();
        break;
    case "mlp-traced":
    case "mlp-eager":
        var model = new MlpModel();
        Func<Tensor> step = mode == "mlp-traced" ? Tf.Function(model.Step, name: "mlp_step").Invoke : model.Step;
        var clock = Stopwatch.StartNew();
        float loss = step().Item<float>();
        ms = clock.Elapsed.TotalMilliseconds;
        if (!(loss > 0 && loss < 10))
        {
            Console.Error.WriteLine($"unexpected loss {loss}");
            return 1;
        }

        break;
    default:
        Console.Error.WriteLine("usage: NablaStartup seed|mlp-traced|mlp-eager");
        return 2;
}

using (var pe = new PEReader(File.OpenRead(typeof(Tensor).Assembly.Location)))
{
    bool readyToRun = pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    Console.WriteLine($"{mode} {ms:F2} ms; JIT {JitInfo.GetCompiledMethodCount()} methods {JitInfo.GetCompilationTime().TotalMilliseconds:F1} ms; "
        + $"Nabla.dll {(readyToRun ? "ReadyToRun" : "IL only")}");
}

return 0;

// The loop of samples/Walkthrough's SeedTraining and benchmarks/Nabla.Benchmarks' SeedLoop.RunNabla; returns its time.
static double SeedLoop()
{
    var clock = Stopwatch.StartNew();
    var w = new Variable(0.3745401188, trainable: true);
    var b = new Variable(0.9507143064, trainable: true);
    Tensor xs = new double[] { -1, 0, 1, 2, 3, 4 };
    Tensor ys = new double[] { -3, -1, 1, 3, 5, 7 };
    for (int i = 0; i < 1000; i++)
    {
        var tape = new GradientTape(persistent: true);
        Tensor loss;
        using (tape)
        {
            Tensor yPred = (w * xs) + b;
            loss = Tf.Abs(yPred - ys);
        }

        Tensor wGradient = tape.Gradient(loss, w)!;
        Tensor bGradient = tape.Gradient(loss, b)!;
        w.AssignSub(0.001 * wGradient);
        b.AssignSub(0.001 * bGradient);
    }

    double elapsed = clock.Elapsed.TotalMilliseconds;
    double wFinal = w.Item<double>();
    if (!(wFinal > 0.3745401188 && wFinal < 2.5))
    {
        throw new InvalidOperationException($"the seed loop went wrong: w = {wFinal}");
    }

    return elapsed;
}

// benchmarks/Nabla.Benchmarks' Mlp.NablaModel: 784-256-10, batch 128, ReLU, sparse softmax cross-entropy, SGD 0.01.
internal sealed class MlpModel
{
    private const int Batch = 128, Inputs = 784, Hidden = 256, Classes = 10;
    private readonly Tensor _x, _labels;
    private readonly Variable _w1, _b1, _w2, _b2;

    public MlpModel()
    {
        var random = new Random(1);
        float[] x = new float[Batch * Inputs];
        float[] w1 = new float[Inputs * Hidden];
        float[] w2 = new float[Hidden * Classes];
        long[] labels = new long[Batch];
        float limit1 = MathF.Sqrt(6f / (Inputs + Hidden)), limit2 = MathF.Sqrt(6f / (Hidden + Classes));
        for (int i = 0; i < x.Length; i++) x[i] = random.NextSingle();
        for (int i = 0; i < w1.Length; i++) w1[i] = ((2 * random.NextSingle()) - 1) * limit1;
        for (int i = 0; i < w2.Length; i++) w2[i] = ((2 * random.NextSingle()) - 1) * limit2;
        for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(Classes);
        _x = Tf.Constant(x, [Batch, Inputs]);
        _labels = Tf.Constant(labels, [Batch]);
        _w1 = new Variable(Tf.Constant(w1, [Inputs, Hidden]));
        _b1 = new Variable(Tf.Zeros([Hidden]));
        _w2 = new Variable(Tf.Constant(w2, [Hidden, Classes]));
        _b2 = new Variable(Tf.Zeros([Classes]));
    }

    public Tensor Step()
    {
        using var tape = new GradientTape();
        Tensor hidden = Tf.Nn.Relu(Tf.MatMul(_x, _w1) + _b1);
        Tensor logits = Tf.MatMul(hidden, _w2) + _b2;
        Tensor loss = Tf.ReduceMean(Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(_labels, logits));
        Tensor?[] gradients = tape.Gradient(loss, _w1, _b1, _w2, _b2);
        _w1.AssignSub(0.01f * gradients[0]!);
        _b1.AssignSub(0.01f * gradients[1]!);
        _w2.AssignSub(0.01f * gradients[2]!);
        _b2.AssignSub(0.01f * gradients[3]!);
        return loss;
    }
}
