using PureHDF;

namespace Nabla.Keras.Saving.Hdf5;

/// <summary>Opening HDF5 files and finding groups and datasets in them, with errors that name the file and the path.</summary>
internal static class H5Navigation
{
    /// <summary>Opens <paramref name="stream"/> as HDF5; <see cref="InvalidDataException"/> when it is not an HDF5 file.</summary>
    public static NativeFileHandle Open(Stream stream, string file)
    {
        try
        {
            return new NativeFileHandle(H5File.Open(stream, leaveOpen: true));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{file}' is not a readable HDF5 file ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    /// <summary>The group at a slash-separated <paramref name="path"/> under <paramref name="root"/>, or <c>null</c> when any part is missing.</summary>
    public static IH5Group? FindGroup(IH5Group root, string path)
    {
        IH5Group group = root;
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!group.LinkExists(part) || group.Get(part) is not IH5Group child)
            {
                return null;
            }

            group = child;
        }

        return group;
    }

    /// <summary>The dataset at a slash-separated <paramref name="path"/>, or <c>null</c> when it is missing or not a dataset.</summary>
    public static IH5Dataset? FindDataset(IH5Group root, string path)
    {
        int slash = path.LastIndexOf('/');
        IH5Group? parent = slash < 0 ? root : FindGroup(root, path[..slash]);
        string name = path[(slash + 1)..];
        return parent is not null && parent.LinkExists(name) && parent.Get(name) is IH5Dataset dataset ? dataset : null;
    }

    /// <summary>The paths of every dataset under <paramref name="group"/>, recursively.</summary>
    public static void DatasetPaths(IH5Group group, string prefix, List<string> result, int depth = 0)
    {
        if (depth > 64)
        {
            return;
        }

        foreach (IH5Object child in group.Children())
        {
            string path = prefix.Length == 0 ? child.Name : prefix + "/" + child.Name;
            if (child is IH5Group inner)
            {
                DatasetPaths(inner, path, result, depth + 1);
            }
            else if (child is IH5Dataset)
            {
                result.Add(path);
            }
        }
    }

    /// <summary>A string-array attribute (h5py writes Keras's <c>layer_names</c> as fixed-length byte strings); empty when absent.</summary>
    public static string[] StringsAttribute(IH5Object owner, string name, string file)
    {
        if (!owner.AttributeExists(name))
        {
            return [];
        }

        try
        {
            IH5Attribute attribute = owner.Attribute(name);
            return attribute.Space.Type == H5DataspaceType.Scalar ? [attribute.Read<string>()] : attribute.Read<string[]>();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{file}': attribute '{name}' of '{owner.Name}' is not a list of strings ({e.Message}).", e);
        }
    }
}

/// <summary>An open HDF5 file: its root group, disposed with the handle.</summary>
internal sealed class NativeFileHandle(PureHDF.VOL.Native.NativeFile file) : IDisposable
{
    /// <summary>The root group.</summary>
    public IH5Group Root => file;

    /// <inheritdoc/>
    public void Dispose() => file.Dispose();
}
