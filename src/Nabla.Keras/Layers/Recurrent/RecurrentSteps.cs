namespace Nabla.Keras;

/// <summary>
/// The recurrent cells step by step with plain ops, for activations the fused ops do not have (an LSTM with a relu
/// activation...): Keras's formulas and masking, a few ops per step on the tape instead of one op per sequence.
/// </summary>
internal static class RecurrentSteps
{
    /// <summary>The activation names the recurrent layers accept (those of <see cref="Activations.Get"/>); null is linear.</summary>
    public static string CheckActivation(string? name, string parameter)
    {
        string normalized = name ?? "linear";
        try
        {
            _ = Activations.Get(normalized);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(e.Message, parameter, e);
        }

        return normalized;
    }

    public static Tensor[] Simple(Tensor projection, Tensor[] initial, Tensor? mask, Tensor kernel, Func<Tensor, Tensor> activation) =>
        Loop(projection, initial, mask, (p, s) => [activation(Tf.Add(p, Tf.MatMul(s[0], kernel)))]);

    public static Tensor[] Lstm(Tensor projection, Tensor[] initial, Tensor? mask, Tensor kernel, Func<Tensor, Tensor> activation,
        Func<Tensor, Tensor> recurrentActivation) =>
        Loop(projection, initial, mask, (p, s) =>
        {
            Tensor[] z = Tf.Split(Tf.Add(p, Tf.MatMul(s[0], kernel)), 4, 1);
            Tensor c = Tf.Add(Tf.Multiply(recurrentActivation(z[1]), s[1]), Tf.Multiply(recurrentActivation(z[0]), activation(z[2])));
            return [Tf.Multiply(recurrentActivation(z[3]), activation(c)), c];
        });

    public static Tensor[] Gru(Tensor projection, Tensor[] initial, Tensor? mask, Tensor kernel, Tensor? recurrentBias, bool resetAfter,
        Func<Tensor, Tensor> activation, Func<Tensor, Tensor> recurrentActivation)
    {
        int units = kernel.Shape[0];
        Tensor kernelZr = Tf.Slice(kernel, [0, 0], [units, 2 * units]), kernelH = Tf.Slice(kernel, [0, 2 * units], [units, units]);
        return Loop(projection, initial, mask, (p, s) =>
        {
            Tensor h = s[0];
            Tensor[] x = Tf.Split(p, 3, 1);
            Tensor[] m = resetAfter
                ? Tf.Split(recurrentBias is null ? Tf.MatMul(h, kernel) : Tf.Add(Tf.MatMul(h, kernel), recurrentBias), 3, 1)
                : Tf.Split(Tf.MatMul(h, kernelZr), 2, 1);
            Tensor z = recurrentActivation(Tf.Add(x[0], m[0])), r = recurrentActivation(Tf.Add(x[1], m[1]));
            Tensor recurrentH = resetAfter ? Tf.Multiply(r, m[2]) : Tf.MatMul(Tf.Multiply(r, h), kernelH);
            Tensor hh = activation(Tf.Add(x[2], recurrentH));
            return [Tf.Add(Tf.Multiply(z, h), Tf.Multiply(Tf.Subtract(1, z), hh))];
        });
    }

    // Runs step over time; a masked step keeps the previous states. Returns each state's sequence, (batch, time, units).
    private static Tensor[] Loop(Tensor projection, Tensor[] initial, Tensor? mask, Func<Tensor, Tensor[], Tensor[]> step)
    {
        Tensor[] inputs = Tf.Unstack(projection, 1);
        Tensor[]? keep = mask is null ? null : Tf.Unstack(Tf.ExpandDims(mask, 2), 1);
        var sequences = new Tensor[initial.Length][];
        for (int i = 0; i < initial.Length; i++)
        {
            sequences[i] = new Tensor[inputs.Length];
        }

        Tensor[] states = initial;
        for (int t = 0; t < inputs.Length; t++)
        {
            Tensor[] next = step(inputs[t], states);
            for (int i = 0; i < next.Length; i++)
            {
                if (keep is not null)
                {
                    next[i] = Tf.Where(keep[t], next[i], states[i]);
                }

                sequences[i][t] = next[i];
            }

            states = next;
        }

        var result = new Tensor[initial.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Tf.Stack(sequences[i], 1);
        }

        return result;
    }
}
