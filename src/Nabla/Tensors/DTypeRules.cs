namespace Nabla;

/// <summary>
/// The dtype rules of TAPE-SEMANTICS.md §3.8 in one place: tensors are strongly typed, C# values given to an op
/// are weak and take the dtype of the tensor beside them, and shapes broadcast as NumPy's do.
/// </summary>
internal static class DTypeRules
{
    /// <summary>
    /// Makes two binary-op operands agree on a dtype: a weak operand converts to the strong one's dtype; two weak
    /// operands take the array's dtype over the scalar's, then the wider; two strong ones must already agree.
    /// </summary>
    /// <param name="op">The op's name, for error messages.</param>
    /// <param name="x">The first operand, replaced by its conversion.</param>
    /// <param name="y">The second operand, replaced by its conversion.</param>
    /// <param name="inputsOnly">
    /// True when the converted operands are only op inputs, never returned to the caller: a cached small C#
    /// integer may then convert to a shared cached scalar (<see cref="ScalarCache"/>).
    /// </param>
    public static void Unify(string op, ref Tensor x, ref Tensor y, bool inputsOnly = false)
    {
        if (x.DType == y.DType)
        {
            return;
        }

        if (x.IsWeak && !y.IsWeak)
        {
            x = (inputsOnly ? ScalarCache.ConvertedInput(x, y.DType) : null) ?? ConvertWeak(x, y.DType, op);
        }
        else if (y.IsWeak && !x.IsWeak)
        {
            y = (inputsOnly ? ScalarCache.ConvertedInput(y, x.DType) : null) ?? ConvertWeak(y, x.DType, op);
        }
        else if (x.IsWeak && y.IsWeak)
        {
            bool xWins = x.Rank != y.Rank ? x.Rank > y.Rank : x.DType.Code > y.DType.Code;
            if (xWins)
            {
                y = ConvertWeak(y, x.DType, op);
            }
            else
            {
                x = ConvertWeak(x, y.DType, op);
            }
        }
        else
        {
            throw new ArgumentException(
                $"cannot compute {op} as input #1(zero-based) was expected to be a {x.DType} tensor but is a {y.DType} tensor " +
                $"(shapes {x.Shape} and {y.Shape}) [Op:{op}]. Tensors are strongly typed: convert one with Tf.Cast.");
        }
    }

    /// <summary>
    /// Converts a weakly typed C# value to <paramref name="dtype"/>. Like TensorFlow's Python-scalar conversion it
    /// refuses to lose the value itself: a fractional or non-finite number does not become an integer.
    /// </summary>
    public static Tensor ConvertWeak(Tensor value, DType dtype, string op)
    {
        if (value.DType == dtype)
        {
            return value;
        }

        if (dtype == DType.Bool && value.DType != DType.Bool)
        {
            // TensorFlow refuses numbers where a bool is expected (tf.equal(bools, 1) is a TypeError); C# true and
            // false are the weak bool values.
            string shown = value.Size == 1 ? ConvertDirect(value, DType.Float64).Read<double>()[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : $"a {value.DType} value of shape {value.Shape}";
            throw new ArgumentException($"Cannot convert {shown} to EagerTensor of dtype bool in {op}.");
        }

        if (dtype.IsNarrowInteger && value.DType != DType.Bool)
        {
            // TensorFlow refuses a Python number out of a narrow dtype's range (uint8 + 300) rather than wrapping it.
            (double min, double max) = dtype.Code switch
            {
                DTypeCode.Int8 => (sbyte.MinValue, sbyte.MaxValue),
                DTypeCode.UInt8 => (byte.MinValue, byte.MaxValue),
                _ => ((double)short.MinValue, (double)short.MaxValue),
            };
            foreach (double d in ConvertDirect(value, DType.Float64).Read<double>())
            {
                if (d < min || d > max)
                {
                    throw new ArgumentException(
                        $"Cannot convert {d.ToString(System.Globalization.CultureInfo.InvariantCulture)} to EagerTensor of dtype {dtype} in {op}: it is out of range [{min}, {max}].");
                }
            }
        }

        if (dtype.IsInteger && value.DType.IsFloating)
        {
            Tensor asDouble = ConvertDirect(value, DType.Float64);
            foreach (double d in asDouble.Read<double>())
            {
                if (d != Math.Floor(d) || double.IsInfinity(d))
                {
                    throw new ArgumentException(
                        $"Cannot convert {d.ToString(System.Globalization.CultureInfo.InvariantCulture)} to a tensor of dtype {dtype} in {op}: it is not an integer.");
                }
            }
        }

        // A C# value is a constant: convert its elements directly rather than dispatching a Cast op. Only when
        // a tape records may the value have been watched (then the Cast must be on the tape).
        Tensor converted = TapeStack.AnyRecording ? Tf.Cast(value, dtype) : ConvertDirect(value, dtype);
        if (dtype.IsInteger && value.DType != DType.Bool)
        {
            RequireInRange(value, converted, dtype, op);
        }

        return converted;
    }

    // A C# long (or double) beyond the integer dtype's range would be clamped or wrapped by Cast; TensorFlow refuses
    // it ("Cannot convert 1099511627776 to EagerTensor of dtype int32"). The round trip back to the value's own
    // dtype finds any element that did not survive, whatever the integer dtype.
    private static void RequireInRange(Tensor value, Tensor converted, DType dtype, string op)
    {
        if (value.DType.IsInteger && value.DType.Size <= dtype.Size)
        {
            return; // a widening integer conversion always fits
        }

        Tensor back = ConvertDirect(converted, DType.Float64);
        Tensor original = ConvertDirect(value, DType.Float64);
        ReadOnlySpan<double> b = back.Read<double>();
        ReadOnlySpan<double> o = original.Read<double>();
        for (int i = 0; i < o.Length; i++)
        {
            if (b[i] != o[i])
            {
                string shown = value.DType == DType.Int64
                    ? value.Read<long>()[i].ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : o[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw new ArgumentException(
                    $"Cannot convert {shown} to EagerTensor of dtype {dtype} in {op}: it is out of the dtype's range.");
            }
        }
    }

    /// <summary>A strong copy of <paramref name="value"/>'s elements converted to <paramref name="dtype"/> (Cast's kernel, no dispatch).</summary>
    internal static Tensor ConvertDirect(Tensor value, DType dtype)
    {
        int size = value.Size;
        Array buffer = Storage.Allocate(dtype, size);
        Kernels.Conversion.Convert(value.Buffer, value.DType, buffer, dtype, size);
        return new Tensor(buffer, value.Shape, dtype, size, isWeak: false);
    }

    /// <summary>NumPy's broadcast of two shapes, or an error naming the op and both shapes.</summary>
    public static Shape BroadcastShapes(string op, Shape a, Shape b)
    {
        ReadOnlySpan<int> x = a.Dims;
        ReadOnlySpan<int> y = b.Dims;

        // The common cases (equal shapes, a scalar or a row against a matrix) give one of the inputs' shapes:
        // answer with it and keep its dimension array rather than building a new one.
        if (x.Length == 0 || x.SequenceEqual(y))
        {
            return b;
        }

        if (y.Length == 0)
        {
            return a;
        }

        int rank = Math.Max(x.Length, y.Length);
        if (Covers(x, y))
        {
            return a;
        }

        if (Covers(y, x))
        {
            return b;
        }

        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int dx = i < rank - x.Length ? 1 : x[i - (rank - x.Length)];
            int dy = i < rank - y.Length ? 1 : y[i - (rank - y.Length)];
            if (dx == Shape.UnknownDim || dy == Shape.UnknownDim)
            {
                // A traced shape: an unknown dimension takes a known one other than 1 (TensorFlow assumes they match).
                int known = dx == Shape.UnknownDim ? dy : dx;
                dims[i] = known is Shape.UnknownDim or 1 ? Shape.UnknownDim : known;
                continue;
            }

            if (dx != dy && dx != 1 && dy != 1)
            {
                throw new ArgumentException($"Incompatible shapes: {a} vs. {b} [Op:{op}]. They do not broadcast: dimension {i} is {dx} and {dy}.");
            }

            dims[i] = dx == 1 ? dy : dx;
        }

        return Shape.FromOwnedArray(dims);
    }

    /// <summary>Whether <paramref name="big"/> is the broadcast of itself with <paramref name="small"/>.</summary>
    private static bool Covers(ReadOnlySpan<int> big, ReadOnlySpan<int> small)
    {
        if (small.Length > big.Length)
        {
            return false;
        }

        int lead = big.Length - small.Length;
        for (int i = 0; i < small.Length; i++)
        {
            // An unknown dimension of big covers only an equal (unknown) one, and an unknown one of small is covered
            // only by k > 1 (against 1 the result stays unknown).
            if (small[i] != 1 && small[i] != big[lead + i] && !(big[lead + i] > 1 && small[i] == Shape.UnknownDim))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws unless <paramref name="dtype"/> is one of those <paramref name="op"/> supports.</summary>
    public static void Require(string op, DType dtype, DTypeSet allowed, Shape shape)
    {
        if (!allowed.Contains(dtype))
        {
            throw new ArgumentException(
                $"{op} does not support dtype {dtype} (input of shape {shape}); it takes {allowed}. Use Tf.Cast to convert.");
        }
    }
}

/// <summary>A set of dtypes an op accepts, with a readable listing for error messages.</summary>
internal readonly record struct DTypeSet(int Mask)
{
    // Computed once: ops built per call (reductions with axes) read these in their constructors.
    public static DTypeSet Floating { get; } = Of(DType.Float16, DType.BFloat16, DType.Float32, DType.Float64);

    public static DTypeSet Numeric { get; } = Floating | Of(DType.Int8, DType.UInt8, DType.Int16, DType.Int32, DType.Int64);

    // The dtypes of TensorFlow's CPU MatMul, Einsum and random integers: no 8- or 16-bit integers.
    public static DTypeSet WideNumeric { get; } = Floating | Of(DType.Int32, DType.Int64);

    public static DTypeSet All { get; } = Numeric | Of(DType.Bool);

    public static DTypeSet BoolOnly { get; } = Of(DType.Bool);

    public static DTypeSet Of(params ReadOnlySpan<DType> dtypes)
    {
        int mask = 0;
        foreach (DType d in dtypes)
        {
            mask |= 1 << (int)d.Code;
        }

        return new DTypeSet(mask);
    }

    public bool Contains(DType dtype) => (Mask & (1 << (int)dtype.Code)) != 0;

    public static DTypeSet operator |(DTypeSet a, DTypeSet b) => new(a.Mask | b.Mask);

    public override string ToString()
    {
        var names = new List<string>();
        foreach (DType d in DType.All)
        {
            if (Contains(d))
            {
                names.Add(d.Name);
            }
        }

        return string.Join(", ", names);
    }
}
