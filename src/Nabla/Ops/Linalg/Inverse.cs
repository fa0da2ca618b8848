using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Linalg
    {
        /// <summary>
        /// The inverse of each inner-most square matrix (TensorFlow's <c>tf.linalg.inv</c>), or of its adjoint when
        /// <paramref name="adjoint"/>; LU with partial pivoting in float64. The gradient is TensorFlow's
        /// <c>-A⁻ᵀ·G·A⁻ᵀ</c>, written with MatMul on the output.
        /// </summary>
        /// <exception cref="ArgumentException">When the input is not a batch of float32/float64 square matrices, or a matrix is singular.</exception>
        public static Tensor Inv(Tensor input, bool adjoint = false)
        {
            ArgumentNullException.ThrowIfNull(input);
            return new MatrixInverseOp(adjoint).Call(input);
        }

        /// <summary>
        /// The determinant of each inner-most square matrix (TensorFlow's <c>tf.linalg.det</c>), of shape input[:-2];
        /// a singular matrix gives 0. The gradient is <c>G·det(A)·A⁻ᵀ</c> (so, as TensorFlow's, it needs A invertible).
        /// </summary>
        /// <exception cref="ArgumentException">When the input is not a batch of float32/float64 square matrices.</exception>
        public static Tensor Det(Tensor input)
        {
            ArgumentNullException.ThrowIfNull(input);
            return DeterminantOp.Determinant.Call(input);
        }

        /// <summary>
        /// The sign and the log of the absolute value of each determinant (TensorFlow's <c>tf.linalg.slogdet</c>),
        /// stable where the determinant itself would overflow; a singular matrix gives sign 0 and -inf. The gradient
        /// of the log is <c>G·A⁻ᵀ</c>; the sign has none.
        /// </summary>
        /// <exception cref="ArgumentException">When the input is not a batch of float32/float64 square matrices.</exception>
        public static (Tensor Sign, Tensor LogAbsDeterminant) Slogdet(Tensor input)
        {
            ArgumentNullException.ThrowIfNull(input);
            Tensor[] parts = LinalgBatch.Unpack(DeterminantOp.Logarithm.Call(input), [], []);
            return (parts[0], parts[1]);
        }
    }
}

internal sealed class MatrixInverseOp(bool adjoint) : Op("MatrixInverse")
{
    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        LinalgBatch.RequireMatrices(Name, inputs[0], square: true);
        return new TensorSpec(inputs[0].Shape, inputs[0].DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int n = x.Shape.Dims[^1];
        var lu = new double[n * n];
        var inverse = new double[n * n];
        var pivots = new int[n];
        for (int b = 0; b < LinalgBatch.Count(x.Shape); b++)
        {
            LinalgBatch.Read(x, b, lu);
            if (LuKernel.Factor(lu, n, pivots) == 0)
            {
                throw LinalgBatch.Failure(Name, "Input is not invertible.", x, b);
            }

            Array.Clear(inverse);
            for (int i = 0; i < n; i++)
            {
                inverse[(i * n) + i] = 1;
            }

            LuKernel.Solve(lu, n, pivots, inverse, n, transpose: adjoint);
            LinalgBatch.Write(inverse, output, b);
        }
    }

    // TensorFlow's _MatrixInverseGrad.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => result[0] = Tf.Negative(Tf.MatMul(output, Tf.MatMul(upstream, output, transposeA: adjoint, transposeB: !adjoint), transposeA: !adjoint));
}

/// <summary>The determinant (MatrixDeterminant), or its sign and log-magnitude packed as [..., 2] (LogMatrixDeterminant).</summary>
internal sealed class DeterminantOp : Op
{
    public static readonly DeterminantOp Determinant = new(false);
    public static readonly DeterminantOp Logarithm = new(true);

    private readonly bool _log;

    private DeterminantOp(bool log)
        : base(log ? "LogMatrixDeterminant" : "MatrixDeterminant") => _log = log;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor x = inputs[0];
        LinalgBatch.RequireMatrices(Name, x, square: true);
        return new TensorSpec(_log ? LinalgBatch.WithBatch(x.Shape, 2) : LinalgBatch.WithBatch(x.Shape), x.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        int n = x.Shape.Dims[^1];
        var lu = new double[n * n];
        var pivots = new int[n];
        Span<double> result = stackalloc double[_log ? 2 : 1];
        for (int b = 0; b < LinalgBatch.Count(x.Shape); b++)
        {
            LinalgBatch.Read(x, b, lu);
            double sign = LuKernel.Factor(lu, n, pivots);
            double logAbs = sign == 0 ? double.NegativeInfinity : 0;
            double product = sign;
            for (int i = 0; i < n && sign != 0; i++)
            {
                double u = lu[(i * n) + i];
                product *= u;
                sign *= System.Math.Sign(u);
                logAbs += System.Math.Log(System.Math.Abs(u));
            }

            if (_log)
            {
                result[0] = sign;
                result[1] = logAbs;
            }
            else
            {
                result[0] = product;
            }

            LinalgBatch.Write(result, output, b);
        }
    }

    // TensorFlow's _MatrixDeterminantGrad and _LogMatrixDeterminantGrad: G·det·A⁻ᵀ and G·A⁻ᵀ.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor a = inputs[0];
        Tensor weight = _log ? LinalgBatch.Unpack(upstream, [], [])[1] : Tf.Multiply(upstream, output);
        Tensor multipliers = Tf.Reshape(weight, LinalgBatch.WithBatch(a.Shape, 1, 1).ToArray());
        result[0] = Tf.Multiply(multipliers, Tf.Linalg.Inv(a, adjoint: true));
    }
}
