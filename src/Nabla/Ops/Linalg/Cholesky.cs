using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Linalg
    {
        /// <summary>
        /// The lower Cholesky factor L (A = L·Lᵀ) of each inner-most symmetric positive-definite matrix (TensorFlow's
        /// <c>tf.linalg.cholesky</c>); only the lower triangle of the input is read. The gradient is TensorFlow's,
        /// symmetric in A (the derivative along symmetric perturbations).
        /// </summary>
        /// <exception cref="ArgumentException">When the input is not a batch of float32/float64 square matrices, or one is not positive definite.</exception>
        public static Tensor Cholesky(Tensor input)
        {
            ArgumentNullException.ThrowIfNull(input);
            return CholeskyOp.Instance.Call(input);
        }
    }
}

internal sealed class CholeskyOp : Op
{
    public static readonly CholeskyOp Instance = new();

    private CholeskyOp()
        : base("Cholesky")
    {
    }

    public override bool SupportsUnknownDims => true;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        LinalgBatch.RequireMatrices(Name, inputs[0], square: true);
        return new TensorSpec(LinalgBatch.Square(inputs[0].Shape), inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int n = x.Shape.Dims[^1];
        var a = new double[n * n];
        var l = new double[n * n];
        for (int b = 0; b < LinalgBatch.Count(x.Shape); b++)
        {
            LinalgBatch.Read(x, b, a);
            if (!TriangularKernel.Cholesky(a, n, l))
            {
                throw LinalgBatch.Failure(Name, "Cholesky decomposition was not successful. The input might not be valid.", x, b);
            }

            LinalgBatch.Write(l, output, b);
        }
    }

    // TensorFlow's _CholeskyGrad: Φ(Lᵀ·G) (lower triangle, half diagonal) sandwiched by L⁻¹, then symmetrized.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor l = output;
        Tensor lInverse = Tf.Linalg.TriangularSolve(l, LinalgBatch.Eye(l));
        Tensor middle = Tf.MatMul(l, upstream, transposeA: true);
        middle = Tf.Linalg.SetDiag(middle, Tf.Multiply(0.5, Tf.Linalg.DiagPart(middle)));
        middle = Tf.Linalg.BandPart(middle, -1, 0);
        Tensor gradA = Tf.MatMul(Tf.MatMul(lInverse, middle, transposeA: true), lInverse);
        result[0] = Tf.Multiply(0.5, Tf.Add(gradA, Tf.Linalg.MatrixTranspose(gradA)));
    }
}
