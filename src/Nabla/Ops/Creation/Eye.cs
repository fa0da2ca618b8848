namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// The identity matrix with <paramref name="numRows"/> rows and <paramref name="numColumns"/> columns
    /// (square when null): ones on the main diagonal. float32 unless <paramref name="dtype"/> says otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">When a dimension is negative.</exception>
    public static Tensor Eye(int numRows, int? numColumns = null, DType? dtype = null)
    {
        int columns = numColumns ?? numRows;
        DType d = dtype ?? DType.Float32;
        if (numRows < 0 || columns < 0)
        {
            throw new ArgumentException($"Eye: dimensions must be non-negative, got {numRows} x {columns} ({d}).");
        }

        // Checked before allocating: Eye(65536) has 2^32 elements, which a plain int product wraps to 0.
        Shape shape = Shape.FromOwnedArray([numRows, columns]);
        var values = new double[shape.Size];
        for (int i = 0; i < System.Math.Min(numRows, columns); i++)
        {
            values[((long)i * columns) + i] = 1;
        }

        return FromDoubles(values, shape, d);
    }
}
