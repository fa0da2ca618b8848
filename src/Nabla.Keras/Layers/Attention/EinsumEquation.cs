using System.Text;

namespace Nabla.Keras;

/// <summary>
/// An <see cref="EinsumDense"/> equation read against an input shape (Keras's <c>_analyze_einsum_string</c>): the
/// form <c>X,Y->Z</c>, <c>...X,Y->...Z</c> or <c>X...,Y->Z...</c>, where <c>X</c> names the input's axes, <c>Y</c> the
/// kernel's and <c>Z</c> the output's. The ellipsis is replaced by capital letters, one per elided input axis, so the
/// product itself (<see cref="Contract"/>) sees an explicit two-operand equation.
/// </summary>
internal sealed class EinsumEquation
{
    private EinsumEquation(string input, string kernel, string output, int[] kernelShape, int[]? biasShape, int?[] outputShape)
    {
        Input = input;
        Kernel = kernel;
        Output = output;
        KernelShape = kernelShape;
        BiasShape = biasShape;
        OutputShape = outputShape;
    }

    /// <summary>The input's axis letters, ellipsis expanded.</summary>
    public string Input { get; }

    /// <summary>The kernel's axis letters.</summary>
    public string Kernel { get; }

    /// <summary>The output's axis letters, ellipsis expanded.</summary>
    public string Output { get; }

    /// <summary>The kernel's shape.</summary>
    public int[] KernelShape { get; }

    /// <summary>The bias's shape (Keras's: from the first bias axis of the output to its end, 1 on axes without bias); null without bias.</summary>
    public int[]? BiasShape { get; }

    /// <summary>The output's full shape, batch first; null where unknown until called.</summary>
    public int?[] OutputShape { get; }

    /// <summary>Reads <paramref name="equation"/> for inputs of shape <paramref name="inputShape"/>.</summary>
    /// <param name="layer">The layer's name, for messages.</param>
    /// <param name="equation">The equation (<c>abc,cd->abd</c>).</param>
    /// <param name="biasAxes">The output axes that get a bias, or null.</param>
    /// <param name="inputShape">The input's shape, batch first.</param>
    /// <param name="partialOutputShape">The output's shape without the batch axis and the elided axes; null entries are read from the input.</param>
    public static EinsumEquation Analyze(string layer, string equation, string? biasAxes, Shape inputShape, IReadOnlyList<int?> partialOutputShape)
    {
        string compact = equation.Replace(" ", string.Empty, StringComparison.Ordinal);
        (string input, string kernel, string output, bool leftElided, bool rightElided) = Split(layer, equation, compact);
        foreach (char axis in biasAxes ?? string.Empty)
        {
            if (output.IndexOf(axis, StringComparison.Ordinal) < 0)
            {
                throw new ArgumentException(
                    $"EinsumDense {layer}: bias dimension '{axis}' was requested, but is not part of the output spec '{output}'.", nameof(biasAxes));
            }
        }

        int elided = inputShape.Rank - input.Length;
        if (elided < 0 || ((leftElided || rightElided) ? elided < 0 : elided != 0))
        {
            throw new ArgumentException(
                $"EinsumDense {layer}: the equation '{equation}' names {input.Length} input axes, but the input has shape {inputShape}.", nameof(inputShape));
        }

        // Capital letters stand for the elided axes (the equation's own letters are lowercase or capitals it uses).
        string fresh = FreshLetters(compact, elided);
        if (leftElided)
        {
            input = fresh + input;
            output = fresh + output;
        }
        else if (rightElided)
        {
            input += fresh;
            output += fresh;
        }

        var full = new List<int?>(partialOutputShape.Count + elided + 1) { inputShape[0] };
        if (leftElided)
        {
            for (int i = 1; i < elided; i++)
            {
                full.Add(inputShape[i]);
            }
        }

        full.AddRange(partialOutputShape);
        if (rightElided)
        {
            for (int i = inputShape.Rank - elided; i < inputShape.Rank; i++)
            {
                full.Add(inputShape[i]);
            }
        }

        if (full.Count != output.Length)
        {
            throw new ArgumentException(
                $"EinsumDense {layer}: the equation '{equation}' has {output.Length} output axes for inputs of shape {inputShape}, but " +
                $"outputShape ({string.Join(", ", partialOutputShape.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None"))}) " +
                $"with the batch{(elided > 0 ? " and the elided axes" : string.Empty)} gives {full.Count}.", nameof(partialOutputShape));
        }

        int?[] outputShape = [.. full];
        for (int i = 0; i < output.Length; i++)
        {
            int at = input.IndexOf(output[i], StringComparison.Ordinal);
            if (at >= 0)
            {
                if (outputShape[i] is { } given && given != inputShape[at])
                {
                    throw new ArgumentException(
                        $"EinsumDense {layer}: input shape and output shape do not match at shared dimension '{output[i]}'. Input shape is " +
                        $"{inputShape[at]}, and output shape is {given}.", nameof(partialOutputShape));
                }

                outputShape[i] = inputShape[at];
            }
            else if (kernel.IndexOf(output[i], StringComparison.Ordinal) < 0)
            {
                throw new ArgumentException(
                    $"EinsumDense {layer}: dimension '{output[i]}' was specified in the output '{output}' but has no corresponding dim in the " +
                    $"input spec '{input}' or weight spec '{kernel}'.", nameof(equation));
            }
        }

        outputShape[0] = null; // the batch: whatever the call brings
        int[] kernelShape = KernelShapeOf(layer, input, kernel, output, inputShape, outputShape);
        int[]? biasShape = biasAxes is null ? null : BiasShapeOf(layer, biasAxes, output, outputShape, rightElided ? elided : 0);
        return new EinsumEquation(input, kernel, output, kernelShape, biasShape, outputShape);
    }

    /// <summary>
    /// The product of <paramref name="x"/> and <paramref name="kernel"/> as the equation says, by one (batched)
    /// matrix product between transposes and reshapes: axes of both operands and the output are batch axes,
    /// axes of both operands only are summed by the product, axes of one operand only are summed first.
    /// </summary>
    public Tensor Contract(Tensor x, Tensor kernel) => Contraction.Contract(Input, Kernel, Output, x, kernel);

    private static (string Input, string Kernel, string Output, bool Left, bool Right) Split(string layer, string equation, string compact)
    {
        string[] sides = compact.Split("->");
        string[] operands = sides.Length == 2 ? sides[0].Split(',') : [];
        if (operands.Length == 2)
        {
            string input = operands[0], kernel = operands[1], output = sides[1];
            bool left = input.StartsWith("...", StringComparison.Ordinal) && output.StartsWith("...", StringComparison.Ordinal);
            bool right = !left && input.EndsWith("...", StringComparison.Ordinal) && output.EndsWith("...", StringComparison.Ordinal);
            input = left ? input[3..] : right ? input[..^3] : input;
            output = left ? output[3..] : right ? output[..^3] : output;
            // Each operand names an axis once (no diagonals), as the product by matmul needs.
            if (DistinctLetters(input) && DistinctLetters(kernel) && DistinctLetters(output) && (!right || input.Length >= 2))
            {
                return (input, kernel, output, left, right);
            }
        }

        throw new ArgumentException(
            $"EinsumDense {layer}: invalid einsum equation '{equation}'. Equations must be in the form [X],[Y]->[Z], ...[X],[Y]->...[Z], or " +
            "[X]...,[Y]->[Z]....", nameof(equation));
    }

    private static bool DistinctLetters(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z')) || s.IndexOf(s[i], i + 1) >= 0)
            {
                return false;
            }
        }

        return s.Length > 0;
    }

    private static string FreshLetters(string used, int count)
    {
        var letters = new StringBuilder(count);
        for (char c = 'A'; c <= 'Z' && letters.Length < count; c++)
        {
            if (used.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                letters.Append(c);
            }
        }

        return letters.Length == count
            ? letters.ToString()
            : throw new ArgumentException($"EinsumDense: too many elided axes ({count}) for the free letters of '{used}'.", nameof(count));
    }

    private static int[] KernelShapeOf(string layer, string input, string kernel, string output, Shape inputShape, int?[] outputShape)
    {
        var shape = new int[kernel.Length];
        for (int i = 0; i < kernel.Length; i++)
        {
            int inInput = input.IndexOf(kernel[i], StringComparison.Ordinal), inOutput = output.IndexOf(kernel[i], StringComparison.Ordinal);
            int? size = inInput >= 0 ? inputShape[inInput] : inOutput >= 0 ? outputShape[inOutput] : null;
            shape[i] = size ?? throw new ArgumentException(
                $"EinsumDense {layer}: weight dimension '{kernel[i]}' did not have a match in either the input spec '{input}' or the output spec " +
                $"'{output}' with a known size. For this layer, the weight must be fully specified.", nameof(kernel));
        }

        return shape;
    }

    private static int[] BiasShapeOf(string layer, string biasAxes, string output, int?[] outputShape, int rightElided)
    {
        // Analyze checked that every bias axis is one of the equation's output letters.
        int first = output.Length;
        foreach (char axis in biasAxes)
        {
            first = Math.Min(first, output.IndexOf(axis, StringComparison.Ordinal));
        }

        if (first == 0)
        {
            throw new ArgumentException($"EinsumDense {layer}: the bias cannot run along the batch axis '{output[0]}'.", nameof(biasAxes));
        }

        // The elided axes at the right are already in the output; the bias broadcasts over them with size 1.
        var shape = new int[output.Length - first];
        for (int i = first; i < output.Length; i++)
        {
            bool biased = biasAxes.Contains(output[i], StringComparison.Ordinal) && i < output.Length - rightElided;
            shape[i - first] = biased ? outputShape[i]!.Value : 1;
        }

        return shape;
    }
}
