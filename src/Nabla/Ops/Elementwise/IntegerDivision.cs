namespace Nabla;

/// <summary>Shared checks of the integer division ops (FloorDiv, FloorMod).</summary>
internal static class IntegerDivision
{
    /// <summary>
    /// Throws TensorFlow's error when an integer divisor holds a zero, before any kernel runs, so that the message
    /// can name the op, the shapes and the dtype (a kernel sees only spans).
    /// </summary>
    public static void CheckDivisor(string op, Tensor x, Tensor y)
    {
        bool zero = y.DType.Code switch
        {
            DTypeCode.Int8 => y.Read<sbyte>().Contains((sbyte)0),
            DTypeCode.UInt8 => y.Read<byte>().Contains((byte)0),
            DTypeCode.Int16 => y.Read<short>().Contains((short)0),
            DTypeCode.Int32 => y.Read<int>().Contains(0),
            DTypeCode.Int64 => y.Read<long>().Contains(0L),
            _ => false,
        };
        if (zero)
        {
            throw new ArgumentException(
                $"Integer division by zero [Op:{op}]: the divisor of shape {y.Shape} holds a 0 (dividend of shape {x.Shape}, dtype {x.DType}).");
        }
    }
}
