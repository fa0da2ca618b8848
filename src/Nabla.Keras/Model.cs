using System.Globalization;
using Nabla.Keras.Losses;
using Nabla.Keras.Optimizers;

namespace Nabla.Keras;

/// <summary>A layer that trains (Keras's <c>Model</c>): subclass and override <see cref="Layer.Call"/>, or use <see cref="Sequential"/>.</summary>
public abstract class Model : Layer
{
    /// <summary>Creates the model.</summary>
    /// <param name="name">Its name; made from the class name by default.</param>
    protected Model(string? name = null)
        : base(name)
    {
    }

    /// <summary>The optimizer set by <see cref="Compile"/>.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss set by <see cref="Compile"/>.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>Sets the optimizer and loss used by <see cref="Fit"/> (Keras's <c>compile</c>).</summary>
    public void Compile(Optimizer optimizer, Loss loss)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        Optimizer = optimizer;
        Loss = loss;
    }

    /// <summary>The predictions for <paramref name="x"/> (inference mode).</summary>
    public Tensor Predict(Tensor x) => Apply(x, training: false);

    /// <summary>The compiled loss on (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public double Evaluate(Tensor x, Tensor y)
    {
        Loss loss = Loss ?? throw new InvalidOperationException($"Model {Name} must be compiled before Evaluate.");
        return Tf.Cast(loss.Call(y, Predict(x)), DType.Float64).Item<double>();
    }

    /// <summary>One gradient step on a batch; returns the batch loss.</summary>
    public double TrainStep(Tensor x, Tensor y)
    {
        Optimizer optimizer = Optimizer ?? throw new InvalidOperationException($"Model {Name} must be compiled before training.");
        Loss loss = Loss!;
        Tensor value;
        var tape = new GradientTape();
        using (tape)
        {
            value = loss.Call(y, Apply(x, training: true));
        }

        IReadOnlyList<Variable> variables = TrainableVariables;
        Tensor?[] gradients = tape.Gradient(value, [.. variables]);
        optimizer.ApplyGradients(gradients, variables);
        return Tf.Cast(value, DType.Float64).Item<double>();
    }

    /// <summary>
    /// Trains for <paramref name="epochs"/> passes over (<paramref name="x"/>, <paramref name="y"/>) in batches of
    /// <paramref name="batchSize"/> samples (first axis), in order; returns each epoch's mean loss (Keras's <c>fit</c>).
    /// </summary>
    /// <param name="x">The inputs, samples along the first axis.</param>
    /// <param name="y">The targets, samples along the first axis.</param>
    /// <param name="epochs">The number of passes.</param>
    /// <param name="batchSize">The batch size (Keras's default 32).</param>
    /// <param name="verbose">Whether to print each epoch's loss.</param>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, bool verbose = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rank == 0 || y.Rank == 0 || x.Shape[0] != y.Shape[0])
        {
            throw new ArgumentException($"Fit: x of shape {x.Shape} and y of shape {y.Shape} need the same number of samples (first axis).");
        }

        if (epochs < 0 || batchSize <= 0)
        {
            throw new ArgumentException($"Fit: epochs must be non-negative and batchSize positive, got {epochs} and {batchSize}.");
        }

        int samples = x.Shape[0];
        var batches = new List<(Tensor X, Tensor Y, int Count)>();
        for (int start = 0; start < samples; start += batchSize)
        {
            int count = Math.Min(batchSize, samples - start);
            batches.Add((Rows(x, start, count), Rows(y, start, count), count));
        }

        var history = new History();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            double total = 0;
            foreach ((Tensor bx, Tensor by, int count) in batches)
            {
                total += TrainStep(bx, by) * count;
            }

            double mean = total / samples;
            history.Loss.Add(mean);
            if (verbose)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}/{epochs} - loss: {mean:0.0000}"));
            }
        }

        return history;
    }

    // Rows [start, start + count) of the first axis, copied through a float64 host array (no slicing op yet).
    private static Tensor Rows(Tensor t, int start, int count)
    {
        if (start == 0 && count == t.Shape[0])
        {
            return t;
        }

        int rowSize = t.Size / t.Shape[0];
        double[] all = Tf.Cast(t, DType.Float64).ToArray<double>();
        int[] shape = t.Shape.ToArray();
        shape[0] = count;
        return Tf.Cast(Tf.Constant(all[(start * rowSize)..((start + count) * rowSize)], new Shape(shape)), t.DType);
    }
}

/// <summary>What <see cref="Model.Fit"/> returns: the mean loss of each epoch (Keras's <c>History.history["loss"]</c>).</summary>
public sealed class History
{
    /// <summary>Each epoch's mean training loss.</summary>
    public List<double> Loss { get; } = [];
}
