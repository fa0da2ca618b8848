using System.Buffers;
using System.Numerics;
using Nabla.Kernels;

namespace Nabla;

/// <summary>An op's kernel over one numeric element type, run by <see cref="DTypeDispatch.Numeric{TBody}"/>.</summary>
internal interface INumericBody
{
    /// <summary>
    /// Runs the kernel with <typeparamref name="T"/> the storage type of the dispatched dtype: sbyte, byte, short, int, long, float,
    /// double, float for float16/bfloat16 (widened), and byte for bool (<see cref="DTypeDispatch.NumericOrBool{TBody}"/> only).
    /// </summary>
    void Run<T>(in Operands<T> operands)
        where T : unmanaged, INumber<T>;
}

/// <summary>An op's kernel over one floating element type, run by <see cref="DTypeDispatch.Float{TBody}"/>.</summary>
internal interface IFloatBody
{
    /// <summary>Runs the kernel with <typeparamref name="T"/> float (float32, and float16/bfloat16 widened) or double.</summary>
    void Run<T>(in Operands<T> operands)
        where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An op's kernel that moves elements without reading them, run by <see cref="DTypeDispatch.BySize{TBody}"/>.</summary>
internal interface IElementBody
{
    /// <summary>Runs the kernel with <typeparamref name="T"/> an integer type of the element's size (byte, short, int, long).</summary>
    void Run<T>(in Operands<T> operands)
        where T : unmanaged;
}

/// <summary>
/// The one dtype dispatch of the op layer: picks the element type of a dtype once per call and runs the op's
/// kernel body (a struct, so the JIT specialises each (body, element type) pair) over <see cref="Operands{T}"/>.
/// It owns the float16/bfloat16 step: such operands are widened to float32 in pooled buffers, the kernel computes
/// in float32 (as TensorFlow's CPU kernels do), the output is narrowed back, and every pooled buffer is returned
/// in a <c>finally</c>, whatever the kernel throws. Elementwise ops widen tile by tile instead
/// (<see cref="Elementwise"/>), so their scratch stays one tile per thread.
/// </summary>
internal static partial class DTypeDispatch
{
    /// <summary>Runs <paramref name="body"/> for the numeric <paramref name="dtype"/> (float16/bfloat16 widened to float).</summary>
    public static void Numeric<TBody>(TBody body, ReadOnlySpan<Tensor> inputs, Tensor output, DType dtype)
        where TBody : struct, INumericBody
    {
        WideBuffers none = default;
        switch (dtype.Code)
        {
            case DTypeCode.Bool: throw NoKernel("numeric", dtype);
            case DTypeCode.Int8: body.Run(new Operands<sbyte>(inputs, output, dtype, none)); break;
            case DTypeCode.UInt8: body.Run(new Operands<byte>(inputs, output, dtype, none)); break;
            case DTypeCode.Int16: body.Run(new Operands<short>(inputs, output, dtype, none)); break;
            case DTypeCode.Int32: body.Run(new Operands<int>(inputs, output, dtype, none)); break;
            case DTypeCode.Int64: body.Run(new Operands<long>(inputs, output, dtype, none)); break;
            case DTypeCode.Float32: body.Run(new Operands<float>(inputs, output, dtype, none)); break;
            case DTypeCode.Float64: body.Run(new Operands<double>(inputs, output, dtype, none)); break;
            default: NumericWidened(body, inputs, output, dtype); break;
        }
    }

    /// <summary>Runs <paramref name="body"/> for any <paramref name="dtype"/>: bool as its 0/1 bytes, the rest as <see cref="Numeric{TBody}"/>.</summary>
    public static void NumericOrBool<TBody>(TBody body, ReadOnlySpan<Tensor> inputs, Tensor output, DType dtype)
        where TBody : struct, INumericBody
    {
        if (dtype.Code == DTypeCode.Bool)
        {
            body.Run(new Operands<byte>(inputs, output, dtype, default));
            return;
        }

        Numeric(body, inputs, output, dtype);
    }

    /// <summary>Runs <paramref name="body"/> for the floating <paramref name="dtype"/> (float16/bfloat16 widened to float).</summary>
    public static void Float<TBody>(TBody body, ReadOnlySpan<Tensor> inputs, Tensor output, DType dtype)
        where TBody : struct, IFloatBody
    {
        WideBuffers none = default;
        switch (dtype.Code)
        {
            case DTypeCode.Float32: body.Run(new Operands<float>(inputs, output, dtype, none)); break;
            case DTypeCode.Float64: body.Run(new Operands<double>(inputs, output, dtype, none)); break;
            case DTypeCode.Float16 or DTypeCode.BFloat16: FloatWidened(body, inputs, output, dtype); break;
            default: throw NoKernel("floating", dtype);
        }
    }

    /// <summary>Runs <paramref name="body"/> with an integer type of <paramref name="dtype"/>'s element size (no widening).</summary>
    public static void BySize<TBody>(TBody body, ReadOnlySpan<Tensor> inputs, Tensor output, DType dtype)
        where TBody : struct, IElementBody
    {
        WideBuffers none = default;
        switch (dtype.Size)
        {
            case 1: body.Run(new Operands<byte>(inputs, output, dtype, none)); break;
            case 2: body.Run(new Operands<short>(inputs, output, dtype, none)); break;
            case 4: body.Run(new Operands<int>(inputs, output, dtype, none)); break;
            default: body.Run(new Operands<long>(inputs, output, dtype, none)); break;
        }
    }

    /// <summary>Widens float16/bfloat16 <paramref name="source"/> into <paramref name="destination"/> (exact).</summary>
    public static void Widen(ReadOnlySpan<ushort> source, DType dtype, Span<float> destination)
    {
        if (dtype.Code == DTypeCode.Float16)
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, Half>(source), destination);
        }
        else
        {
            Conversion.WidenBFloat16(System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, BFloat16>(source), destination);
        }
    }

    /// <summary>Narrows floats into float16/bfloat16 storage (round to nearest even).</summary>
    public static void Narrow(ReadOnlySpan<float> source, DType dtype, Span<ushort> destination)
    {
        if (dtype.Code == DTypeCode.Float16)
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(source, System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, Half>(destination));
        }
        else
        {
            Conversion.NarrowToBFloat16(source, System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, BFloat16>(destination));
        }
    }

    private static void NumericWidened<TBody>(TBody body, ReadOnlySpan<Tensor> inputs, Tensor output, DType dtype)
        where TBody : struct, INumericBody
    {
        WideBuffers wide = default;
        try
        {
            Rent(ref wide, inputs, output, dtype);
            body.Run(new Operands<float>(inputs, output, dtype, wide));
            NarrowOutput(wide, output);
        }
        finally
        {
            Return(ref wide);
        }
    }

    private static void FloatWidened<TBody>(TBody body, ReadOnlySpan<Tensor> inputs, Tensor output, DType dtype)
        where TBody : struct, IFloatBody
    {
        WideBuffers wide = default;
        try
        {
            Rent(ref wide, inputs, output, dtype);
            body.Run(new Operands<float>(inputs, output, dtype, wide));
            NarrowOutput(wide, output);
        }
        finally
        {
            Return(ref wide);
        }
    }

    // Every input and the output of the dispatched dtype get a float buffer; inputs of other dtypes stay as they are.
    private static void Rent(ref WideBuffers wide, ReadOnlySpan<Tensor> inputs, Tensor output, DType dtype)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            Tensor x = inputs[i];
            if (x.DType != dtype)
            {
                continue;
            }

            if (i >= WideBuffers.MaxInputs)
            {
                throw new NotSupportedException($"{dtype} kernels widen at most {WideBuffers.MaxInputs} inputs; input {i} is one more.");
            }

            float[] buffer = ArrayPool<float>.Shared.Rent(Math.Max(x.Size, 1));
            wide[i] = buffer;
            Widen(x.Read<ushort>(), dtype, buffer.AsSpan(0, x.Size));
        }

        if (output.DType == dtype)
        {
            wide.Output = ArrayPool<float>.Shared.Rent(Math.Max(output.Size, 1));
        }
    }

    private static void NarrowOutput(in WideBuffers wide, Tensor output)
    {
        if (wide.Output is { } result)
        {
            Narrow(result.AsSpan(0, output.Size), output.DType, output.Write<ushort>());
        }
    }

    private static void Return(ref WideBuffers wide)
    {
        for (int i = 0; i < WideBuffers.MaxInputs; i++)
        {
            if (wide[i] is { } buffer)
            {
                ArrayPool<float>.Shared.Return(buffer);
                wide[i] = null;
            }
        }

        if (wide.Output is { } output)
        {
            ArrayPool<float>.Shared.Return(output);
            wide.Output = null;
        }
    }

    private static InvalidOperationException NoKernel(string family, DType dtype)
        => new($"No {family} kernel for dtype {dtype}: the op's InferOutput should have refused it.");
}
