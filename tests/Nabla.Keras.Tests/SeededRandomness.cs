using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Nabla.Keras.Tests;

/// <summary>
/// Layers draw their initial weights from <see cref="Tf.Random"/>; without a global seed that would be a fresh
/// random key per process. Seeding once when the test assembly loads makes every run draw the same weights (the
/// tests run one at a time, see AssemblyInfo.cs), as the house rule "seeded randomness only" asks.
/// </summary>
internal static class SeededRandomness
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "A test assembly's one-time global seed is exactly a module initializer's job.")]
    internal static void SeedGlobalRandom() => Tf.Random.SetSeed(20261126);
}
