using System.Runtime.Intrinsics;
using Xunit.Abstractions;

namespace Nabla.Tests.Kernels;

/// <summary>
/// Logs which vector widths the JIT accelerates in this run and checks that the runtime switches the CI legs set
/// (.ci/run) took effect, so the kernel tests really ran the scalar and the Vector256 paths there. Measured on the
/// .NET 10 runtime: <c>DOTNET_EnableHWIntrinsic=0</c> turns every width off; <c>DOTNET_EnableAVX512=0</c> turns
/// Vector512 off (the older <c>DOTNET_EnableAVX512F</c> no longer has any effect); <c>DOTNET_EnableAVX2=0</c>
/// leaves only Vector128.
/// </summary>
public class HardwareIntrinsicsTests(ITestOutputHelper output)
{
    [Fact]
    public void VectorWidths_MatchTheRuntimeSwitches()
    {
        string? all = Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic");
        string? avx512 = Environment.GetEnvironmentVariable("DOTNET_EnableAVX512");
        string? avx2 = Environment.GetEnvironmentVariable("DOTNET_EnableAVX2");
        output.WriteLine(
            $"DOTNET_EnableHWIntrinsic={all ?? "(unset)"} DOTNET_EnableAVX512={avx512 ?? "(unset)"} DOTNET_EnableAVX2={avx2 ?? "(unset)"}: " +
            $"Vector128={Vector128.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector512={Vector512.IsHardwareAccelerated}");

        if (all == "0")
        {
            Assert.False(Vector128.IsHardwareAccelerated);
            Assert.False(Vector256.IsHardwareAccelerated);
            Assert.False(Vector512.IsHardwareAccelerated);
        }

        if (avx512 == "0")
        {
            Assert.False(Vector512.IsHardwareAccelerated);
        }

        if (avx2 == "0")
        {
            Assert.False(Vector256.IsHardwareAccelerated);
        }

        // A wider accelerated width implies the narrower ones.
        Assert.True(!Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated);
        Assert.True(!Vector256.IsHardwareAccelerated || Vector128.IsHardwareAccelerated);
    }
}
