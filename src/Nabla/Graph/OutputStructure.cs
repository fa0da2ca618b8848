using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Nabla;

/// <summary>
/// The shape of what a traced function returns (TensorFlow's nest structure): which positions hold its flat
/// graph outputs, and which hold C# values fixed at trace time. Built once per trace; packs each call's outputs.
/// </summary>
internal abstract class OutputStructure
{
    /// <summary>Flattens a traced body's result: its tensors become graph values appended to <paramref name="outputs"/>.</summary>
    public static OutputStructure Of(object? result, TracingContext tracing, List<SymbolicTensor> outputs)
    {
        switch (result)
        {
            case null:
                return new Fixed(null);
            case Variable variable:
                // A variable is returned as itself (by reference), holding what the graph assigned to it.
                return new Fixed(variable);
            case Tensor tensor:
                outputs.Add(tracing.ToGraph(tensor));
                return Single.Instance;
            case Tensor[] array:
                return new Sequence(OfEach(array, tracing, outputs), AsArray: true);
            case ITuple tuple:
                var items = new OutputStructure[tuple.Length];
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = Of(tuple[i], tracing, outputs);
                }

                return new Tuple(result.GetType(), items);
            case IEnumerable<Tensor> list:
                return new Sequence(OfEach(list, tracing, outputs), AsArray: false);
            default:
                return new Fixed(result);
        }
    }

    /// <summary>The call's result from its flat outputs, read from <paramref name="next"/> on.</summary>
    public abstract object? Pack(Tensor[] flat, ref int next);

    private static OutputStructure[] OfEach(IEnumerable<Tensor> tensors, TracingContext tracing, List<SymbolicTensor> outputs)
    {
        var items = new List<OutputStructure>();
        foreach (Tensor t in tensors)
        {
            items.Add(Of(t, tracing, outputs));
        }

        return [.. items];
    }

    private sealed class Single : OutputStructure
    {
        public static readonly Single Instance = new();

        public override object? Pack(Tensor[] flat, ref int next) => flat[next++];
    }

    private sealed class Fixed(object? value) : OutputStructure
    {
        public override object? Pack(Tensor[] flat, ref int next) => value;
    }

    private sealed class Sequence(OutputStructure[] items, bool AsArray) : OutputStructure
    {
        public override object? Pack(Tensor[] flat, ref int next)
        {
            var tensors = new Tensor[items.Length];
            for (int i = 0; i < tensors.Length; i++)
            {
                tensors[i] = (Tensor)items[i].Pack(flat, ref next)!;
            }

            return AsArray ? tensors : new List<Tensor>(tensors);
        }
    }

    private sealed class Tuple(Type type, OutputStructure[] items) : OutputStructure
    {
        [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "The tuple type is that of a value the traced function built, so its constructor is kept.")]
        [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "The tuple type is that of a value the traced function built, so its constructor is kept.")]
        public override object? Pack(Tensor[] flat, ref int next)
        {
            var values = new object?[items.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = items[i].Pack(flat, ref next);
            }

            return Activator.CreateInstance(type, values);
        }
    }
}
