using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.Benchmarks.Workloads;

/// <summary>
/// The seed notebook's linear regression (samples/Walkthrough/SeedTraining.cs): y = 2x - 1 fitted with an
/// absolute loss, a persistent tape, two gradients and two AssignSub per iteration, in float64 as there.
/// </summary>
public static class SeedLoop
{
    /// <summary>Iterations of the notebook's cell.</summary>
    public const int Iterations = 1000;

    /// <summary>The notebook's initial weight (np.random.random() fixed).</summary>
    public const double W0 = 0.3745401188;

    /// <summary>The notebook's initial bias.</summary>
    public const double B0 = 0.9507143064;

    private const double LearningRate = 0.001;

    /// <summary>The inputs.</summary>
    public static readonly double[] Xs = [-1, 0, 1, 2, 3, 4];

    /// <summary>The targets 2x - 1.</summary>
    public static readonly double[] Ys = [-3, -1, 1, 3, 5, 7];

    /// <summary>Runs the loop with Nabla; returns the final (w, b).</summary>
    public static (double W, double B) RunNabla(int iterations = Iterations)
    {
        var w = new Variable(W0, trainable: true);
        var b = new Variable(B0, trainable: true);
        Tensor xs = Xs;
        Tensor ys = Ys;
        for (int i = 0; i < iterations; i++)
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
            w.AssignSub(LearningRate * wGradient);
            b.AssignSub(LearningRate * bGradient);
        }

        return (w.Item<double>(), b.Item<double>());
    }

    /// <summary>Runs the same loop with TorchSharp (autograd.grad twice, the graph retained for the second).</summary>
    public static (double W, double B) RunTorch(int iterations = Iterations)
    {
        using TorchTensor xs = tensor(Xs);
        using TorchTensor ys = tensor(Ys);
        using TorchTensor w = tensor(W0, dtype: float64).requires_grad_();
        using TorchTensor b = tensor(B0, dtype: float64).requires_grad_();
        for (int i = 0; i < iterations; i++)
        {
            using TorchSharp.DisposeScope scope = NewDisposeScope();
            TorchTensor loss = (((w * xs) + b) - ys).abs();
            TorchTensor ones = ones_like(loss);
            TorchTensor wGradient = autograd.grad([loss], [w], [ones], retain_graph: true)[0];
            TorchTensor bGradient = autograd.grad([loss], [b], [ones])[0];
            using (no_grad())
            {
                w.sub_(wGradient * LearningRate);
                b.sub_(bGradient * LearningRate);
            }
        }

        return (w.item<double>(), b.item<double>());
    }
}
