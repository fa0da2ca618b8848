namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// Sets the number of threads each library may use for one benchmark case. It does not pin the process: a 1-thread
/// row is one core only when the whole run is started under <c>taskset -c 0</c> (benchmarks/README.md says why
/// pinning from inside the process was dropped).
/// </summary>
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
