using System.Text.Json.Nodes;

namespace Nabla.Keras.Saving.Config;

/// <summary>The config values that are not scalars: padding and cropping sides, and arrays (a <c>Rescaling</c>'s scale, a <c>Normalization</c>'s mean).</summary>
public static partial class KerasConfig
{
    /// <summary>Sides as Keras writes a <c>ZeroPadding2D</c>'s padding: <c>[[top, bottom], [left, right]]</c>.</summary>
    public static JsonArray Sides((int Top, int Bottom, int Left, int Right) sides) =>
        [Ints([sides.Top, sides.Bottom]), Ints([sides.Left, sides.Right])];

    /// <summary>Sides read from a config: one int, <c>[rows, columns]</c> (each on both sides) or <c>[[top, bottom], [left, right]]</c>.</summary>
    public static int[,] SidesOf(JsonNode? node, string what)
    {
        if (node is JsonArray { Count: 2 } pair && pair[0] is JsonArray)
        {
            int[] rows = IntsOf(pair[0], 2, what), columns = IntsOf(pair[1], 2, what);
            return rows.Length == 2 && columns.Length == 2
                ? new[,] { { rows[0], rows[1] }, { columns[0], columns[1] } }
                : throw Bad(what, "is not [[top, bottom], [left, right]]");
        }

        int[] both = IntsOf(node, 2, what);
        return both.Length == 2 ? new[,] { { both[0], both[0] }, { both[1], both[1] } } : throw Bad(what, "does not have two entries");
    }

    /// <summary>A float tensor as nested JSON lists (a number for a scalar), as <c>np.array(x).tolist()</c> writes it; null for null.</summary>
    public static JsonNode? NestedList(Tensor? tensor)
    {
        if (tensor is null)
        {
            return null;
        }

        double[] values = tensor.DType == DType.Float64 ? tensor.ToArray<double>() : Tf.Cast(tensor, DType.Float64).ToArray<double>();
        int[] dims = tensor.Shape.ToArray();
        int next = 0;
        return Nest(values, dims, 0, ref next);
    }

    /// <summary>A tensor of <paramref name="dtype"/> from nested JSON lists, a number, or a serialized array (<c>__numpy__</c> or <c>__tensor__</c>); null for null.</summary>
    public static Tensor? TensorOf(JsonNode? node, DType dtype, string what)
    {
        if (node is JsonObject serialized)
        {
            node = serialized["config"]?["value"] ?? throw Bad(what, "is an object without config.value");
        }

        if (node is null)
        {
            return null;
        }

        var dims = new List<int>();
        for (JsonNode? level = node; level is JsonArray array; level = array.Count > 0 ? array[0] : null)
        {
            dims.Add(array.Count);
        }

        var values = new List<double>();
        Flatten(node, dims, 0, values, what);
        return Tf.Cast(Tf.Constant(values.ToArray(), new Shape([.. dims])), dtype);
    }

    private static JsonNode Nest(double[] values, int[] dims, int axis, ref int next)
    {
        if (axis == dims.Length)
        {
            return JsonValue.Create(values[next++]);
        }

        var list = new JsonArray();
        for (int i = 0; i < dims[axis]; i++)
        {
            list.Add(Nest(values, dims, axis + 1, ref next));
        }

        return list;
    }

    private static void Flatten(JsonNode? node, List<int> dims, int axis, List<double> values, string what)
    {
        if (axis == dims.Count)
        {
            values.Add(node is JsonValue value ? value.GetValue<double>() : throw Bad(what, "is not a rectangular array of numbers"));
            return;
        }

        if (node is not JsonArray array || array.Count != dims[axis])
        {
            throw Bad(what, "is not a rectangular array of numbers");
        }

        foreach (JsonNode? item in array)
        {
            Flatten(item, dims, axis + 1, values, what);
        }
    }
}
