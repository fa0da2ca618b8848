using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Ops;

/// <summary>
/// Tf.Einsum against a brute-force double reference (every assignment of every label, with ellipsis axes
/// broadcasting), per dtype; gradients at first and second order; errors naming Einsum, the equation and shapes.
/// </summary>
public class EinsumTests
{
    private static readonly Dictionary<string, int[][]> s_rows = new()
    {
        ["ij,jk->ik"] = [[2, 3], [3, 4]],
        ["ij,jk"] = [[2, 3], [3, 4]],
        ["bij,bjk->bik"] = [[2, 2, 3], [2, 3, 2]],
        ["...ij,...jk->...ik"] = [[2, 1, 2, 3], [3, 3, 2]],
        ["ii->i"] = [[3, 3]],
        ["ii"] = [[3, 3]],
        ["iii->i"] = [[2, 2, 2]],
        ["iij->j"] = [[2, 2, 3]],
        ["ij->ji"] = [[2, 3]],
        ["ij->"] = [[2, 3]],
        ["i,i->"] = [[4], [4]],
        ["i,j->ij"] = [[3], [2]],
        ["ij,ij->ij"] = [[2, 3], [2, 3]],
        ["ab,bc->b"] = [[2, 3], [3, 4]],
        ["bhqd,bhkd->bhqk"] = [[2, 2, 3, 4], [2, 2, 5, 4]],
        ["abc,cd->abd"] = [[2, 3, 4], [4, 5]],
        ["abc,cde->abde"] = [[2, 3, 4], [4, 2, 3]],
        ["ij,jk,kl->il"] = [[2, 3], [3, 4], [4, 2]],
        ["i,ij,j"] = [[2], [2, 3], [3]],
        [" ...i , i -> ... "] = [[2, 3, 4], [4]],
        ["i...->...i"] = [[3, 2, 4]],
        ["...,...->..."] = [[2, 1], [3]],
        [",i->i"] = [[], [3]],
        ["bij,jk->bik"] = [[2, 3, 4], [4, 2]],
    };

    public static TheoryData<string> Equations() => [.. s_rows.Keys];

    public static TheoryData<string, string> ForwardCases()
    {
        var data = new TheoryData<string, string>();
        foreach (string equation in s_rows.Keys)
        {
            foreach (string dtype in new[] { "float32", "float64", "int32" })
            {
                data.Add(equation, dtype);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Einsum_MatchesBruteForceReference(string equation, string dtypeName)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        Tensor[] inputs = Inputs(equation, dtype == DType.Int32 ? 3 : 1);
        double[][] values = [.. inputs.Select(AssertTensor.ToDoubles)];
        (double[] expected, int[] shape) = Reference(equation, values, [.. inputs.Select(t => t.Shape.ToArray())]);

        Tensor result = Tf.Einsum(equation, [.. inputs.Select(t => Tf.Cast(t, dtype))]);

        Assert.Equal(dtype, result.DType);
        AssertTensor.Close(expected, result, new Shape(shape), dtype == DType.Float32 ? 1e-5 : 1e-12);
    }

    [Theory]
    [MemberData(nameof(Equations))]
    public void Einsum_Gradient_FirstAndSecondOrder_MatchFiniteDifferences(string equation)
    {
        Tensor[] inputs = Inputs(equation, 1);
        GradientCheck.FirstOrder(x => Tf.Einsum(equation, x), inputs);
        GradientCheck.SecondOrder(x => Tf.Einsum(equation, x), inputs);
    }

    [Fact]
    public void Einsum_InsideTfFunction_WithUnknownBatch_MatchesEager()
    {
        var f = Tf.Function((Tensor x, Tensor w) => Tf.Einsum("abc,cd->abd", x, w), inputSignature: [new TensorSpec([null, 3, 4], DType.Float64), new TensorSpec([4, 5], DType.Float64)]);
        Tensor[] inputs = GradientCheck.RandomInputs(3, [new Shape(2, 3, 4), new Shape(4, 5)]);
        AssertTensor.Close(Tf.Einsum("abc,cd->abd", inputs), f.Invoke(inputs[0], inputs[1]), 1e-12);
    }

    [Theory]
    [InlineData("ij,jk->ik", new[] { 2, 3 }, null, "2 input subscript(s) but 1 operand(s)")]
    [InlineData("ijk->ij", new[] { 2, 3 }, null, "rank 2")]
    [InlineData("ij,jk->ik", new[] { 2, 3 }, new[] { 4, 5 }, "label 'j' has size 3 and size 4")]
    [InlineData("ij->ik", new[] { 2, 3 }, null, "output label 'k'")]
    [InlineData("ij->ii", new[] { 2, 3 }, null, "more than once")]
    [InlineData("...ij->ij", new[] { 4, 2, 3 }, null, "'...'")]
    [InlineData("i.j->", new[] { 2, 3 }, null, "invalid label")]
    [InlineData("...i,...i->...i", new[] { 2, 4 }, new[] { 3, 4 }, "does not broadcast")]
    public void Einsum_BadEquationOrShapes_ThrowsNamingEinsumAndShapes(string equation, int[] first, int[]? second, string detail)
    {
        Tensor[] inputs = second is null ? [Tf.Zeros(first)] : [Tf.Zeros(first), Tf.Zeros(second)];
        var error = Assert.Throws<ArgumentException>(() => Tf.Einsum(equation, inputs));
        Assert.Contains("Einsum", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
        Assert.Contains(new Shape(first).ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Einsum_BadDTypes_ThrowNamingEinsum()
    {
        var mixed = Assert.Throws<ArgumentException>(() => Tf.Einsum("i,i->", Tf.Zeros([2]), Tf.Zeros([2], DType.Float64)));
        Assert.Contains("Einsum", mixed.Message, StringComparison.Ordinal);
        Assert.Contains("float64", mixed.Message, StringComparison.Ordinal);
        var boolean = Assert.Throws<ArgumentException>(() => Tf.Einsum("i->", Tf.Constant(new[] { true })));
        Assert.Contains("Einsum", boolean.Message, StringComparison.Ordinal);
    }

    private static Tensor[] Inputs(string equation, double range)
    {
        Tensor[] inputs = GradientCheck.RandomInputs(equation.Length, [.. s_rows[equation].Select(s => new Shape(s))], -range, range);
        return range > 1 ? [.. inputs.Select(Tf.Round)] : inputs;
    }

    // An independent reading of the equation: ellipsis axes become the digit labels '0'.., right-aligned.
    private static (double[] Values, int[] Shape) Reference(string equation, double[][] values, int[][] shapes)
    {
        string text = equation.Replace(" ", string.Empty, StringComparison.Ordinal);
        string[] sides = text.Split("->");
        string[] subscripts = sides[0].Split(',');
        int ellipsis = 0;
        for (int i = 0; i < subscripts.Length; i++)
        {
            if (subscripts[i].Contains("...", StringComparison.Ordinal))
            {
                ellipsis = Math.Max(ellipsis, shapes[i].Length - (subscripts[i].Length - 3));
            }
        }

        string Expand(string s, int covered) => s.Replace("...", string.Concat(Enumerable.Range(ellipsis - covered, covered).Select(k => (char)('0' + k))), StringComparison.Ordinal);
        string[] labels = [.. subscripts.Select((s, i) => Expand(s, shapes[i].Length - (s.Length - 3)))];
        string output = sides.Length == 2
            ? Expand(sides[1], ellipsis)
            : string.Concat(Enumerable.Range(0, ellipsis).Select(k => (char)('0' + k)))
              + string.Concat(string.Concat(labels).Where(char.IsLetter).GroupBy(c => c).Where(g => g.Count() == 1).Select(g => g.Key).Order());

        var size = new Dictionary<char, int>();
        for (int i = 0; i < labels.Length; i++)
        {
            for (int a = 0; a < labels[i].Length; a++)
            {
                size[labels[i][a]] = Math.Max(size.GetValueOrDefault(labels[i][a]), shapes[i][a]);
            }
        }

        char[] all = [.. size.Keys];
        int[] outShape = [.. output.Select(c => size[c])];
        var result = new double[outShape.Aggregate(1, (p, d) => p * d)];
        var at = new Dictionary<char, int>();
        foreach (int[] assignment in Assignments([.. all.Select(c => size[c])]))
        {
            for (int k = 0; k < all.Length; k++)
            {
                at[all[k]] = assignment[k];
            }

            double product = 1;
            for (int i = 0; i < labels.Length; i++)
            {
                product *= values[i][Flat(labels[i], shapes[i], c => shapes[i][labels[i].IndexOf(c, StringComparison.Ordinal)] == 1 ? 0 : at[c])];
            }

            result[Flat(output, outShape, c => at[c])] += product;
        }

        return (result, outShape);
    }

    // Row-major offset of the element whose axis positions are given per label (labels repeated in one operand read the same position).
    private static int Flat(string labels, int[] shape, Func<char, int> position)
    {
        int offset = 0;
        for (int a = 0; a < labels.Length; a++)
        {
            offset = (offset * shape[a]) + position(labels[a]);
        }

        return offset;
    }

    private static IEnumerable<int[]> Assignments(int[] sizes)
    {
        var current = new int[sizes.Length];
        if (sizes.Any(s => s == 0))
        {
            yield break;
        }

        while (true)
        {
            yield return current;
            int k = sizes.Length - 1;
            while (k >= 0 && ++current[k] == sizes[k])
            {
                current[k--] = 0;
            }

            if (k < 0)
            {
                yield break;
            }
        }
    }
}
