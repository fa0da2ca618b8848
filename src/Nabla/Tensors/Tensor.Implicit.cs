namespace Nabla;

// Generated shape: one implicit conversion per element type and rank (scalar, 1-D to 4-D arrays; the 8- and
// 16-bit integers have arrays only, so a C# int literal never turns into a narrow scalar). 1-D
// arrays take the typed FromVector path (no reflection on the array type); small ints are cached (ScalarCache).
// Every tensor made this way is weakly typed (see Tensor.IsWeak): in an op it adopts the dtype of the
// tensor beside it, as API.md specifies for C# values.
public partial class Tensor
{
    /// <summary>A weakly typed scalar tensor of dtype bool.</summary>
    public static implicit operator Tensor(bool value) => Scalar(value, weak: true);

    /// <summary>A weakly typed bool tensor with the array's shape.</summary>
    public static implicit operator Tensor(bool[] values) => FromVector(values, weak: true);

    /// <summary>A weakly typed bool tensor with the array's shape.</summary>
    public static implicit operator Tensor(bool[,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed bool tensor with the array's shape.</summary>
    public static implicit operator Tensor(bool[,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed bool tensor with the array's shape.</summary>
    public static implicit operator Tensor(bool[,,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed int8 tensor with the array's shape.</summary>
    public static implicit operator Tensor(sbyte[] values) => FromVector(values, weak: true);

    /// <summary>A weakly typed int8 tensor with the array's shape.</summary>
    public static implicit operator Tensor(sbyte[,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed int8 tensor with the array's shape.</summary>
    public static implicit operator Tensor(sbyte[,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed int8 tensor with the array's shape.</summary>
    public static implicit operator Tensor(sbyte[,,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed uint8 tensor with the array's shape.</summary>
    public static implicit operator Tensor(byte[] values) => FromVector(values, weak: true);

    /// <summary>A weakly typed uint8 tensor with the array's shape.</summary>
    public static implicit operator Tensor(byte[,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed uint8 tensor with the array's shape.</summary>
    public static implicit operator Tensor(byte[,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed uint8 tensor with the array's shape.</summary>
    public static implicit operator Tensor(byte[,,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed int16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(short[] values) => FromVector(values, weak: true);

    /// <summary>A weakly typed int16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(short[,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed int16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(short[,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed int16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(short[,,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed scalar tensor of dtype int32.</summary>
    public static implicit operator Tensor(int value) => ScalarCache.WeakInt32(value);

    /// <summary>A weakly typed int32 tensor with the array's shape.</summary>
    public static implicit operator Tensor(int[] values) => FromVector(values, weak: true);

    /// <summary>A weakly typed int32 tensor with the array's shape.</summary>
    public static implicit operator Tensor(int[,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed int32 tensor with the array's shape.</summary>
    public static implicit operator Tensor(int[,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed int32 tensor with the array's shape.</summary>
    public static implicit operator Tensor(int[,,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed scalar tensor of dtype int64.</summary>
    public static implicit operator Tensor(long value) => Scalar(value, weak: true);

    /// <summary>A weakly typed int64 tensor with the array's shape.</summary>
    public static implicit operator Tensor(long[] values) => FromVector(values, weak: true);

    /// <summary>A weakly typed int64 tensor with the array's shape.</summary>
    public static implicit operator Tensor(long[,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed int64 tensor with the array's shape.</summary>
    public static implicit operator Tensor(long[,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed int64 tensor with the array's shape.</summary>
    public static implicit operator Tensor(long[,,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed scalar tensor of dtype float16.</summary>
    public static implicit operator Tensor(Half value) => Scalar(value, weak: true);

    /// <summary>A weakly typed float16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(Half[] values) => FromVector(values, weak: true);

    /// <summary>A weakly typed float16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(Half[,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed float16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(Half[,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed float16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(Half[,,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed scalar tensor of dtype bfloat16.</summary>
    public static implicit operator Tensor(BFloat16 value) => Scalar(value, weak: true);

    /// <summary>A weakly typed bfloat16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(BFloat16[] values) => FromVector(values, weak: true);

    /// <summary>A weakly typed bfloat16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(BFloat16[,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed bfloat16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(BFloat16[,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed bfloat16 tensor with the array's shape.</summary>
    public static implicit operator Tensor(BFloat16[,,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed scalar tensor of dtype float32.</summary>
    public static implicit operator Tensor(float value) => Scalar(value, weak: true);

    /// <summary>A weakly typed float32 tensor with the array's shape.</summary>
    public static implicit operator Tensor(float[] values) => FromVector(values, weak: true);

    /// <summary>A weakly typed float32 tensor with the array's shape.</summary>
    public static implicit operator Tensor(float[,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed float32 tensor with the array's shape.</summary>
    public static implicit operator Tensor(float[,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed float32 tensor with the array's shape.</summary>
    public static implicit operator Tensor(float[,,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed scalar tensor of dtype float64.</summary>
    public static implicit operator Tensor(double value) => Scalar(value, weak: true);

    /// <summary>A weakly typed float64 tensor with the array's shape.</summary>
    public static implicit operator Tensor(double[] values) => FromVector(values, weak: true);

    /// <summary>A weakly typed float64 tensor with the array's shape.</summary>
    public static implicit operator Tensor(double[,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed float64 tensor with the array's shape.</summary>
    public static implicit operator Tensor(double[,,] values) => FromArray(values, weak: true);

    /// <summary>A weakly typed float64 tensor with the array's shape.</summary>
    public static implicit operator Tensor(double[,,,] values) => FromArray(values, weak: true);

}
