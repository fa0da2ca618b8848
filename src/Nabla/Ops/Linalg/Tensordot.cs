namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Tensor contraction over the last <paramref name="axes"/> dimensions of <paramref name="a"/> and the first
    /// <paramref name="axes"/> dimensions of <paramref name="b"/> (0 gives the outer product).
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="axes"/> exceeds a rank or the contracted sizes differ.</exception>
    public static Tensor Tensordot(Tensor a, Tensor b, int axes)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (axes < 0 || axes > a.Rank || axes > b.Rank)
        {
            throw new ArgumentException(
                $"Tensordot: axes={axes} must be in [0, min(rank)] for shapes {a.Shape} and {b.Shape} ({a.DType}, {b.DType}).", nameof(axes));
        }

        var axesA = new int[axes];
        var axesB = new int[axes];
        for (int i = 0; i < axes; i++)
        {
            axesA[i] = a.Rank - axes + i;
            axesB[i] = i;
        }

        return Tensordot(a, b, axesA, axesB);
    }

    /// <summary>
    /// Tensor contraction of axis <c>axesA[i]</c> of <paramref name="a"/> with axis <c>axesB[i]</c> of
    /// <paramref name="b"/>; the result has a's free axes then b's free axes. Built from Transpose, Reshape and MatMul.
    /// </summary>
    /// <exception cref="ArgumentException">When the axis lists differ in length, repeat or are out of range, or the sizes differ.</exception>
    public static Tensor Tensordot(Tensor a, Tensor b, int[] axesA, int[] axesB)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(axesA);
        ArgumentNullException.ThrowIfNull(axesB);
        DTypeRules.Unify("Tensordot", ref a, ref b);
        if (axesA.Length != axesB.Length)
        {
            throw new ArgumentException(
                $"Tensordot: {axesA.Length} axes of a {Shape.Format(axesA)} but {axesB.Length} of b {Shape.Format(axesB)} " +
                $"for shapes {a.Shape} and {b.Shape}.");
        }

        int[] ca = NormalizeContracted(axesA, a, b);
        int[] cb = NormalizeContracted(axesB, b, a);
        int contracted = 1;
        for (int i = 0; i < ca.Length; i++)
        {
            if (a.Shape[ca[i]] != b.Shape[cb[i]])
            {
                throw new ArgumentException(
                    $"Tensordot: axis {ca[i]} of a (size {a.Shape[ca[i]]}) does not match axis {cb[i]} of b (size {b.Shape[cb[i]]}) " +
                    $"for shapes {a.Shape} and {b.Shape}.");
            }

            contracted *= a.Shape[ca[i]];
        }

        (int[] permA, int[] freeA, int sizeA) = Arrange(a.Shape, ca, freeFirst: true);
        (int[] permB, int[] freeB, int sizeB) = Arrange(b.Shape, cb, freeFirst: false);
        Tensor ma = Reshape(IsIdentity(permA) ? a : Transpose(a, permA), [sizeA, contracted]);
        Tensor mb = Reshape(IsIdentity(permB) ? b : Transpose(b, permB), [contracted, sizeB]);
        var dims = new int[freeA.Length + freeB.Length];
        freeA.CopyTo(dims, 0);
        freeB.CopyTo(dims, freeA.Length);
        return Reshape(MatMul(ma, mb), dims);
    }

    private static int[] NormalizeContracted(int[] axes, Tensor x, Tensor other)
    {
        var result = new int[axes.Length];
        var seen = new bool[x.Rank];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = axes[i] < 0 ? axes[i] + x.Rank : axes[i];
            if ((uint)a >= (uint)x.Rank || seen[a])
            {
                throw new ArgumentException(
                    $"Tensordot: invalid or repeated axis {axes[i]} in {Shape.Format(axes)} for a tensor of shape {x.Shape} " +
                    $"(other operand {other.Shape}, dtype {x.DType}).");
            }

            seen[a] = true;
            result[i] = a;
        }

        return result;
    }

    // The permutation putting the free axes first (for a) or last (for b), the free dimensions, and their product.
    private static (int[] Perm, int[] Free, int FreeSize) Arrange(Shape shape, int[] contracted, bool freeFirst)
    {
        var isContracted = new bool[shape.Rank];
        foreach (int a in contracted)
        {
            isContracted[a] = true;
        }

        var free = new List<int>();
        for (int i = 0; i < shape.Rank; i++)
        {
            if (!isContracted[i])
            {
                free.Add(i);
            }
        }

        var perm = new int[shape.Rank];
        var freeDims = new int[free.Count];
        int size = 1;
        for (int i = 0; i < free.Count; i++)
        {
            freeDims[i] = shape[free[i]];
            size *= freeDims[i];
        }

        int offset = freeFirst ? 0 : contracted.Length;
        free.CopyTo(perm, offset);
        contracted.CopyTo(perm, freeFirst ? free.Count : 0);
        return (perm, freeDims, size);
    }

    private static bool IsIdentity(int[] perm)
    {
        for (int i = 0; i < perm.Length; i++)
        {
            if (perm[i] != i)
            {
                return false;
            }
        }

        return true;
    }
}
