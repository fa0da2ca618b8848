namespace Nabla;

/// <summary>The binary ops with a <see cref="SmallFloat"/> path.</summary>
internal enum SmallBinary : byte
{
    None,
    Add,
    Subtract,
    Multiply,
    Divide,
}

/// <summary>The unary ops with a <see cref="SmallFloat"/> path.</summary>
internal enum SmallUnary : byte
{
    None,
    Abs,
    Negate,
    Sign,
    Square,
}

/// <summary>
/// The start-up path of the commonest elementwise ops and of sums to one element on small float32/float64 tensors (at
/// most <see cref="MaxElements"/> elements): plain non-generic code, where the general path is generic code over the
/// element type and a kernel struct.
/// </summary>
/// <remarks>
/// Why it exists (issue 15, docs/ARCHITECTURE.md "Start-up"): the packages ship ReadyToRun images, but crossgen2 cannot
/// precompile the general path, so a fresh process JIT-compiles it, about 15 methods per op and element type, before
/// the first result. crossgen2 (.NET 10) leaves to the JIT every method that makes a constrained call to a static
/// abstract interface member (the kernel structs' <c>TKernel.Apply</c>, <c>T.IsNaN</c>, and TensorPrimitives' operators
/// inside System.Numerics.Tensors), and never compiles an override on a generic base class instantiated over a kernel
/// struct (<c>NumericBinaryOp&lt;MultiplyOp.Kernel&gt;.Forward</c>) because nothing it compiles calls it directly. This
/// class has neither, so it is precompiled. It computes the general path's bits: each element is one IEEE operation, as
/// in TensorPrimitives' vector loops (only which of two NaN operands' payloads a sum or product keeps is unspecified, on
/// both paths: the JIT may swap the operands of a commutative operation); float32 goes through double, which gives the
/// same float32 bits for +, -, *, / and x*x (double has more than twice float's precision, so rounding twice is exact).
/// </remarks>
internal static class SmallFloat
{
    /// <summary>The largest output this path takes; larger tensors are worth the vectorized kernels' JIT.</summary>
    public const int MaxElements = 32;

    /// <summary>
    /// Computes <paramref name="kind"/> into <paramref name="output"/> when both inputs are float32 or float64 with at
    /// most <see cref="MaxElements"/> elements, each either the output's size or a single element (the broadcasts of
    /// the seed's loop); returns false, writing nothing, otherwise.
    /// </summary>
    public static bool TryBinary(SmallBinary kind, ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0];
        Tensor y = inputs[1];
        int n = output.Size;
        if (kind == SmallBinary.None || n > MaxElements || x.DType != output.DType || y.DType != output.DType
            || (x.Size != n && x.Size != 1) || (y.Size != n && y.Size != 1))
        {
            return false;
        }

        // An input of the output's size broadcasts only by leading or unit dimensions, so its row-major order is the
        // output's: element i pairs with element i.
        if (output.DType == DType.Float64)
        {
            Binary(kind, x.Read<double>(), y.Read<double>(), output.Write<double>());
            return true;
        }

        if (output.DType != DType.Float32)
        {
            return false;
        }

        Span<double> wideX = stackalloc double[x.Size];
        Span<double> wideY = stackalloc double[y.Size];
        Span<double> wideZ = stackalloc double[n];
        Widen(x.Read<float>(), wideX);
        Widen(y.Read<float>(), wideY);
        Binary(kind, wideX, wideY, wideZ);
        Narrow(wideZ, output.Write<float>());
        return true;
    }

    /// <summary>
    /// Computes <paramref name="kind"/> of a float32/float64 <paramref name="x"/> of at most <see cref="MaxElements"/>
    /// elements into <paramref name="output"/>; returns false, writing nothing, otherwise.
    /// </summary>
    public static bool TryUnary(SmallUnary kind, Tensor x, Tensor output)
    {
        int n = output.Size;
        if (kind == SmallUnary.None || n > MaxElements || x.Size != n || x.DType != output.DType)
        {
            return false;
        }

        if (output.DType == DType.Float64)
        {
            Unary(kind, x.Read<double>(), output.Write<double>());
            return true;
        }

        if (output.DType != DType.Float32)
        {
            return false;
        }

        Span<double> wide = stackalloc double[n];
        Widen(x.Read<float>(), wide);
        Unary(kind, wide, wide);
        Narrow(wide, output.Write<float>());
        return true;
    }

    /// <summary>
    /// Sums a float32/float64 <paramref name="x"/> of 2 to <see cref="MaxElements"/> elements into a one-element
    /// <paramref name="output"/> (a sum over every axis longer than 1) with the very call the general path ends in
    /// (<see cref="Kernels.VectorSum"/>), skipping the generic reduction walk above it; returns false otherwise.
    /// </summary>
    public static bool TrySum(Tensor x, Tensor output)
    {
        if (output.Size != 1 || x.Size < 2 || x.Size > MaxElements || x.DType != output.DType)
        {
            return false;
        }

        if (x.DType == DType.Float32)
        {
            output.Write<float>()[0] = Kernels.VectorSum.Sum(x.Read<float>());
            return true;
        }

        if (x.DType != DType.Float64)
        {
            return false;
        }

        output.Write<double>()[0] = System.Numerics.Tensors.TensorPrimitives.Sum(x.Read<double>());
        return true;
    }

    // x and y each hold z.Length elements or one (a scalar broadcast: its stride is 0). z may be x or y.
    private static void Binary(SmallBinary kind, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z)
    {
        int sx = x.Length == 1 ? 0 : 1;
        int sy = y.Length == 1 ? 0 : 1;
        switch (kind)
        {
            case SmallBinary.Add:
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = x[i * sx] + y[i * sy];
                }

                break;
            case SmallBinary.Subtract:
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = x[i * sx] - y[i * sy];
                }

                break;
            case SmallBinary.Multiply:
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = x[i * sx] * y[i * sy];
                }

                break;
            default:
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = x[i * sx] / y[i * sy];
                }

                break;
        }
    }

    // The kernels' semantics: Sign keeps NaN and signed zeros (v > 0 ? 1 : v < 0 ? -1 : v). y may be x.
    private static void Unary(SmallUnary kind, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            double v = x[i];
            y[i] = kind switch
            {
                SmallUnary.Abs => Math.Abs(v),
                SmallUnary.Negate => -v,
                SmallUnary.Sign => v > 0 ? 1 : v < 0 ? -1 : v,
                _ => v * v,
            };
        }
    }

    private static void Widen(ReadOnlySpan<float> source, Span<double> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    private static void Narrow(ReadOnlySpan<double> source, Span<float> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = (float)source[i];
        }
    }
}
