using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>The recurrent cells the fused sequence kernels run (Keras's formulas and gate orders).</summary>
internal enum RecurrentCell
{
    /// <summary>h = tanh(x·W + b + h·U): one gate.</summary>
    SimpleTanh,

    /// <summary>h = relu(x·W + b + h·U).</summary>
    SimpleRelu,

    /// <summary>Gates i, f, c, o (in that order); c = f·c + i·tanh(z_c), h = o·tanh(c); state [h, c].</summary>
    Lstm,

    /// <summary>Gates z, r, h; the reset gate multiplies h·U_h + b_h (Keras's default, cuDNN-compatible).</summary>
    GruResetAfter,

    /// <summary>Gates z, r, h; the reset gate multiplies h before U_h (the original GRU).</summary>
    GruResetBefore,
}

/// <summary>
/// Whole-sequence recurrent loops over contiguous row-major spans. Layout: the input projection <c>x·W + b</c> is
/// (batch, time, gates·units), the states written are (batch, time, stateCount·units) ([h] or [h, c] per step),
/// initial states are (batch, units), the recurrent kernel is (units, gates·units) and the mask, when not empty,
/// is (batch, time): a false step carries the previous state unchanged. Each step is one GEMM of the previous
/// hidden state by the recurrent kernel for all gates (two for <see cref="RecurrentCell.GruResetBefore"/>), then
/// the gates row by row.
/// </summary>
internal static class RecurrentKernels
{
    /// <summary>Gate blocks per cell (columns of the recurrent kernel, in units).</summary>
    public static int Gates(RecurrentCell cell) => cell switch
    {
        RecurrentCell.Lstm => 4,
        RecurrentCell.GruResetAfter or RecurrentCell.GruResetBefore => 3,
        _ => 1,
    };

    /// <summary>State tensors per cell: 2 for the LSTM (h and c), 1 otherwise.</summary>
    public static int States(RecurrentCell cell) => cell == RecurrentCell.Lstm ? 2 : 1;

    /// <summary>Runs the cell over every step; see the class remarks for the layouts.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="xw">The input projection, (batch, time, gates·units).</param>
    /// <param name="recurrentKernel">(units, gates·units).</param>
    /// <param name="recurrentBias">(gates·units) for <see cref="RecurrentCell.GruResetAfter"/>, or empty.</param>
    /// <param name="h0">(batch, units).</param>
    /// <param name="c0">(batch, units) for the LSTM, else empty.</param>
    /// <param name="mask">(batch, time), or empty for no mask.</param>
    /// <param name="states">Output: (batch, time, states·units).</param>
    /// <param name="batch">The batch size.</param>
    /// <param name="time">The number of steps.</param>
    /// <param name="units">The state size.</param>
    public static void Run<T>(RecurrentCell cell, ReadOnlySpan<T> xw, ReadOnlySpan<T> recurrentKernel, ReadOnlySpan<T> recurrentBias,
        ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, ReadOnlySpan<bool> mask, Span<T> states, int batch, int time, int units)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int gates = Gates(cell), stateCount = States(cell), width = gates * units;
        var h = h0.ToArray();
        var c = c0.ToArray();
        var z = new T[batch * width];
        var scratch = new T[units];

        // The reset-before GRU multiplies (r·h) by the candidate block separately: split U into [U_zr | U_h] once.
        T[] uzr = [], uh = [], rh = [], candidate = [];
        if (cell == RecurrentCell.GruResetBefore)
        {
            (uzr, uh) = SplitColumns(recurrentKernel, units, 2 * units, units);
            rh = new T[batch * units];
            candidate = new T[batch * units];
        }

        for (int t = 0; t < time; t++)
        {
            if (cell == RecurrentCell.GruResetBefore)
            {
                MatMul<T>(h, uzr, z.AsSpan(0, batch * 2 * units), batch, 2 * units, units);
                for (int b = 0; b < batch; b++)
                {
                    GruResetBeforeGates(xw.Slice(((b * time) + t) * width, width), z.AsSpan(b * 2 * units, 2 * units),
                        h.AsSpan(b * units, units), rh.AsSpan(b * units, units), units);
                }

                MatMul<T>(rh, uh, candidate, batch, units, units);
            }
            else
            {
                MatMul(h, recurrentKernel, z, batch, width, units);
            }

            for (int b = 0; b < batch; b++)
            {
                int row = (b * time) + t;
                Span<T> hRow = h.AsSpan(b * units, units);
                if (mask.IsEmpty || mask[row])
                {
                    ReadOnlySpan<T> xRow = xw.Slice(row * width, width);
                    switch (cell)
                    {
                        case RecurrentCell.SimpleTanh:
                            TensorPrimitives.Add(z.AsSpan(b * units, units), xRow, hRow);
                            VectorTanh.Apply(hRow, hRow);
                            break;
                        case RecurrentCell.SimpleRelu:
                            TensorPrimitives.Add(z.AsSpan(b * units, units), xRow, hRow);
                            TensorPrimitives.Max(hRow, T.Zero, hRow);
                            break;
                        case RecurrentCell.Lstm:
                            LstmStep(xRow, z.AsSpan(b * width, width), hRow, c.AsSpan(b * units, units), units);
                            break;
                        case RecurrentCell.GruResetAfter:
                            GruResetAfterStep(xRow, z.AsSpan(b * width, width), recurrentBias, hRow, scratch, units);
                            break;
                        default:
                            GruResetBeforeStep(xRow, z.AsSpan(b * 2 * units, 2 * units), candidate.AsSpan(b * units, units), hRow, units);
                            break;
                    }
                }

                Span<T> outRow = states.Slice(row * stateCount * units, stateCount * units);
                hRow.CopyTo(outRow);
                if (stateCount == 2)
                {
                    c.AsSpan(b * units, units).CopyTo(outRow[units..]);
                }
            }
        }
    }

    // z holds h·U for the gates i, f, c, o; becomes the activated gates in place.
    private static void LstmStep<T>(ReadOnlySpan<T> x, Span<T> z, Span<T> h, Span<T> c, int units)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Add(z, x, z);
        Span<T> i = z[..units], f = z.Slice(units, units), g = z.Slice(2 * units, units), o = z.Slice(3 * units, units);
        VectorSigmoid.Sigmoid<T>(z[..(2 * units)], z[..(2 * units)]);
        VectorTanh.Apply(g, g);
        VectorSigmoid.Sigmoid<T>(o, o);
        TensorPrimitives.Multiply(f, c, c);
        TensorPrimitives.MultiplyAdd(i, g, c, c);
        VectorTanh.Apply(c, h);
        TensorPrimitives.Multiply(o, h, h);
    }

    // z holds h·U for the gates z, r, h (before the recurrent bias). h ← hh + zg·(h − hh).
    private static void GruResetAfterStep<T>(ReadOnlySpan<T> x, Span<T> m, ReadOnlySpan<T> recurrentBias, Span<T> h, Span<T> hh, int units)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!recurrentBias.IsEmpty)
        {
            TensorPrimitives.Add(m, recurrentBias, m);
        }

        Span<T> zr = m[..(2 * units)], mh = m.Slice(2 * units, units);
        TensorPrimitives.Add(zr, x[..(2 * units)], zr);
        VectorSigmoid.Sigmoid<T>(zr, zr);
        TensorPrimitives.MultiplyAdd(m.Slice(units, units), mh, x.Slice(2 * units, units), hh);
        VectorTanh.Apply(hh, hh);
        Blend(m[..units], h, hh);
    }

    // First half of a reset-before GRU step: the z and r gates (in place in zr) and r·h for the candidate product.
    private static void GruResetBeforeGates<T>(ReadOnlySpan<T> x, Span<T> zr, ReadOnlySpan<T> h, Span<T> rh, int units)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Add(zr, x[..(2 * units)], zr);
        VectorSigmoid.Sigmoid<T>(zr, zr);
        TensorPrimitives.Multiply(zr.Slice(units, units), h, rh);
    }

    // Second half: hh = tanh(x_h + (r·h)·U_h), then the update blend.
    private static void GruResetBeforeStep<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> zr, Span<T> candidate, Span<T> h, int units)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Add(candidate, x.Slice(2 * units, units), candidate);
        VectorTanh.Apply(candidate, candidate);
        Blend(zr[..units], h, candidate);
    }

    // h ← z·h + (1 − z)·hh, computed as hh + z·(h − hh).
    private static void Blend<T>(ReadOnlySpan<T> z, Span<T> h, ReadOnlySpan<T> hh)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Subtract(h, hh, h);
        TensorPrimitives.MultiplyAdd(z, h, hh, h);
    }

    private static (T[] Left, T[] Right) SplitColumns<T>(ReadOnlySpan<T> matrix, int rows, int left, int right)
        where T : unmanaged
    {
        var a = new T[rows * left];
        var b = new T[rows * right];
        for (int r = 0; r < rows; r++)
        {
            matrix.Slice(r * (left + right), left).CopyTo(a.AsSpan(r * left, left));
            matrix.Slice((r * (left + right)) + left, right).CopyTo(b.AsSpan(r * right, right));
        }

        return (a, b);
    }

    private static void MatMul<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Gemm.Multiply(MemoryMarshal.Cast<T, float>(a), MemoryMarshal.Cast<T, float>(b), MemoryMarshal.Cast<T, float>(c), m, n, k, false, false);
        }
        else
        {
            Gemm.Multiply(MemoryMarshal.Cast<T, double>(a), MemoryMarshal.Cast<T, double>(b), MemoryMarshal.Cast<T, double>(c), m, n, k, false, false);
        }
    }
}
