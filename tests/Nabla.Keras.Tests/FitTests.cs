using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras.Tests;

public class FitTests
{
    [Fact]
    public void Fit_ToyLinearRegression_Converges()
    {
        double[] xs = [-1, 0, 1, 2, 3, 4];
        float[,] x = new float[6, 1];
        float[,] y = new float[6, 1];
        for (int i = 0; i < 6; i++)
        {
            x[i, 0] = (float)xs[i];
            y[i, 0] = (float)((2 * xs[i]) - 1);
        }

        var model = new Sequential(new Dense(1, inputShape: [1], kernelInitializer: new Initializers.GlorotUniform(seed: 1)));
        model.Compile(new SGD(0.05, momentum: 0.5), new MeanSquaredError());
        History history = model.Fit(Tf.Constant(x), Tf.Constant(y), epochs: 150, batchSize: 3, verbose: 0, shuffle: false);
        Assert.Equal(150, history.Loss.Count);
        Assert.True(history.Loss[^1] < 1e-4, $"final loss {history.Loss[^1]}");
        Assert.True(history.Loss[^1] < history.Loss[0]);
        Assert.Equal(2f, model.Variables[0].ToArray<float>()[0], 1e-2);
        Assert.Equal(-1f, model.Variables[1].ToArray<float>()[0], 1e-2);
        Assert.True(model.Evaluate(Tf.Constant(x), Tf.Constant(y)) < 1e-4);
    }
}
