using PureHDF;

namespace Nabla.Keras.Saving.Hdf5;

/// <summary>
/// Tensors to and from HDF5 datasets (through PureHDF), as h5py stores NumPy arrays: little-endian IEEE floats of 2,
/// 4 and 8 bytes, signed integers of 4 and 8 bytes, one dataset dimension per tensor dimension (a scalar is a
/// scalar dataspace). Reading checks a dataset's type and dimensions before touching its data.
/// </summary>
internal static class H5Tensors
{
    /// <summary>A PureHDF dataset holding <paramref name="tensor"/>'s values (copied now).</summary>
    /// <exception cref="NotSupportedException">For bool and bfloat16 tensors, which Keras's HDF5 files hold in types Nabla does not write.</exception>
    public static H5Dataset ToDataset(Tensor tensor, string where)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ulong[]? dims = tensor.Shape.Rank == 0 ? null : Array.ConvertAll(tensor.Shape.ToArray(), d => (ulong)d);
        object data = tensor.DType.Name switch
        {
            "float32" => Values<float>(tensor, dims),
            "float64" => Values<double>(tensor, dims),
            "float16" => Values<Half>(tensor, dims),
            "int32" => Values<int>(tensor, dims),
            "int64" => Values<long>(tensor, dims),
            _ => throw new NotSupportedException(
                $"{where}: tensor of dtype {tensor.DType} cannot be written to an HDF5 weights file (float16/32/64, int32 and int64 can)."),
        };
        return new H5Dataset(data, fileDims: dims);
    }

    /// <summary>The dtype a dataset reads as; <see cref="InvalidDataException"/> naming it when Nabla has no such dtype.</summary>
    public static DType DTypeOf(IH5Dataset dataset, string file, string path)
    {
        IH5DataType type = dataset.Type;
        DType? dtype = type.Class switch
        {
            H5DataTypeClass.FloatingPoint => type.Size switch { 2 => DType.Float16, 4 => DType.Float32, 8 => DType.Float64, _ => null },
            H5DataTypeClass.FixedPoint when type.FixedPoint.IsSigned => type.Size switch { 4 => DType.Int32, 8 => DType.Int64, _ => null },
            _ => null,
        };
        return dtype ?? throw Invalid(file,
            $"dataset '{path}' holds HDF5 {type.Class} values of {type.Size} bytes; weights must be floats of 2, 4 or 8 bytes or signed integers of 4 or 8 bytes");
    }

    /// <summary>The shape of a dataset (a scalar dataspace is a scalar tensor).</summary>
    public static Shape ShapeOf(IH5Dataset dataset, string file, string path)
    {
        IH5Dataspace space = dataset.Space;
        if (space.Type == H5DataspaceType.Null)
        {
            throw Invalid(file, $"dataset '{path}' has a null dataspace (no values)");
        }

        ulong[] dims = space.Dimensions;
        var shape = new int[dims.Length];
        long size = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > int.MaxValue)
            {
                throw Invalid(file, $"dataset '{path}' has dimension {dims[i]}, larger than a tensor dimension can be");
            }

            shape[i] = (int)dims[i];
            size *= shape[i];
            if (size > Array.MaxLength)
            {
                throw Invalid(file, $"dataset '{path}' has more elements than a tensor can hold");
            }
        }

        return new Shape(shape);
    }

    /// <summary>Reads a dataset whose dtype and shape have been checked with <see cref="DTypeOf"/> and <see cref="ShapeOf"/>.</summary>
    public static Tensor Read(IH5Dataset dataset, DType dtype, Shape shape, string file, string path)
    {
        try
        {
            return dtype.Name switch
            {
                "float32" => Tf.Constant(Checked(dataset.Read<float[]>(), shape, file, path), shape),
                "float64" => Tf.Constant(Checked(dataset.Read<double[]>(), shape, file, path), shape),
                "float16" => Tf.Constant(Checked(dataset.Read<Half[]>(), shape, file, path), shape),
                "int32" => Tf.Constant(Checked(dataset.Read<int[]>(), shape, file, path), shape),
                _ => Tf.Constant(Checked(dataset.Read<long[]>(), shape, file, path), shape),
            };
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            // PureHDF reports a truncated or damaged data block with its own exception types.
            throw new InvalidDataException($"'{file}': dataset '{path}' could not be read ({e.GetType().Name}: {e.Message}); the file is damaged or truncated.", e);
        }
    }

    /// <summary>An <see cref="InvalidDataException"/> naming the file.</summary>
    public static InvalidDataException Invalid(string file, string problem) => new($"'{file}': {problem}.");

    // A scalar goes in as the value itself: PureHDF writes a scalar dataspace for it (Keras's iteration count is one).
    private static object Values<T>(Tensor tensor, ulong[]? dims)
        where T : unmanaged => dims is null ? tensor.ToArray<T>()[0] : tensor.ToArray<T>();

    private static T[] Checked<T>(T[] values, Shape shape, string file, string path) =>
        values.Length == shape.Size ? values : throw Invalid(file, $"dataset '{path}' yields {values.Length} values for its shape {shape}");
}
