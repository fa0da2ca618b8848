using System.Globalization;

namespace Nabla.Tests.TestUtils;

/// <summary>Tensor assertions that print shapes, dtypes and the first mismatching index.</summary>
public static class AssertTensor
{
    /// <summary>Default tolerance per dtype (relative and absolute), as TensorPrimitives' tests do.</summary>
    public static double Tolerance(DType dtype) => dtype.Name switch
    {
        "float64" => 1e-12,
        "float32" => 1e-5,
        "float16" => 2e-3,
        "bfloat16" => 2e-2,
        _ => 0,
    };

    /// <summary>Reads any numeric or bool tensor as doubles (bool as 0/1).</summary>
    public static double[] ToDoubles(Tensor t)
    {
        Tensor wide = t.DType == DType.Float64 ? t : Tf.Cast(t, DType.Float64);
        return wide.ToArray<double>();
    }

    /// <summary>Asserts shape equality and elementwise closeness (NaN matches NaN, infinities must match exactly).</summary>
    public static void Close(double[] expected, Tensor actual, Shape? shape = null, double? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (shape is { } s && actual.Shape != s)
        {
            Assert.Fail($"Shape mismatch: expected {s}, got {actual.Shape} (dtype {actual.DType}).");
        }

        double[] got = ToDoubles(actual);
        Close(expected, got, tolerance ?? Tolerance(actual.DType), $"{actual.DType} tensor of shape {actual.Shape}");
    }

    /// <summary>Asserts two tensors have the same shape and dtype and close values.</summary>
    public static void Close(Tensor expected, Tensor actual, double? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        Assert.True(expected.Shape == actual.Shape, $"Shape mismatch: expected {expected.Shape}, got {actual.Shape}.");
        Assert.True(expected.DType == actual.DType, $"DType mismatch: expected {expected.DType}, got {actual.DType}.");
        Close(ToDoubles(expected), ToDoubles(actual), tolerance ?? Tolerance(actual.DType), $"{actual.DType} tensor of shape {actual.Shape}");
    }

    /// <summary>Elementwise closeness of two double arrays with a relative-and-absolute tolerance.</summary>
    public static void Close(double[] expected, double[] actual, double tolerance, string what = "values")
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        Assert.True(expected.Length == actual.Length, $"Length mismatch in {what}: expected {expected.Length}, got {actual.Length}.");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i];
            double a = actual[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a)
                : double.IsInfinity(e) ? e == a
                : Math.Abs(e - a) <= tolerance * (1 + Math.Abs(e));
            if (!ok)
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"Mismatch in {what} at flat index {i}: expected {e:R}, got {a:R} (tolerance {tolerance})."));
            }
        }
    }
}
