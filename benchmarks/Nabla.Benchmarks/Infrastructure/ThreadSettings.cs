namespace Nabla.Benchmarks.Infrastructure;

/// <summary>Sets the number of threads each library may use for one benchmark case.</summary>
public static class ThreadSettings
{
    /// <summary>Nabla: the matrix-multiply kernels and the kernel work partitioner (elementwise, reductions).</summary>
    public static void SetNabla(int threads)
    {
        Kernels.Gemm.MaxDegreeOfParallelism = threads;
        Kernels.ParallelFor.MaxDegreeOfParallelism = threads;
    }

    /// <summary>TorchSharp: libtorch's intra-op thread pool (patches the native shim first).</summary>
    public static void SetTorch(int threads)
    {
        TorchSharpNative.EnsureLoadable();
        TorchSharp.torch.set_num_threads(threads);
    }
}
