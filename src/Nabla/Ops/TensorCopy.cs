using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// Turns tensors into the spans of <see cref="StridedCopy"/> (kernels never see a <see cref="Tensor"/>, ARCHITECTURE.md
/// P7): elements move by size only (1/2/4/8 bytes), so every dtype shares one instantiation per width.
/// </summary>
internal static class TensorCopy
{
    /// <summary>Dispatches <see cref="StridedCopy.Run{T}"/> on the element size of <paramref name="src"/>.</summary>
    public static void Strided(Tensor src, int srcOffset, int[] srcStrides, Tensor dst, int dstOffset, int[] dstStrides, int[] dims)
    {
        switch (src.DType.Size)
        {
            case 1: StridedCopy.Run(src.Read<byte>(), srcOffset, srcStrides, dst.Write<byte>(), dstOffset, dstStrides, dims); break;
            case 2: StridedCopy.Run(src.Read<short>(), srcOffset, srcStrides, dst.Write<short>(), dstOffset, dstStrides, dims); break;
            case 4: StridedCopy.Run(src.Read<int>(), srcOffset, srcStrides, dst.Write<int>(), dstOffset, dstStrides, dims); break;
            default: StridedCopy.Run(src.Read<long>(), srcOffset, srcStrides, dst.Write<long>(), dstOffset, dstStrides, dims); break;
        }
    }

    /// <summary>Zeroes <paramref name="tensor"/>'s elements (all-zero bits are zero in every dtype).</summary>
    public static void Clear(Tensor tensor)
    {
        switch (tensor.DType.Size)
        {
            case 1: tensor.Write<byte>().Clear(); break;
            case 2: tensor.Write<short>().Clear(); break;
            case 4: tensor.Write<int>().Clear(); break;
            default: tensor.Write<long>().Clear(); break;
        }
    }
}
