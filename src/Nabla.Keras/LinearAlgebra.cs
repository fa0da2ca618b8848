namespace Nabla.Keras;

/// <summary>Matrix helpers built from public ops.</summary>
internal static class LinearAlgebra
{
    /// <summary>(n, k) · (k, m): interim composite (broadcast multiply, sum over k) until <c>Tf.MatMul</c> lands on main.</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        int n = a.Shape[0];
        int k = a.Shape[1];
        return Tf.ReduceSum(Tf.Reshape(a, [n, k, 1]) * b, 1);
    }
}
