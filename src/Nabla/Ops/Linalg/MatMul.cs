using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Matrix product <c>op(a) · op(b)</c> over the last two dimensions, where <c>op</c> transposes when the flag is
    /// set. Inputs of rank 3 or more are batches of matrices whose leading (batch) dimensions broadcast as NumPy's
    /// do: <c>(2, 1, 3, 4) @ (5, 4, 6)</c> gives <c>(2, 5, 3, 6)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// When an input has rank below 2, the inner dimensions differ, the batch dimensions do not broadcast, the
    /// dtypes differ or are not numeric.
    /// </exception>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
        => MatMulOp.Get(transposeA, transposeB).Call(a, b);
}

internal sealed class MatMulOp : Op
{
    public override bool SupportsUnknownDims => true;

    public override IReadOnlyDictionary<string, object> Attributes =>
        new Dictionary<string, object> { ["transpose_a"] = _transposeA, ["transpose_b"] = _transposeB };

    private static readonly MatMulOp[] s_instances = [new(false, false), new(false, true), new(true, false), new(true, true)];

    private readonly bool _transposeA;
    private readonly bool _transposeB;

    private MatMulOp(bool transposeA, bool transposeB)
        : base("MatMul")
    {
        _transposeA = transposeA;
        _transposeB = transposeB;
    }

    public static MatMulOp Get(bool transposeA, bool transposeB) => s_instances[(transposeA ? 2 : 0) + (transposeB ? 1 : 0)];

    internal bool TransposeA => _transposeA;

    internal bool TransposeB => _transposeB;

    protected override void ApplyDTypeRules(Span<Tensor> inputs) => DTypeRules.Unify(Name, ref inputs[0], ref inputs[1], inputsOnly: true);

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor a = inputs[0], b = inputs[1];
        if (a.Rank < 2 || b.Rank < 2)
        {
            throw new ArgumentException(
                $"MatMul requires inputs of rank >= 2, got shapes {a.Shape} and {b.Shape} ({a.DType}, {b.DType}) [Op:MatMul]. " +
                "Reshape a vector to a (1, n) or (n, 1) matrix first.");
        }

        DTypeRules.Require(Name, a.DType, DTypeSet.WideNumeric, a.Shape);
        if (a.DType != b.DType)
        {
            throw new ArgumentException($"MatMul inputs must have the same dtype, got {a.DType} {a.Shape} and {b.DType} {b.Shape} [Op:MatMul].");
        }

        ReadOnlySpan<int> da = a.Shape.Dims, db = b.Shape.Dims;
        int m = _transposeA ? da[^1] : da[^2];
        int ka = _transposeA ? da[^2] : da[^1];
        int kb = _transposeB ? db[^1] : db[^2];
        int n = _transposeB ? db[^2] : db[^1];
        if (ka != kb && ka != Shape.UnknownDim && kb != Shape.UnknownDim)
        {
            throw new ArgumentException(
                $"Matrix size-incompatible: In[0]: {a.Shape}, In[1]: {b.Shape} (transposeA={_transposeA}, transposeB={_transposeB}, " +
                $"{ka} vs {kb}) [Op:MatMul].");
        }

        Shape batch = DTypeRules.BroadcastShapes(Name, Shape.FromOwnedArray(da[..^2].ToArray()), Shape.FromOwnedArray(db[..^2].ToArray()));
        var dims = new int[batch.Rank + 2];
        batch.Dims.CopyTo(dims);
        dims[^2] = m;
        dims[^1] = n;
        return new TensorSpec(Shape.FromOwnedArray(dims), a.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => DTypeDispatch.Numeric(new Body(this), inputs, output, inputs[0].DType);

    // TensorFlow's _BatchMatMulV2Grad: each transpose combination reuses MatMul's own flags, so no explicit
    // transpose is materialised. Broadcast batch dimensions are summed back by the tape.
    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
    {
        Tensor a = inputs[0], b = inputs[1], g = upstream;
        Tensor? da = null, db = null;
        switch ((_transposeA, _transposeB))
        {
            case (false, false):
                da = needsGradient[0] ? Tf.MatMul(g, b, transposeB: true) : null;
                db = needsGradient[1] ? Tf.MatMul(a, g, transposeA: true) : null;
                break;
            case (false, true):
                da = needsGradient[0] ? Tf.MatMul(g, b) : null;
                db = needsGradient[1] ? Tf.MatMul(g, a, transposeA: true) : null;
                break;
            case (true, false):
                da = needsGradient[0] ? Tf.MatMul(b, g, transposeB: true) : null;
                db = needsGradient[1] ? Tf.MatMul(a, g) : null;
                break;
            default:
                da = needsGradient[0] ? Tf.MatMul(b, g, transposeA: true, transposeB: true) : null;
                db = needsGradient[1] ? Tf.MatMul(g, a, transposeA: true, transposeB: true) : null;
                break;
        }

        result[0] = da;
        result[1] = db;
    }

    private readonly struct Body(MatMulOp op) : INumericBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, INumber<T>
            => op.Run(o.In(0), o.In(1), o.Out, o.Input(0).Shape, o.Input(1).Shape, o.Output.Shape);
    }

    /// <summary>One GEMM per output matrix; broadcast batch dimensions map to input matrices by offset arithmetic.</summary>
    private void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, Shape sa, Shape sb, Shape sc)
        where T : unmanaged
    {
        ReadOnlySpan<int> da = sa.Dims, db = sb.Dims, dc = sc.Dims;
        int m = dc[^2], n = dc[^1];
        int k = _transposeA ? da[^2] : da[^1];
        int matA = da[^1] * da[^2], matB = db[^1] * db[^2], matC = m * n;
        int batchRank = dc.Length - 2;
        int batches = matC == 0 ? 0 : c.Length / matC;

        // Per batch axis (aligned to the output's): the step in matrices of A and B, 0 where broadcast.
        var stepA = new long[batchRank];
        var stepB = new long[batchRank];
        FillSteps(da[..^2], dc[..^2], stepA);
        FillSteps(db[..^2], dc[..^2], stepB);
        var index = new int[batchRank];
        long offA = 0, offB = 0;
        for (int batch = 0; batch < batches; batch++)
        {
            Multiply(a.Slice((int)offA * matA, matA), b.Slice((int)offB * matB, matB), c.Slice(batch * matC, matC), m, n, k);

            // Odometer increment over the output batch index, updating the input offsets incrementally.
            for (int axis = batchRank - 1; axis >= 0; axis--)
            {
                index[axis]++;
                offA += stepA[axis];
                offB += stepB[axis];
                if (index[axis] < dc[axis])
                {
                    break;
                }

                offA -= stepA[axis] * index[axis];
                offB -= stepB[axis] * index[axis];
                index[axis] = 0;
            }
        }
    }

    private static void FillSteps(ReadOnlySpan<int> input, ReadOnlySpan<int> output, long[] steps)
    {
        int lead = output.Length - input.Length;
        long stride = 1;
        for (int axis = output.Length - 1; axis >= 0; axis--)
        {
            int size = axis >= lead ? input[axis - lead] : 1;
            steps[axis] = size == 1 ? 0 : stride;
            stride *= size;
        }
    }

    private void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Gemm.Multiply(Cast<T, float>(a), Cast<T, float>(b), System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(c), m, n, k, _transposeA, _transposeB);
        }
        else if (typeof(T) == typeof(double))
        {
            Gemm.Multiply(Cast<T, double>(a), Cast<T, double>(b), System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(c), m, n, k, _transposeA, _transposeB);
        }
        else if (typeof(T) == typeof(int))
        {
            Gemm.Multiply(Cast<T, int>(a), Cast<T, int>(b), System.Runtime.InteropServices.MemoryMarshal.Cast<T, int>(c), m, n, k, _transposeA, _transposeB);
        }
        else
        {
            Gemm.Multiply(Cast<T, long>(a), Cast<T, long>(b), System.Runtime.InteropServices.MemoryMarshal.Cast<T, long>(c), m, n, k, _transposeA, _transposeB);
        }
    }

    private static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> span)
        where TFrom : unmanaged
        where TTo : unmanaged
        => System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, TTo>(span);
}
