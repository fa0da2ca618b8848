using System.Globalization;
using Nabla.Benchmarks.Cases;
using Nabla.Benchmarks.Workloads;

namespace Nabla.Benchmarks.Infrastructure;

/// <summary>
/// Checks that both libraries compute the same thing before anyone compares their speed: the seed loop's
/// final weights, the second derivative and the MLP's first losses.
/// </summary>
public static class Correctness
{
    /// <summary>
    /// The seed loop's end point after 1,000 iterations in float64. Nabla and TorchSharp both reach exactly
    /// these values (same ops in the same order); <see cref="RunAll"/> recomputes them with both.
    /// </summary>
    public static readonly (double W, double B) SeedReference = (2.006540118800011, -0.9972856936000016);

    /// <summary>Throws unless <paramref name="weights"/> equal the seed loop's reference end point.</summary>
    public static void RequireSeedWeights((double W, double B) weights, string what)
    {
        (double w, double b) = SeedReference;
        if (Math.Abs(weights.W - w) > 1e-9 || Math.Abs(weights.B - b) > 1e-9)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"Seed loop: {what} ended at w = {weights.W:R}, b = {weights.B:R}; the reference is w = {w:R}, b = {b:R}."));
        }
    }

    /// <summary>Runs every check, printing each result; returns whether all passed.</summary>
    public static bool RunAll(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        bool ok = true;
        (double W, double B) nabla = SeedLoop.RunNabla();
        (double W, double B) torch = SeedLoop.RunTorch();
        ok &= Report(output, "e. seed loop w", nabla.W, torch.W, 1e-9);
        ok &= Report(output, "e. seed loop b", nabla.B, torch.B, 1e-9);
        ok &= Report(output, "e. seed loop w vs recorded", nabla.W, SeedReference.W, 1e-9);
        ok &= Report(output, "e. seed loop b vs recorded", nabla.B, SeedReference.B, 1e-9);

        float nablaSecond = SecondDerivativeBenchmarks.NablaSecondDerivative(new Variable(3f)).Item<float>();
        using (TorchSharp.torch.Tensor x = TorchSharp.torch.tensor(3f).requires_grad_())
        {
            float torchSecond = SecondDerivativeBenchmarks.TorchSecondDerivative(x);
            ok &= Report(output, "g. d2(x^3)/dx2 at 3 (18)", nablaSecond, torchSecond, 1e-6);
            ok &= Report(output, "g. Nabla vs exact", nablaSecond, 18, 1e-6);
        }

        var init = new Mlp.Init();
        var nablaModel = new Mlp.NablaModel(init);
        using var torchModel = new Mlp.TorchModel(init);
        for (int step = 0; step < 3; step++)
        {
            float nablaLoss = nablaModel.Step().Item<float>();
            float torchLoss = torchModel.Step();
            ok &= Report(output, $"f. MLP loss at step {step}", nablaLoss, torchLoss, 1e-4);
        }

        return ok;
    }

    private static bool Report(TextWriter output, string what, double nabla, double torch, double tolerance)
    {
        bool ok = Math.Abs(nabla - torch) <= tolerance * Math.Max(1, Math.Abs(torch));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{(ok ? "ok  " : "FAIL")} {what}: Nabla {nabla:R}, reference {torch:R}"));
        return ok;
    }
}
