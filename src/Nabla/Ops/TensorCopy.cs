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
}
