namespace Nabla.Keras.Callbacks;

/// <summary>
/// The default weights file of <see cref="ModelCheckpoint"/>: a small binary file of the model's variables
/// (names, shapes, float64 values), written to a temporary file then renamed. Interim: once
/// <c>Model.SaveWeights</c> (safetensors) lands, checkpoints should use it.
/// </summary>
public static class CheckpointFile
{
    private const string Magic = "NABLA-CHECKPOINT-1";

    /// <summary>Writes <paramref name="model"/>'s variables to <paramref name="path"/>.</summary>
    public static void Save(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        IReadOnlyList<Variable> variables = model.Variables;
        string temporary = path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temporary)))
        {
            writer.Write(Magic);
            writer.Write(variables.Count);
            foreach (Variable v in variables)
            {
                writer.Write(v.Name);
                int[] dims = v.Shape.ToArray();
                writer.Write(dims.Length);
                foreach (int d in dims)
                {
                    writer.Write(d);
                }

                foreach (double x in Tf.Cast(v, DType.Float64).ToArray<double>())
                {
                    writer.Write(x);
                }
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads weights written by <see cref="Save"/> into <paramref name="model"/>'s variables (by position; shapes must match).</summary>
    /// <exception cref="InvalidDataException">When the file is not a checkpoint or does not fit the model; the weights are then untouched.</exception>
    public static void Load(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        IReadOnlyList<Variable> variables = model.Variables;
        var values = new Tensor[variables.Count];
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (reader.ReadString() != Magic || reader.ReadInt32() != variables.Count)
            {
                throw new InvalidDataException($"CheckpointFile: '{path}' is not a checkpoint of a model with {variables.Count} variables.");
            }

            for (int i = 0; i < values.Length; i++)
            {
                string name = reader.ReadString();
                int[] dims = new int[reader.ReadInt32()];
                for (int d = 0; d < dims.Length; d++)
                {
                    dims[d] = reader.ReadInt32();
                }

                var shape = new Shape(dims);
                if (shape != variables[i].Shape)
                {
                    throw new InvalidDataException(
                        $"CheckpointFile: '{path}' holds '{name}' of shape {shape}, but variable {i} '{variables[i].Name}' has shape {variables[i].Shape}.");
                }

                var data = new double[shape.Size];
                for (int k = 0; k < data.Length; k++)
                {
                    data[k] = reader.ReadDouble();
                }

                values[i] = Tf.Cast(Tf.Constant(data, shape), variables[i].DType);
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"CheckpointFile: '{path}' is truncated.", e);
        }

        model.SetWeights(values);
    }
}
