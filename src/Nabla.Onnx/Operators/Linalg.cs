namespace Nabla.Onnx;

internal static partial class OnnxOperators
{
    private static void AddLinalg(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["MatMul"] = One(n => MatMul(n.Input(0), n.Input(1)));
        ops["Gemm"] = One(Gemm);
        ops["Einsum"] = One(n => Tf.Einsum(n.String("equation", ""), [.. Enumerable.Range(0, n.InputCount).Select(n.Input)]));
        ops["Det"] = Unary(Tf.Linalg.Det);
    }

    /// <summary>NumPy's matmul: a vector operand gains and then loses an axis; batch axes broadcast.</summary>
    private static Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.Rank == 1 && b.Rank == 1)
        {
            return Tf.ReduceSum(a * b);
        }

        if (a.Rank == 1)
        {
            return Tf.Squeeze(Tf.MatMul(Tf.ExpandDims(a, 0), b), [-2]);
        }

        if (b.Rank == 1)
        {
            return Tf.Squeeze(Tf.MatMul(a, Tf.ExpandDims(b, -1)), [-1]);
        }

        return Tf.MatMul(a, b);
    }

    /// <summary>alpha · A' · B' + beta · C (A' = Aᵀ with transA, B' = Bᵀ with transB; C broadcasts).</summary>
    private static Tensor Gemm(NodeContext n)
    {
        Tensor a = n.Input(0), b = n.Input(1);
        double alpha = n.Float("alpha", 1f), beta = n.Float("beta", 1f);
        Tensor product = Tf.MatMul(a, b, transposeA: n.Int("transA", 0) != 0, transposeB: n.Int("transB", 0) != 0);
        if (alpha != 1)
        {
            product = alpha * product;
        }

        if (n.OptionalInput(2) is not { } c || beta == 0)
        {
            return product;
        }

        return product + (beta == 1 ? c : beta * c);
    }
}
