using Microsoft.DotNet.Interactive;

namespace Nabla.Interactive;

/// <summary>
/// Loaded by .NET Interactive when a notebook installs the package (<c>#r "nuget: Nabla.Interactive"</c>): registers
/// <see cref="NablaFormatters"/>.
/// </summary>
public sealed class NablaKernelExtension : IKernelExtension
{
    /// <inheritdoc />
    public Task OnLoadAsync(Kernel kernel)
    {
        NablaFormatters.Register();
        return Task.CompletedTask;
    }
}
