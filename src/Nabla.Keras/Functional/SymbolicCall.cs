using System.Runtime.CompilerServices;

namespace Nabla.Keras;

/// <summary>
/// Applies a layer to Keras tensors (Keras 3's <c>compute_output_spec</c>): the layer's own call runs on placeholders
/// of a throwaway <see cref="FuncGraph"/>, so its ops only check and infer shapes and compute nothing, and the
/// output shapes read off the graph become new Keras tensors. Unknown dimensions (the batch) are traced at two
/// sizes, since layers and ops size their work from known dimensions: an output dimension that differs between the
/// two traces is unknown. A failure while tracing means the layer cannot take these inputs, so it is reported at
/// once, naming the layer, the shapes it was built for and the shapes given.
/// </summary>
internal static class SymbolicCall
{
    // The sizes an unknown dimension takes in the two traces: batch dimensions, then the others (time steps, image
    // sides), large enough for kernels and strides and different after a few halvings.
    private static readonly int[] s_batchSizes = [2, 3];
    private static readonly int[] s_otherSizes = [16, 24];

    // The input shapes each layer was first applied to (or built for), for error messages.
    private static readonly ConditionalWeakTable<Layer, Shape[]> s_expected = new();

    /// <summary>
    /// Calls <paramref name="layer"/> on the Keras tensors <paramref name="inputs"/> through <paramref name="call"/>
    /// (which takes real or traced tensors and the training flag), records the node and returns its Keras tensors.
    /// </summary>
    public static Tensor[] Apply(Layer layer, IReadOnlyList<Tensor> inputs, Func<IReadOnlyList<Tensor>, bool, Tensor[]> call)
    {
        var given = new Tensor[inputs.Count];
        for (int i = 0; i < given.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], nameof(inputs));
            if (!KerasTensors.IsKerasTensor(inputs[i]))
            {
                throw new ArgumentException(
                    $"Layer \"{layer.Name}\" ({layer.GetType().Name}) was called on Keras tensors and on a concrete tensor of shape " +
                    $"{inputs[i].Shape} ({inputs[i].DType}) at position {i}: when building a functional model, every input of a layer " +
                    "must be a Keras tensor (from Keras.Input, or a layer applied to one).", nameof(inputs));
            }

            given[i] = inputs[i];
        }

        bool anyUnknown = false;
        foreach (Tensor t in given)
        {
            anyUnknown |= !t.Shape.IsFullyDefined;
        }

        BuildEagerly(layer, given);
        TensorSpec[] specs = Trace(layer, given, call, variant: 0);
        if (anyUnknown)
        {
            specs = Merge(layer, specs, Trace(layer, given, call, variant: 1));
        }

        s_expected.TryAdd(layer, [.. given.Select(t => t.Shape)]);
        return KerasTensors.MakeOutputs(new Node(layer, given, call), specs);
    }

    // A one-input layer is built outside the trace, so its weights are drawn eagerly, as when it is called on data.
    private static void BuildEagerly(Layer layer, Tensor[] inputs)
    {
        if (!layer.Built && inputs.Length == 1)
        {
            try
            {
                layer.EnsureBuilt(Concrete(inputs[0].Shape, variant: 0));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw Incompatible(layer, inputs, e);
            }
        }
    }

    private static TensorSpec[] Trace(Layer layer, Tensor[] inputs, Func<IReadOnlyList<Tensor>, bool, Tensor[]> call, int variant)
    {
        var graph = new FuncGraph(layer.Name);
        Tensor[] outputs;
        using (graph.AsDefault())
        {
            var placeholders = new Tensor[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                placeholders[i] = graph.Placeholder(new TensorSpec(Concrete(inputs[i].Shape, variant), inputs[i].DType));
            }

            try
            {
                outputs = call(placeholders, false);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw Incompatible(layer, inputs, e);
            }
            finally
            {
                // The trace's call-time losses (activity penalties) and a stateful layer's states are symbolic: the
                // model recomputes them when it runs.
                layer.ClearCallLosses();
                ForgetSymbolicStates(layer, new HashSet<Layer>(ReferenceEqualityComparer.Instance));
            }
        }

        var specs = new TensorSpec[outputs.Length];
        for (int i = 0; i < specs.Length; i++)
        {
            specs[i] = TensorSpec.From(outputs[i]);
        }

        return specs;
    }

    private static void ForgetSymbolicStates(Layer layer, HashSet<Layer> seen)
    {
        if (!seen.Add(layer))
        {
            return;
        }

        if (layer is RecurrentLayer { States: { } states } recurrent && states.Any(s => s.IsSymbolic))
        {
            recurrent.ResetStates();
        }

        foreach (Layer child in layer.Layers)
        {
            ForgetSymbolicStates(child, seen);
        }
    }

    // The shape a trace gives an input: unknown dimensions take this variant's size.
    private static Shape Concrete(Shape shape, int variant)
    {
        int?[] dims = shape.ToNullableArray();
        var result = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            result[i] = dims[i] ?? (i == 0 ? s_batchSizes[variant] : s_otherSizes[variant]);
        }

        return new Shape(result);
    }

    // Dimensions that differ between the two traces depend on an unknown input dimension: they are unknown too.
    private static TensorSpec[] Merge(Layer layer, TensorSpec[] first, TensorSpec[] second)
    {
        if (first.Length != second.Length)
        {
            throw new InvalidOperationException(
                $"Layer \"{layer.Name}\" ({layer.GetType().Name}) returns {first.Length} or {second.Length} outputs depending on the batch size: " +
                "a layer's outputs must not depend on the sizes of unknown dimensions.");
        }

        var merged = new TensorSpec[first.Length];
        for (int i = 0; i < merged.Length; i++)
        {
            int?[] a = first[i].Shape.ToNullableArray();
            int?[] b = second[i].Shape.ToNullableArray();
            if (a.Length != b.Length || first[i].DType != second[i].DType)
            {
                throw new InvalidOperationException(
                    $"Layer \"{layer.Name}\" ({layer.GetType().Name}): output {i} has shape {first[i].Shape} ({first[i].DType}) or " +
                    $"{second[i].Shape} ({second[i].DType}) depending on the batch size; its rank and dtype must not depend on it.");
            }

            for (int d = 0; d < a.Length; d++)
            {
                a[d] = a[d] == b[d] ? a[d] : null;
            }

            merged[i] = new TensorSpec(Shape.Partial(a), first[i].DType);
        }

        return merged;
    }

    private static ArgumentException Incompatible(Layer layer, Tensor[] inputs, Exception inner)
    {
        string given = inputs.Length == 1 ? inputs[0].Shape.ToString() : "[" + string.Join(", ", inputs.Select(t => t.Shape.ToString())) + "]";
        string expected = ExpectedShapes(layer) is { } shapes
            ? $"expected input shape {(shapes.Length == 1 ? shapes[0].ToString() : "[" + string.Join(", ", shapes) + "]")}, "
            : string.Empty;
        return new ArgumentException(
            $"Input of layer \"{layer.Name}\" ({layer.GetType().Name}) is incompatible with the layer: {expected}but received input " +
            $"with shape {given}. {inner.Message}", inner);
    }

    // What the layer was applied to first, or built for from its inputShape argument; null when unknown.
    private static Shape[]? ExpectedShapes(Layer layer)
    {
        if (s_expected.TryGetValue(layer, out Shape[]? shapes))
        {
            return shapes;
        }

        return layer.InputShape is { } sample ? [Shape.Partial([null, .. sample.ToNullableArray()])] : null;
    }
}
