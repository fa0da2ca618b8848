namespace Nabla;

/// <summary>
/// A parsed einsum equation: one label per axis of each operand and of the output. The axes an ellipsis stands for
/// get labels of their own (<see cref="EllipsisLabel"/>), right-aligned across operands as NumPy broadcasting
/// aligns them, so the rest of <see cref="Tf.Einsum"/> treats them as ordinary (broadcastable) labels.
/// </summary>
internal sealed class EinsumEquation
{
    private const string Op = "Einsum";

    private EinsumEquation(string text, string[] inputs, string output)
    {
        Text = text;
        Inputs = inputs;
        Output = output;
    }

    /// <summary>The equation as the caller wrote it (for error messages).</summary>
    public string Text { get; }

    /// <summary>The labels of each operand's axes, in axis order.</summary>
    public string[] Inputs { get; }

    /// <summary>The labels of the output's axes, in axis order.</summary>
    public string Output { get; }

    /// <summary>True for the label of an axis under an ellipsis (these may broadcast: size 1 against n).</summary>
    public static bool IsEllipsisLabel(char label) => label >= EllipsisBase;

    private const char EllipsisBase = '\uE000';

    /// <summary>The label of the <paramref name="fromEnd"/>-th ellipsis axis counted from the last one (0-based).</summary>
    public static char EllipsisLabel(int fromEnd) => (char)(EllipsisBase + fromEnd);

    /// <summary>
    /// Parses <paramref name="equation"/> for operands of the given shapes: TensorFlow's (and NumPy's) syntax, with
    /// spaces ignored, at most one <c>...</c> per subscript, and without <c>-&gt;</c> the implicit output (the
    /// ellipsis axes, then the labels that appear exactly once, in alphabetical order).
    /// </summary>
    public static EinsumEquation Parse(string equation, ReadOnlySpan<Tensor> operands)
    {
        string text = equation.Replace(" ", string.Empty, StringComparison.Ordinal);
        int arrow = text.IndexOf("->", StringComparison.Ordinal);
        string left = arrow < 0 ? text : text[..arrow];
        string? right = arrow < 0 ? null : text[(arrow + 2)..];
        string[] subscripts = left.Split(',');
        if (subscripts.Length != operands.Length)
        {
            throw Error(equation, operands, $"the equation has {subscripts.Length} input subscript(s) but {operands.Length} operand(s) were given");
        }

        // How many axes each operand's ellipsis covers; all are right-aligned under the widest.
        var inputs = new string[operands.Length];
        int ellipsisRank = 0;
        var named = new string[operands.Length];
        var covered = new int[operands.Length];
        for (int i = 0; i < operands.Length; i++)
        {
            (string before, string? after) = SplitEllipsis(equation, operands, subscripts[i]);
            named[i] = before + after;
            int rank = operands[i].Rank;
            bool fits = after is null ? named[i].Length == rank : named[i].Length <= rank;
            if (!fits)
            {
                throw Error(
                    equation,
                    operands,
                    $"subscript '{subscripts[i]}' of operand {i} has {named[i].Length} label(s) but the operand has rank {rank}");
            }

            covered[i] = after is null ? -1 : rank - named[i].Length;
            ellipsisRank = Math.Max(ellipsisRank, Math.Max(covered[i], 0));
        }

        for (int i = 0; i < operands.Length; i++)
        {
            (string before, string? after) = SplitEllipsis(equation, operands, subscripts[i]);
            inputs[i] = after is null ? before : before + EllipsisLabels(covered[i]) + after;
        }

        string output = right is null ? ImplicitOutput(inputs, ellipsisRank) : ExplicitOutput(equation, operands, right, ellipsisRank, inputs);
        return new EinsumEquation(equation, inputs, output);
    }

    /// <summary>An <see cref="ArgumentException"/> naming the op, the equation and the operands' shapes and dtypes.</summary>
    public static ArgumentException Error(string equation, ReadOnlySpan<Tensor> operands, string what)
    {
        var shapes = new string[operands.Length];
        for (int i = 0; i < operands.Length; i++)
        {
            shapes[i] = $"{operands[i].Shape} {operands[i].DType}";
        }

        return new ArgumentException($"{Op}: {what} (equation '{equation}', operands {string.Join(", ", shapes)}) [Op:{Op}].");
    }

    private static string EllipsisLabels(int count)
    {
        var labels = new char[count];
        for (int k = 0; k < count; k++)
        {
            labels[k] = EllipsisLabel(count - 1 - k);
        }

        return new string(labels);
    }

    // The named labels before and after the ellipsis (after is null when there is no ellipsis).
    private static (string Before, string? After) SplitEllipsis(string equation, ReadOnlySpan<Tensor> operands, string subscript)
    {
        int dots = subscript.IndexOf("...", StringComparison.Ordinal);
        string before = dots < 0 ? subscript : subscript[..dots];
        string? after = dots < 0 ? null : subscript[(dots + 3)..];
        foreach (char c in before + after)
        {
            if (c is '.' or '-' or '>' or ',' || char.IsWhiteSpace(c) || IsEllipsisLabel(c))
            {
                throw Error(equation, operands, $"subscript '{subscript}' has an invalid label '{c}' (labels are single characters other than ,.->; at most one '...' per subscript)");
            }
        }

        return (before, after);
    }

    private static string ImplicitOutput(string[] inputs, int ellipsisRank)
    {
        var counts = new SortedDictionary<char, int>();
        foreach (string labels in inputs)
        {
            foreach (char c in labels)
            {
                if (!IsEllipsisLabel(c))
                {
                    counts[c] = counts.GetValueOrDefault(c) + 1;
                }
            }
        }

        var output = new System.Text.StringBuilder(EllipsisLabels(ellipsisRank));
        foreach ((char label, int count) in counts)
        {
            if (count == 1)
            {
                output.Append(label);
            }
        }

        return output.ToString();
    }

    private static string ExplicitOutput(string equation, ReadOnlySpan<Tensor> operands, string right, int ellipsisRank, string[] inputs)
    {
        (string before, string? after) = SplitEllipsis(equation, operands, right);
        if (after is null && ellipsisRank > 0)
        {
            throw Error(equation, operands, "the output subscript has no '...' but the inputs' ellipses cover axes (they are batch axes and must appear in the output)");
        }

        string output = after is null ? before : before + EllipsisLabels(ellipsisRank) + after;
        for (int i = 0; i < output.Length; i++)
        {
            char c = output[i];
            if (output.IndexOf(c, i + 1) >= 0 && !IsEllipsisLabel(c))
            {
                throw Error(equation, operands, $"output label '{c}' appears more than once in the output subscript");
            }

            if (!IsEllipsisLabel(c) && !Array.Exists(inputs, labels => labels.Contains(c, StringComparison.Ordinal)))
            {
                throw Error(equation, operands, $"output label '{c}' does not appear in any input subscript");
            }
        }

        return output;
    }
}
