namespace Nabla.Tests.TestUtils;

/// <summary>
/// float32 arrays compared element by element with a tolerance relative to the expected element (absolute below
/// 1): |expected - actual| &lt;= tolerance * max(1, |expected|). The fusion tests share it; each passes its own
/// tolerance and says whether equal elements pass before the tolerance is looked at.
/// </summary>
public static class AssertFloats
{
    /// <summary>Asserts equal lengths and every element within the tolerance.</summary>
    /// <param name="expected">The reference values (eager, or unfused).</param>
    /// <param name="actual">The values under test.</param>
    /// <param name="tolerance">Relative to |expected| where that is above 1, absolute below.</param>
    /// <param name="equalElementsPass">
    /// When true, elements that are <see cref="float.Equals(float)"/> pass first: NaN matches NaN and an infinity
    /// matches itself. When false the tolerance alone decides, so a NaN on either side fails.
    /// </param>
    public static void Close(float[] expected, float[] actual, double tolerance, bool equalElementsPass)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                (equalElementsPass && expected[i].Equals(actual[i])) || Within(expected[i], actual[i], tolerance),
                $"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
        }
    }

    /// <summary>The same rule as an equality comparer (equal elements pass first), for <c>Assert.Equal</c> on sequences.</summary>
    public static IEqualityComparer<float> Comparer(double tolerance) => new ToleranceComparer(tolerance);

    private static bool Within(float expected, float actual, double tolerance)
        => Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected));

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => x.Equals(y) || Within(x, y, tolerance);

        public int GetHashCode(float obj) => 0;
    }
}
