using Nabla;
using static Walkthrough.Notebook;

namespace Walkthrough;

/// <summary>The notebook's gradient cells: the training loop, a persistent tape and nested tapes.</summary>
internal static class SeedTraining
{
    public static void Run()
    {
        double[] xs = [-1, 0, 1, 2, 3, 4];
        double[] ys = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            ys[i] = (2 * xs[i]) - 1;
        }

        Cell("In [25]", () => Tf.Constant(ys));

        // np.random.random() in the notebook; fixed here so every run prints the same numbers.
        var w = new Variable(0.3745401188, trainable: true);
        var b = new Variable(0.9507143064, trainable: true);
        const double LearningRate = 0.001;

        Tensor FitData(double[] x, double[] yTrue)
        {
            var tape = new GradientTape(persistent: true);
            Tensor loss;
            using (tape)
            {
                var yPred = (w * x) + b;
                loss = Tf.Abs(yPred - yTrue);
            }

            var wGradient = tape.Gradient(loss, w)!;
            var bGradient = tape.Gradient(loss, b)!;
            w.AssignSub(LearningRate * wGradient);
            b.AssignSub(LearningRate * bGradient);
            return loss;
        }

        Notebook.Run("In [34]", () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                var loss = FitData(xs, ys);
                if (i % 100 == 99)
                {
                    Console.WriteLine($"Loss {loss} @ iteration {i}");
                }
            }

            Console.WriteLine($"Weight {w} Bias {b}");
        });

        Notebook.Run("In [47]", () =>
        {
            var x = new Variable(3f);
            var tape = new GradientTape(persistent: true);
            Tensor y, z;
            using (tape)
            {
                tape.Watch(x);
                y = x * x;
                z = y * y;
            }

            Console.WriteLine($"{tape.Gradient(z, x)} {tape.Gradient(y, x)}");
        });

        Notebook.Run("In [48]", () =>
        {
            var x = new Variable(3f);
            Tensor dyDx, d2yDx2;
            using (var tape1 = new GradientTape())
            {
                using (var tape2 = new GradientTape())
                {
                    var y = x * x * x;
                    dyDx = tape2.Gradient(y, x)!;
                }

                d2yDx2 = tape1.Gradient(dyDx, x)!;
            }

            Console.WriteLine($"({dyDx!.ToString()}, {d2yDx2!.ToString()})");
        });
    }
}
