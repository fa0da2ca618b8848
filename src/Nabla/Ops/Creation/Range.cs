using System.Globalization;

namespace Nabla;

public static partial class Tf
{
    /// <summary>The int32 sequence <c>0, 1, …, limit - 1</c>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="limit"/> is negative.</exception>
    public static Tensor Range(int limit) => Range(0, limit, 1, null);

    /// <summary>
    /// The int32 sequence <c>start, start + delta, …</c> up to but excluding <paramref name="limit"/>
    /// (or of <paramref name="dtype"/>).
    /// </summary>
    /// <exception cref="ArgumentException">When delta is 0 or points away from the limit.</exception>
    public static Tensor Range(int start, int limit, int delta = 1, DType? dtype = null)
        => RangeCore(start, limit, delta, dtype ?? DType.Int32);

    /// <summary>
    /// The float32 sequence <c>start, start + delta, …</c> up to but excluding <paramref name="limit"/>
    /// (or of <paramref name="dtype"/>).
    /// </summary>
    /// <exception cref="ArgumentException">When delta is 0 or points away from the limit.</exception>
    public static Tensor Range(double start, double limit, double delta = 1, DType? dtype = null)
        => RangeCore(start, limit, delta, dtype ?? DType.Float32);

    private static Tensor RangeCore(double start, double limit, double delta, DType dtype)
    {
        string Describe() => string.Create(CultureInfo.InvariantCulture, $"start={start}, limit={limit}, delta={delta}, dtype {dtype}");
        if (dtype == DType.Bool)
        {
            throw new ArgumentException($"Range: dtype bool is not supported ({Describe()}).", nameof(dtype));
        }

        if (delta == 0 || !double.IsFinite(delta) || !double.IsFinite(start) || !double.IsFinite(limit))
        {
            throw new ArgumentException($"Range: requires finite values and delta != 0 ({Describe()}) [Op:Range].", nameof(delta));
        }

        if ((delta > 0 && start > limit) || (delta < 0 && start < limit))
        {
            string rule = delta > 0 ? "start <= limit when delta > 0" : "start >= limit when delta < 0";
            throw new ArgumentException($"Range: requires {rule} ({Describe()}) [Op:Range].");
        }

        double count = System.Math.Ceiling(System.Math.Abs((limit - start) / delta));
        if (count > Array.MaxLength)
        {
            throw new ArgumentException($"Range: {count} elements are more than a tensor can hold ({Array.MaxLength}) ({Describe()}) [Op:Range].");
        }

        var values = new double[(int)count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = start + (i * delta);
        }

        return FromDoubles(values, Shape.FromOwnedArray([values.Length]), dtype);
    }

    /// <summary>
    /// <paramref name="num"/> evenly spaced values from <paramref name="start"/> to <paramref name="stop"/>, both
    /// included (float32 unless <paramref name="dtype"/> says otherwise).
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="num"/> is below 1 or the dtype is not floating.</exception>
    public static Tensor Linspace(double start, double stop, int num, DType? dtype = null)
    {
        DType d = dtype ?? DType.Float32;
        if (num < 1 || !d.IsFloating)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"LinSpace: requires num > 0 and a floating dtype, got num={num}, dtype {d} (start={start}, stop={stop}) [Op:LinSpace]."));
        }

        if (num > Array.MaxLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"LinSpace: num={num} elements are more than a tensor can hold ({Array.MaxLength}) [Op:LinSpace]."));
        }

        var values = new double[num];
        double step = num > 1 ? (stop - start) / (num - 1) : 0;
        for (int i = 0; i < num; i++)
        {
            values[i] = start + (i * step);
        }

        values[^1] = num > 1 ? stop : start;
        return FromDoubles(values, Shape.FromOwnedArray([num]), d);
    }
}
