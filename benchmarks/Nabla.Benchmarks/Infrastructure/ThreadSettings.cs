namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// Sets the number of threads each library may use for one benchmark case; a 1-thread case also pins the whole
/// process to one core (<see cref="CorePinning"/>), for both libraries alike.
/// </summary>
public static class ThreadSettings
{
    /// <summary>Nabla: the matrix-multiply kernels and the kernel work partitioner (elementwise, reductions).</summary>
    public static void SetNabla(int threads)
    {
        CorePinning.Apply(threads);
        Kernels.Gemm.MaxDegreeOfParallelism = threads;
        Kernels.ParallelFor.MaxDegreeOfParallelism = threads;
    }

    /// <summary>TorchSharp: libtorch's intra-op thread pool (patches the native shim first).</summary>
    public static void SetTorch(int threads)
    {
        CorePinning.Apply(threads);
        TorchSharpNative.EnsureLoadable();
        TorchSharp.torch.set_num_threads(threads);
    }
}
