using System.Globalization;
using Nabla.Keras.Optimizers;
using Nabla.Keras.Saving.Hdf5;
using PureHDF;

namespace Nabla.Keras.Saving;

/// <summary>
/// Keras 3's <c>.weights.h5</c> files (<c>saving_lib.save_weights_only</c>): an HDF5 file with a group per saveable,
/// <c>vars</c> for the model itself, <c>layers/dense/vars</c> with datasets <c>0</c> (kernel) and <c>1</c> (bias) for a
/// Dense layer, <c>optimizer/vars</c> for the optimizer's state (see <see cref="KerasWeightLayout"/> and
/// <see cref="OptimizerState"/>). Loading also reads Keras 2's legacy <c>.h5</c> layout (<see cref="LegacyH5Weights"/>).
/// Everything is read and checked before the first variable is assigned.
/// </summary>
internal static class KerasWeightsH5
{
    /// <summary>Writes <paramref name="layer"/>'s weights (and its optimizer's state, for a compiled model) to <paramref name="path"/>, atomically.</summary>
    public static void Save(Layer layer, string path) => AtomicFile.Write(path, stream => Save(layer, stream, path));

    /// <summary>Writes the weights file to <paramref name="stream"/> (readable, writable and seekable).</summary>
    public static void Save(Layer layer, Stream stream, string name)
    {
        var file = new H5File();
        foreach (KerasWeightGroup group in KerasWeightLayout.Of(layer))
        {
            AddVars(file, group.Path, [.. group.Variables.Select(v => v.ReadValue())], name);
        }

        if (layer is Model { Optimizer: { } optimizer })
        {
            AddVars(file, "optimizer", OptimizerState.Values(optimizer, layer.TrainableVariables), name);
        }

        file.Write(stream);
    }

    /// <summary>Loads a Keras 3 or legacy Keras 2 weights file into <paramref name="layer"/>.</summary>
    public static void Load(Layer layer, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = File.OpenRead(path);
        Load(layer, stream, path);
    }

    /// <summary>Loads from a readable, seekable stream; <paramref name="name"/> names it in messages.</summary>
    public static void Load(Layer layer, Stream stream, string name)
    {
        List<Action> assignments;
        using (NativeFileHandle h5 = H5Navigation.Open(stream, name))
        {
            try
            {
                assignments = LegacyH5Weights.IsLegacy(h5.Root) ? LegacyH5Weights.Plan(layer, h5.Root, name) : Plan(layer, h5.Root, name);
            }
            catch (Exception e) when (e is not (ArgumentException or InvalidDataException or NotSupportedException or OutOfMemoryException))
            {
                throw new InvalidDataException($"'{name}' could not be read as a Keras weights file ({e.GetType().Name}: {e.Message}); it is damaged or truncated.", e);
            }
        }

        foreach (Action assign in assignments)
        {
            assign();
        }
    }

    // Reads and checks every dataset the model needs; returns the assignments to run once everything is known good.
    private static List<Action> Plan(Layer layer, IH5Group root, string file)
    {
        if (H5Navigation.FindGroup(root, "vars") is null && H5Navigation.FindGroup(root, "layers") is null)
        {
            throw H5Tensors.Invalid(file,
                "this HDF5 file is not a Keras weights file: it has neither Keras 3's 'vars' and 'layers' groups nor Keras 2's 'layer_names' attribute");
        }

        var assignments = new List<Action>();
        var expectedPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (KerasWeightGroup group in KerasWeightLayout.Of(layer))
        {
            string varsPath = VarsPath(group.Path);
            Tensor[] values = ReadVars(root, varsPath, [.. group.Variables.Select(v => (v.Shape, v.DType))], group.Owner, file);
            for (int i = 0; i < values.Length; i++)
            {
                Variable variable = group.Variables[i];
                Tensor value = values[i];
                assignments.Add(() => variable.Assign(value));
                expectedPaths.Add($"{varsPath}/{i.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        var present = new List<string>();
        H5Navigation.DatasetPaths(root, string.Empty, present);
        List<string> extra = [.. present.Where(p => !expectedPaths.Contains(p) && !p.StartsWith("optimizer/", StringComparison.Ordinal))];
        if (extra.Count > 0)
        {
            throw new ArgumentException(
                $"LoadWeights '{file}': the file holds weights the model {layer.Name} has no place for: [{string.Join(", ", extra.Take(10))}]. " +
                "Keras 3 files are matched by the model's structure (layers/<class>/vars/<index>): build the model as the saved one was.", nameof(layer));
        }

        if (layer is Model { Optimizer: { } optimizer } && H5Navigation.FindGroup(root, "optimizer/vars") is { } optimizerVars)
        {
            assignments.Add(PlanOptimizer(optimizer, layer.TrainableVariables, root, optimizerVars, file));
        }

        return assignments;
    }

    private static Action PlanOptimizer(Optimizer optimizer, IReadOnlyList<Variable> trainable, IH5Group root, IH5Group vars, string file)
    {
        int count = vars.Children().Count();
        List<(Shape Shape, DType DType)> expected = OptimizerState.Expected(optimizer, trainable, count)
            ?? throw new ArgumentException(
                $"LoadWeights '{file}': the file's optimizer state has {count} variables, which does not fit {optimizer.Name} " +
                $"({OptimizerState.SlotKinds(optimizer).Length} slots for each of the model's {trainable.Count} trainable variables, plus the iteration count and learning rate).",
                nameof(file));
        Tensor[] values = ReadVars(root, "optimizer/vars", expected, optimizer.Name, file);
        return () => OptimizerState.Assign(optimizer, trainable, values);
    }

    /// <summary>Reads datasets <c>0</c>..<c>n-1</c> of a <c>vars</c> group, checking that there are exactly those, of the expected shapes and dtypes.</summary>
    private static Tensor[] ReadVars(IH5Group root, string varsPath, List<(Shape Shape, DType DType)> expected, string owner, string file)
    {
        IH5Group? vars = H5Navigation.FindGroup(root, varsPath);
        if (vars is null)
        {
            return expected.Count == 0 ? [] : throw new ArgumentException(
                $"LoadWeights '{file}': the group '{varsPath}' holding the {expected.Count} weights of {owner} is missing from the file.", nameof(file));
        }

        int count = vars.Children().Count();
        if (count != expected.Count)
        {
            throw new ArgumentException(
                $"LoadWeights '{file}': {owner} expects {expected.Count} variables, but '{varsPath}' holds {count}.", nameof(file));
        }

        var values = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            string path = $"{varsPath}/{i.ToString(CultureInfo.InvariantCulture)}";
            IH5Dataset dataset = H5Navigation.FindDataset(root, path)
                ?? throw new ArgumentException($"LoadWeights '{file}': the dataset '{path}' of {owner} is missing.", nameof(file));
            values[i] = ReadChecked(dataset, expected[i].Shape, expected[i].DType, owner, file, path);
        }

        return values;
    }

    /// <summary>Reads a dataset after checking its dtype and shape against the variable's.</summary>
    internal static Tensor ReadChecked(IH5Dataset dataset, Shape shape, DType dtype, string owner, string file, string path)
    {
        DType savedDType = H5Tensors.DTypeOf(dataset, file, path);
        Shape savedShape = H5Tensors.ShapeOf(dataset, file, path);
        if (savedDType != dtype || savedShape != shape)
        {
            throw new ArgumentException(
                $"LoadWeights '{file}': '{path}' for {owner} holds dtype {savedDType} and shape {savedShape}, but the variable has dtype {dtype} and shape {shape}.",
                nameof(file));
        }

        return H5Tensors.Read(dataset, savedDType, savedShape, file, path);
    }

    private static string VarsPath(string path) => path.Length == 0 ? "vars" : path + "/vars";

    private static void AddVars(H5Group file, string path, List<Tensor> values, string name)
    {
        H5Group group = file;
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!group.TryGetValue(part, out object? child))
            {
                child = new H5Group();
                group[part] = child;
            }

            group = (H5Group)child;
        }

        var vars = new H5Group();
        for (int i = 0; i < values.Count; i++)
        {
            vars[i.ToString(CultureInfo.InvariantCulture)] = H5Tensors.ToDataset(values[i], $"SaveWeights '{name}' ({path}/vars/{i})");
        }

        group["vars"] = vars;
    }
}
