namespace Nabla.Kernels;

#pragma warning disable CA1305, SA1600, CS1591
internal static class Knobs
{
    public static readonly int KcBytes = int.Parse(Environment.GetEnvironmentVariable("NABLA_GEMM_KC") ?? "1536");
    public static readonly int Nb = int.Parse(Environment.GetEnvironmentVariable("NABLA_GEMM_NB") ?? "512");
    public static readonly int Prefetch = int.Parse(Environment.GetEnvironmentVariable("NABLA_GEMM_PF") ?? "0");
}
