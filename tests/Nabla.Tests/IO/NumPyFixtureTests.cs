using Nabla.IO;
using Nabla.Tests.Architecture;

namespace Nabla.Tests.IO;

/// <summary>
/// Reads the files the real NumPy wrote (tests/Nabla.Tests/IO/NumPyFixtures, made by make_fixtures.py there) and
/// checks every value against the script's formula, computed here from the C-order index; writes the same arrays
/// and checks the bytes equal NumPy's.
/// </summary>
public class NumPyFixtureTests
{
    private static readonly string s_fixtures = Path.Combine(RepoRoot.Find(), "tests", "Nabla.Tests", "IO", "NumPyFixtures");

    public static TheoryData<string, string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (string dtype in (string[])["bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32", "float64"])
        {
            foreach (string shape in (string[])["scalar", "0x3", "5", "2x3x4"])
            {
                foreach (string order in (string[])["C", "F"])
                {
                    foreach (string endian in dtype is "bool" or "int8" or "uint8" ? ["le"] : (string[])["le", "be"])
                    {
                        data.Add(dtype, shape, order, endian);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_NumPyFile_EveryDTypeOrderAndByteOrder(string dtype, string shape, string order, string endian)
    {
        string path = Path.Combine(s_fixtures, $"{dtype}_{shape}_{order}_{endian}.npy");
        Tensor loaded = NumPy.Load(path);
        int[] dims = ParseShape(shape);
        Assert.Equal(dims, loaded.Shape.ToArray());
        Assert.Equal(dtype, loaded.DType.Name);
        AssertValues(dtype, loaded);

        using NpyFile mapped = NumPy.Open(path);
        Assert.Equal(order == "F" && dims.Length > 1 && dims.All(d => d > 0), mapped.FortranOrder);
        AssertValues(dtype, mapped.Read());
    }

    [Theory]
    [InlineData("bool")]
    [InlineData("int8")]
    [InlineData("uint8")]
    [InlineData("int16")]
    [InlineData("int32")]
    [InlineData("int64")]
    [InlineData("float16")]
    [InlineData("float32")]
    [InlineData("float64")]
    public void Save_WritesNumPysBytes(string dtype)
    {
        foreach (string shape in (string[])["scalar", "0x3", "5", "2x3x4"])
        {
            string expected = Path.Combine(s_fixtures, $"{dtype}_{shape}_C_le.npy");
            string written = Path.Combine(Path.GetTempPath(), $"nabla-npy-{Guid.NewGuid():N}.npy");
            try
            {
                NumPy.Save(written, Expected(dtype, ParseShape(shape)));
                Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(written));
            }
            finally
            {
                File.Delete(written);
            }
        }
    }

    [Fact]
    public void Load_BFloat16AsMlDtypesSavesIt_TopHalfOfFloat32()
    {
        Tensor loaded = NumPy.Load(Path.Combine(s_fixtures, "bfloat16_2x3_C_le.npy"));
        Assert.Equal(DType.BFloat16, loaded.DType);
        Assert.Equal([2, 3], loaded.Shape.ToArray());
        Assert.Equal([1.5f, -2.0f, 0.15625f, BitConverter.Int32BitsToSingle(0x7F7F0000), -0.0f, 65280f], Tf.Cast(loaded, DType.Float32).ToArray<float>());
    }

    [Theory]
    [InlineData("stored.npz")]
    [InlineData("deflated.npz")]
    public void LoadZ_StoredAndDeflated_NamedArrays(string file)
    {
        Dictionary<string, Tensor> arrays = NumPy.LoadZ(Path.Combine(s_fixtures, file));
        Assert.Equal(["weights", "counts", "mask", "scalar"], arrays.Keys);
        AssertEqual(Tf.Cast(Expected("float64", [2, 3, 4]), DType.Float32), arrays["weights"]);
        AssertEqual(Expected("int64", [5]), arrays["counts"]);
        AssertEqual(Expected("bool", [5]), arrays["mask"]);
        AssertEqual(Expected("float64", []), arrays["scalar"]);
    }

    [Fact]
    public void LoadZ_PositionalNames_AndFortranEntry()
    {
        Dictionary<string, Tensor> arrays = NumPy.LoadZ(Path.Combine(s_fixtures, "positional.npz"));
        Assert.Equal(["arr_0", "arr_1"], arrays.Keys);
        AssertEqual(Expected("int32", [5]), arrays["arr_0"]);
        AssertEqual(Expected("float64", [2, 3, 4]), arrays["arr_1"]);
    }

    /// <summary>The fixture script's formula of the C-order flat index.</summary>
    internal static Tensor Expected(string dtype, int[] shape)
    {
        int size = shape.Aggregate(1, (a, b) => a * b);
        long[] k = [.. Enumerable.Range(0, size).Select(i => (long)((i * 7 % 23) - 11))];
        return dtype switch
        {
            "bool" => Tf.Constant(Enumerable.Range(0, size).Select(i => i * 7 % 23 % 3 == 0).ToArray(), shape),
            "int8" => Tf.Constant(k.Select(v => (sbyte)(v * 11)).ToArray(), shape),
            "uint8" => Tf.Constant(k.Select(v => (byte)((v + 11) * 11)).ToArray(), shape),
            "int16" => Tf.Constant(k.Select(v => (short)(v * 2900)).ToArray(), shape),
            "int32" => Tf.Constant(k.Select(v => (int)(v * 100003)).ToArray(), shape),
            "int64" => Tf.Constant(k.Select(v => v * 1000000000007).ToArray(), shape),
            "float16" => Tf.Constant(k.Select(v => (Half)(v / 4.0)).ToArray(), shape),
            "float32" => Tf.Constant(k.Select(v => (float)(v / 4.0)).ToArray(), shape),
            _ => Tf.Constant(k.Select(v => v / 4.0).ToArray(), shape),
        };
    }

    internal static void AssertEqual(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        Assert.Equal(Tf.Cast(expected, DType.Float64).ToArray<double>(), Tf.Cast(actual, DType.Float64).ToArray<double>());
    }

    private static void AssertValues(string dtype, Tensor loaded) => AssertEqual(Expected(dtype, loaded.Shape.ToArray()), loaded);

    private static int[] ParseShape(string shape) => shape == "scalar" ? [] : [.. shape.Split('x').Select(int.Parse)];
}
