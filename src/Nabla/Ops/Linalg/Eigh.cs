using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Linalg
    {
        /// <summary>
        /// Eigenvalues (ascending) and eigenvectors (the columns of V) of each inner-most symmetric matrix
        /// (TensorFlow's <c>tf.linalg.eigh</c>), reading only the lower triangle; cyclic Jacobi in float64. Each
        /// eigenvector's largest-magnitude entry is positive. The gradient is TensorFlow's (with respect to the lower
        /// triangle); like any eigenvector derivative it is unbounded where two eigenvalues meet.
        /// </summary>
        /// <exception cref="ArgumentException">When the input is not a batch of float32/float64 square matrices.</exception>
        public static (Tensor E, Tensor V) Eigh(Tensor tensor)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            Tensor[] parts = LinalgBatch.Unpack(EighOp.Instance, EighOp.Instance.Call(tensor), tensor);
            return (parts[0], parts[1]);
        }

        /// <summary>The eigenvalues (ascending) of each inner-most symmetric matrix (TensorFlow's <c>tf.linalg.eigvalsh</c>).</summary>
        /// <exception cref="ArgumentException">When the input is not a batch of float32/float64 square matrices.</exception>
        public static Tensor Eigvalsh(Tensor tensor) => Eigh(tensor).E;
    }
}

/// <summary>Eigenvalues and eigenvectors of each matrix, packed side by side along the last axis.</summary>
internal sealed class EighOp : Op, IPackedDecomposition
{
    public static readonly EighOp Instance = new();

    private EighOp()
        : base("SelfAdjointEigV2")
    {
    }

    // The packed size is unknown where the matrix size is (PackedPartOp cuts it per call).
    public override bool SupportsUnknownDims => true;

    public int PartCount => 2;

    public int[][] Parts(Shape input) => [[input.Dims[^1]], [input.Dims[^1], input.Dims[^1]]];

    public int[] PartShape(Shape input, int index)
    {
        int n = LinalgBatch.SquareSize(input);
        return index == 0 ? [n] : [n, n];
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        LinalgBatch.RequireMatrices(Name, x, square: true);
        int n = LinalgBatch.SquareSize(x.Shape);
        return new TensorSpec(LinalgBatch.WithBatch(x.Shape, n == Shape.UnknownDim ? n : n + (n * n)), x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int n = x.Shape.Dims[^1];
        var a = new double[n * n];
        var packed = new double[n + (n * n)];
        for (int b = 0; b < LinalgBatch.Count(x.Shape); b++)
        {
            LinalgBatch.Read(x, b, a);
            SymmetricEigenKernel.Decompose(a, n, packed.AsSpan(0, n), packed.AsSpan(n));
            LinalgBatch.Write(packed, output, b);
        }
    }

    // TensorFlow's _SelfAdjointEigV2Grad: V·(diag(gE) + F∘(Vᵀ·gV))·Vᵀ with F_ij = 1/(e_j - e_i) (0 on the
    // diagonal), folded onto the lower triangle that the forward op reads.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor[] ev = LinalgBatch.Unpack(this, output, inputs[0]);
        Tensor[] grads = LinalgBatch.Unpack(this, upstream, inputs[0]);
        Tensor e = ev[0], v = ev[1];
        Tensor f = Tf.Linalg.SetDiag(SafeReciprocal(Tf.Subtract(Tf.ExpandDims(e, -2), Tf.ExpandDims(e, -1))), Tf.ZerosLike(e));
        Tensor inner = Tf.Add(Tf.Linalg.Diag(grads[0]), Tf.Multiply(f, Tf.MatMul(v, grads[1], transposeA: true)));
        Tensor gradA = Tf.MatMul(v, Tf.MatMul(inner, v, transposeB: true));
        gradA = Tf.Linalg.BandPart(Tf.Add(gradA, Tf.Linalg.MatrixTranspose(gradA)), -1, 0);
        result[0] = Tf.Linalg.SetDiag(gradA, Tf.Multiply(0.5, Tf.Linalg.DiagPart(gradA)));
    }

    /// <summary>TensorFlow's _SafeReciprocal: x / (x² + 1e-20), finite where x is 0.</summary>
    internal static Tensor SafeReciprocal(Tensor x) => Tf.Multiply(x, Tf.Reciprocal(Tf.Add(Tf.Multiply(x, x), 1e-20)));
}
