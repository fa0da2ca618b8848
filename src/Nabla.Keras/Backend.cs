using System.Text;

namespace Nabla.Keras;

/// <summary>Process-wide Keras state: the counters behind automatic layer names (Keras's <c>tf.keras.backend</c>).</summary>
public static class Backend
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

    /// <summary>Keras's snake case of a class name: <c>Dense</c> → <c>dense</c>, <c>MyLayer</c> → <c>my_layer</c>.</summary>
    public static string ToSnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        var builder = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool previousLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                bool nextLower = i > 0 && i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]);
                if (previousLower || nextLower)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
