using System.Text.RegularExpressions;

namespace Nabla.Keras;

/// <summary>Process-wide Keras state: the counters behind automatic layer names (Keras's <c>tf.keras.backend</c>).</summary>
public static partial class Backend
{
    private static readonly Dictionary<string, int> s_nameCounts = [];
    private static readonly Lock s_lock = new();

    /// <summary>
    /// Resets the automatic names, as Keras's <c>clear_session</c>: the next <c>Dense</c> is named <c>dense</c> again.
    /// </summary>
    public static void ClearSession()
    {
        lock (s_lock)
        {
            s_nameCounts.Clear();
        }
    }

    /// <summary>The next unique name for <paramref name="prefix"/>: <c>dense</c>, then <c>dense_1</c>, <c>dense_2</c>...</summary>
    public static string UniqueName(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        lock (s_lock)
        {
            s_nameCounts.TryGetValue(prefix, out int count);
            s_nameCounts[prefix] = count + 1;
            return count == 0 ? prefix : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}_{count}");
        }
    }

    /// <summary>Keras's snake case of a class name: <c>Dense</c> → <c>dense</c>, <c>MyLayer</c> → <c>my_layer</c>, <c>Conv2D</c> → <c>conv2d</c>.</summary>
    public static string ToSnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        // Keras's generic_utils.to_snake_case: the same two substitutions.
        string intermediate = WordStart().Replace(name, "$1_$2");
        return LowerUpper().Replace(intermediate, "$1_$2").ToLowerInvariant();
    }

    [GeneratedRegex("(.)([A-Z][a-z0-9]+)", RegexOptions.CultureInvariant)]
    private static partial Regex WordStart();

    [GeneratedRegex("([a-z])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex LowerUpper();
}
