using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.Benchmarks.Workloads;

/// <summary>
/// Graph mode's workloads: the same computations as the eager cases, as Tf.Function steps (traced once, then run as
/// a planned graph), and the GELU (tanh form) chain of elementwise ops for both libraries.
/// </summary>
public static class GraphMode
{
    /// <summary>GELU's input size: 4M float32 (16 MiB, beyond the caches).</summary>
    public const int GeluSize = 1 << 22;

    private const double SqrtTwoOverPi = 0.7978845608028654;

    /// <summary>The MLP step of <see cref="Mlp.NablaModel.Step"/> as one traced function.</summary>
    public sealed class TracedMlp
    {
        private readonly PolymorphicFunction<Func<Tensor>> _step;

        /// <summary>Creates the model and its traced step (traced on the first call).</summary>
        public TracedMlp(Mlp.Init init)
        {
            var model = new Mlp.NablaModel(init);
            _step = Tf.Function(model.Step, name: "mlp_step");
        }

        /// <summary>One SGD step; returns the loss before the update.</summary>
        public Tensor Step() => _step.Invoke();
    }

    /// <summary>
    /// The seed loop of <see cref="SeedLoop.RunNabla"/> with its body as a traced function, traced on the first run;
    /// each run starts again from the notebook's initial weights.
    /// </summary>
    public sealed class TracedSeedLoop
    {
        private readonly Variable _w = new(SeedLoop.W0, trainable: true);
        private readonly Variable _b = new(SeedLoop.B0, trainable: true);
        private readonly PolymorphicFunction<Func<Tensor>> _step;

        /// <summary>Creates the variables and the step (traced on the first call).</summary>
        public TracedSeedLoop()
        {
            Tensor xs = SeedLoop.Xs;
            Tensor ys = SeedLoop.Ys;
            _step = Tf.Function(() =>
            {
                var tape = new GradientTape(persistent: true);
                Tensor loss;
                using (tape)
                {
                    loss = Tf.Abs(((_w * xs) + _b) - ys);
                }

                Tensor wGradient = tape.Gradient(loss, _w)!;
                Tensor bGradient = tape.Gradient(loss, _b)!;
                _w.AssignSub(0.001 * wGradient);
                _b.AssignSub(0.001 * bGradient);
                return loss;
            }, name: "seed_step");
        }

        /// <summary>Runs the loop; returns the final (w, b).</summary>
        public (double W, double B) Run(int iterations = SeedLoop.Iterations)
        {
            _w.Assign(SeedLoop.W0);
            _b.Assign(SeedLoop.B0);
            for (int i = 0; i < iterations; i++)
            {
                _step.Invoke();
            }

            return (_w.Item<double>(), _b.Item<double>());
        }
    }

    /// <summary>GELU, tanh form, as the chain of ops a user writes: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    public static Tensor GeluNabla(Tensor x)
        => 0.5 * x * (1 + Tf.Tanh(SqrtTwoOverPi * (x + (0.044715 * x * x * x))));

    /// <summary>The same chain in TorchSharp (in a dispose scope the caller opens).</summary>
    public static TorchTensor GeluTorch(TorchTensor x)
        => 0.5 * x * (1 + tanh(SqrtTwoOverPi * (x + (0.044715 * x * x * x))));
}
