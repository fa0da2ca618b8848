using System.Globalization;
using System.Text;

namespace Nabla.Tests.Tensors;

/// <summary>
/// Golden strings for <see cref="NumPyFormatter"/>: each expected value is what NumPy's <c>str(ndarray)</c>
/// prints for the same data with the default print options.
/// </summary>
public class NumPyFormatterTests
{
    private static string F64(double[] values, params int[] shape) => NumPyFormatter.Format(values, shape, DType.Float64);

    private static string F32(float[] values, params int[] shape) => NumPyFormatter.Format(values, shape, DType.Float32);

    private static string I64(long[] values, params int[] shape) => NumPyFormatter.Format(values, shape, DType.Int64);

    private static long[] Range(int count) => Enumerable.Range(0, count).Select(i => (long)i).ToArray();

    [Fact]
    public void Format_Int64Arange25_WrapsAtLineWidth()
    {
        Assert.Equal(
            "[ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23\n 24]",
            I64(Range(25), 25));
    }

    [Fact]
    public void Format_Int32Matrix_PrintsRows()
    {
        Assert.Equal("[[1 2]\n [3 4]]", NumPyFormatter.Format(new[] { 1, 2, 3, 4 }, [2, 2], DType.Int32));
    }

    [Fact]
    public void Format_NegativeIntegers_RightAlignedToWidest()
    {
        Assert.Equal("[-1 10]", I64([-1, 10], 2));
        Assert.Equal("[  -5 1000    7]", NumPyFormatter.Format(new[] { -5, 1000, 7 }, [3], DType.Int32));
    }

    [Fact]
    public void Format_Bools_PadTrueToFalseWidth()
    {
        Assert.Equal("[ True False]", NumPyFormatter.Format(new[] { true, false }, [2], DType.Bool));
        Assert.Equal("[[ True]\n [ True]]", NumPyFormatter.Format(new[] { true, true }, [2, 1], DType.Bool));
    }

    [Fact]
    public void Format_Float64MatrixOfFives_PrintsIntegralFloatsWithPoint()
    {
        double[] values = [5, 5, 5, 5, 5, 5, 5, 5, 5];
        Assert.Equal("[[5. 5. 5.]\n [5. 5. 5.]\n [5. 5. 5.]]", F64(values, 3, 3));
    }

    [Fact]
    public void Format_IntegralFloats_AlignOnPoint()
    {
        Assert.Equal("[1. 2.]", F64([1, 2], 2));
        Assert.Equal("[ 0.  1. 10.]", F64([0, 1, 10], 3));
    }

    [Fact]
    public void Format_Float32Row_UsesFloat32ShortestDigits()
    {
        Assert.Equal("[[0.76252973]]", F32([0.76252973f], 1, 1));
        Assert.Equal("[0.33333334]", F32([1f / 3f], 1));
        Assert.Equal("[0.33333333]", F64([1.0 / 3.0], 1));
    }

    [Fact]
    public void Format_Float32MixedDigits_PadsFractionWithSpaces()
    {
        Assert.Equal(
            "[2.2937498 1.6268195 0.9598893 0.2929592 0.373971  1.0409012]",
            F32([2.2937498f, 1.6268195f, 0.9598893f, 0.2929592f, 0.373971f, 1.0409012f], 6));
        Assert.Equal(
            "[1.7777526  1.33482    0.8918874  0.44895482 0.00602198 0.43691063]",
            F32([1.7777526f, 1.33482f, 0.8918874f, 0.44895482f, 0.00602198f, 0.43691063f], 6));
        Assert.Equal("[1.5 2. ]", F64([1.5, 2], 2));
        Assert.Equal("[0.1  0.25]", F32([0.1f, 0.25f], 2));
    }

    [Fact]
    public void Format_MoreThanPrecisionDigits_RoundsToEightDecimals()
    {
        Assert.Equal("[0.12345679]", F64([0.123456789123], 1));
        Assert.Equal("[1.]", F64([0.999999999], 1));
        Assert.Equal("[0.0001]", F64([1e-4], 1));
    }

    [Fact]
    public void Format_SmallOrWideRange_UsesScientific()
    {
        Assert.Equal("[1.e-05 1.e+00]", F64([1e-5, 1], 2));
        Assert.Equal("[1.5e-10 1.0e+00]", F64([1.5e-10, 1], 2));
        Assert.Equal("[-1.e-05  1.e+00]", F64([-1e-5, 1], 2));
        Assert.Equal("[1.000e+00 1.001e+03]", F64([1, 1001], 2));
        Assert.Equal("[1.e+08]", F64([1e8], 1));
    }

    [Fact]
    public void Format_ThreeDigitExponent_PadsAllExponents()
    {
        Assert.Equal("[1.e+100 1.e+000]", F64([1e100, 1], 2));
    }

    [Fact]
    public void Format_ScientificShortMantissa_ExtendsWithExactDigits()
    {
        // float16(0.1) is 0.0999755859375: NumPy prints its true digits to the common precision, not zeros.
        Half[] values = [(Half)0.1, (Half)1.234e-5];
        Assert.Equal("[9.998e-02 1.234e-05]", NumPyFormatter.Format(values, [2], DType.Float16));
    }

    [Fact]
    public void Format_NonFinite_AlignedWithFiniteValues()
    {
        Assert.Equal("[ nan  inf -inf]", F64([double.NaN, double.PositiveInfinity, double.NegativeInfinity], 3));
        Assert.Equal("[ 1. nan]", F64([1, double.NaN], 2));
        Assert.Equal("[   nan 1.e-05 1.e+00]", F64([double.NaN, 1e-5, 1], 3));
        Assert.Equal("[nan inf]", F32([float.NaN, float.PositiveInfinity], 2));
    }

    [Fact]
    public void Format_NegativeZero_KeepsSign()
    {
        Assert.Equal("[-0.  1.]", F64([-0.0, 1], 2));
    }

    [Fact]
    public void Format_Float16_UsesHalfShortestDigits()
    {
        Half[] values = [(Half)0.1, (Half)0.2];
        Assert.Equal("[0.1 0.2]", NumPyFormatter.Format(values, [2], DType.Float16));
        Assert.Equal("0.1", NumPyFormatter.Format(new[] { (Half)0.1 }, [], DType.Float16));
    }

    [Fact]
    public void Format_BFloat16_UsesEightBitMantissaShortestDigits()
    {
        // bfloat16(1/3) is 0.333984375 and bfloat16(0.1) is 0.10009765625.
        BFloat16[] values = [BFloat16.FromSingle(1f / 3f), BFloat16.FromSingle(0.1f)];
        Assert.Equal("[0.334 0.1  ]", NumPyFormatter.Format(values, [2], DType.BFloat16));
        Assert.Equal("[1.  2.5]", NumPyFormatter.Format(new[] { BFloat16.FromSingle(1f), BFloat16.FromSingle(2.5f) }, [2], DType.BFloat16));
    }

    [Fact]
    public void Format_Scalars_PrintLikeNumPyScalarStr()
    {
        Assert.Equal("25", I64([25]));
        Assert.Equal("-7", NumPyFormatter.Format(new[] { -7 }, [], DType.Int32));
        Assert.Equal("True", NumPyFormatter.Format(new[] { true }, [], DType.Bool));
        Assert.Equal("False", NumPyFormatter.Format(new[] { false }, [], DType.Bool));
        Assert.Equal("108.0", F32([108f]));
        Assert.Equal("2.0040548", F32([2.0040548f]));
        Assert.Equal("1e-05", F64([1e-5]));
        Assert.Equal("1.5e+16", F64([1.5e16]));
        Assert.Equal("1e-04", F32([1e-4f]));
        Assert.Equal("-0.0", F64([-0.0]));
        Assert.Equal("nan", F64([double.NaN]));
        Assert.Equal("inf", F32([float.PositiveInfinity]));
        Assert.Equal("-inf", F64([double.NegativeInfinity]));
        Assert.Equal("1.0", NumPyFormatter.Format(new[] { BFloat16.FromSingle(1f) }, [], DType.BFloat16));
    }

    [Fact]
    public void Format_EmptyShapes_PrintEmptyBrackets()
    {
        Assert.Equal("[]", F64([], 0));
        Assert.Equal("[]", F64([], 2, 0));
        Assert.Equal("[]", I64([], 0, 3, 2));
    }

    [Fact]
    public void Format_StorageLongerThanShape_ReadsOnlyShapeElements()
    {
        Assert.Equal("[1 2]", I64([1, 2, 300], 2));
    }

    [Fact]
    public void Format_LongVector_SummarizesWithEllipsis()
    {
        Assert.Equal("[   0    1    2 ... 1997 1998 1999]", I64(Range(2000), 2000));
    }

    [Fact]
    public void Format_LongFloatVector_SizesFromShownElementsOnly()
    {
        double[] values = Enumerable.Range(0, 2000).Select(i => (double)i).ToArray();
        Assert.Equal("[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]", F64(values, 2000));
    }

    [Fact]
    public void Format_LargeMatrix_SummarizesRowsAndColumns()
    {
        const string Row = "[0. 0. 0. ... 0. 0. 0.]";
        string expected = $"[{Row}\n {Row}\n {Row}\n ...\n {Row}\n {Row}\n {Row}]";
        Assert.Equal(expected, F64(new double[100 * 100], 100, 100));
    }

    [Fact]
    public void Format_Rank3_SeparatesBlocksWithBlankLine()
    {
        Assert.Equal("[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]", I64(Range(8), 2, 2, 2));
    }

    [Fact]
    public void Format_LargeRank3_SummarizesEveryAxis()
    {
        const string Row = "[0 0 0 ... 0 0 0]";
        string block = $"[{Row}\n  {Row}\n  {Row}\n  ...\n  {Row}\n  {Row}\n  {Row}]";
        var expected = new StringBuilder("[");
        for (int i = 0; i < 3; i++)
        {
            expected.Append(i == 0 ? string.Empty : " ").Append(block).Append("\n\n");
        }

        expected.Append(" ...\n\n");
        for (int i = 0; i < 3; i++)
        {
            expected.Append(' ').Append(block).Append(i < 2 ? "\n\n" : "]");
        }

        Assert.Equal(expected.ToString(), I64(new long[20 * 10 * 10], 20, 10, 10));
    }

    [Fact]
    public void Format_WideMatrixRow_WrapsWithRowIndent()
    {
        Assert.Equal(
            "[[ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23\n  24 25 26 27 28 29]]",
            I64(Range(30), 1, 30));
    }

    [Fact]
    public void Format_WrappedFloatRow_TrimsTrailingSpaceBeforeBreak()
    {
        float[] values = new float[10];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i == 0 ? 0.5f : 0.25f;
        }

        Assert.Equal(
            "[0.5  0.25 0.25 0.25 0.25 0.25 0.25 0.25 0.25 0.25]",
            F32(values, 10));
        Assert.Equal(
            "[0.5  0.25 0.25 0.25 0.25\n 0.25 0.25 0.25 0.25 0.25]",
            NumPyFormatter.Format(values, [10], DType.Float32, lineWidth: 30));
    }

    // The cases below are NumPy's own test_arrayprint.py expectations, rewritten from repr() to str() form.
    [Fact]
    public void Format_NumPySuiteFloatSpacing_MatchesNumPy()
    {
        Assert.Equal("[  1.   2. -10.]", F64([1, 2, -10], 3));
        Assert.Equal("[100.   2.  -1.]", F64([100, 2, -1], 3));
        Assert.Equal("[-100.    2.    1.]", F64([-100, 2, 1], 3));
        Assert.Equal("[ nan -inf]", F64([double.NaN, double.NegativeInfinity], 2));
        Assert.Equal("[1.234e+09]", F64([1.234e9], 1));
        Assert.Equal("[ 0. -0.]", F64([0, -0.0], 2));
        Assert.Equal("[1.5        0.         1.23456789]", F64([1.5, 0, 1.234567890], 3));
        Assert.Equal("1.1234567891234568", F64([1.123456789123456789]));
    }

    [Fact]
    public void Format_NumPySuitePrecisionOption_MatchesNumPy()
    {
        Assert.Equal("[     inf 1.00e+05 1.12e+00]", Precision([double.PositiveInfinity, 100000, 1.1234], 2));
        Assert.Equal("[      inf  1.00e+05 -1.12e+00]", Precision([double.PositiveInfinity, 100000, -1.1234], 2));
        Assert.Equal("[       inf  1.12e+000 -1.00e+120]", Precision([double.PositiveInfinity, 1.1234, -1e120], 2));
        Assert.Equal("[0.67]", Precision([2.0 / 3], 2));
        Assert.Equal("[0.]", Precision([0.3], 0));
        Assert.Equal("[-0.]", Precision([-0.3], 0));
        Assert.Equal("[1.]", Precision([0.7], 0));
        Assert.Equal("[2.]", Precision([1.5], 0));
        Assert.Equal("[-2.]", Precision([-1.5], 0));
        Assert.Equal("[-15.]", Precision([-15.34], 0));
        Assert.Equal("[  0.  -1. 123.]", Precision([0.2, -1, 122.51], 0));

        static string Precision(double[] values, int precision) =>
            NumPyFormatter.Format(values, [values.Length], DType.Float64, precision: precision);
    }

    [Fact]
    public void Format_NumPySuiteFloatModeMaxPrec_MatchesNumPy()
    {
        Half[] x = [(Half)0.6104, (Half)0.922, (Half)0.457, (Half)0.0906, (Half)0.3733, (Half)0.007244, (Half)0.5933, (Half)0.947, (Half)0.2383, (Half)0.4226];
        Assert.Equal(
            "[0.6104   0.922    0.457    0.0906   0.3733   0.007244 0.5933   0.947\n 0.2383   0.4226  ]",
            NumPyFormatter.Format(x, [10], DType.Float16));
        double[] y = [0.2918820979355541, 0.5064172631089138, 0.2848750619642916, 0.4342965294660567, 0.7326538397312751, 0.3459503329096204, 0.0862072768214508, 0.39112753029631175];
        Assert.Equal(
            "[0.2918821  0.50641726 0.28487506 0.43429653 0.73265384 0.34595033\n 0.08620728 0.39112753]",
            F64(y, 8));
        Half[] z = [(Half)0f, (Half)(1 / 10f), (Half)(2 / 10f), (Half)(3 / 10f), (Half)(4 / 10f), (Half)(5 / 10f)];
        Assert.Equal("[0.  0.1 0.2 0.3 0.4 0.5]", NumPyFormatter.Format(z, [6], DType.Float16));
        Assert.Equal("[1.e+00 1.e+05 1.e+10 1.e+15 1.e+20]", F64([1, 1e5, 1e10, 1e15, 1e20], 5));
        Assert.Equal("[1.234e+001 1.000e+002 1.000e+123]", F64([12.34, 100, 1e123], 3));

        double[] w = new double[25];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = double.Parse($"1e{i}", CultureInfo.InvariantCulture);
        }

        Assert.Equal(
            "[1.e+00 1.e+01 1.e+02 1.e+03 1.e+04 1.e+05 1.e+06 1.e+07 1.e+08 1.e+09\n"
            + " 1.e+10 1.e+11 1.e+12 1.e+13 1.e+14 1.e+15 1.e+16 1.e+17 1.e+18 1.e+19\n"
            + " 1.e+20 1.e+21 1.e+22 1.e+23 1.e+24]",
            F64(w, 25));
    }

    [Fact]
    public void Format_NumPySuiteExponentCutoffs_MatchesNumPy()
    {
        Half[] halves = [(Half)1e3, (Half)1e4, (Half)65504];
        Assert.Equal("[ 1000. 10000. 65504.]", NumPyFormatter.Format(halves, [3], DType.Float16));
        Assert.Equal("[ 1000000. 10000000.]", F32([1e6f, 1e7f], 2));
        Assert.Equal("[1.e+07 1.e+08]", F32([1e7f, 1e8f], 2));

        // Array elements print every integer digit, a scalar's str() only the shortest ones.
        Assert.Equal("65500.0", NumPyFormatter.Format(new[] { (Half)65504 }, [], DType.Float16));
    }

    [Fact]
    public void Format_NumPySuiteLineWidthAndEdgeItems_MatchesNumPy()
    {
        long[] twos = new long[18];
        Array.Fill(twos, 2L);
        Assert.Equal("[2 2 2 2 2 2 2 2\n 2 2 2 2 2 2 2 2\n 2 2]", NumPyFormatter.Format(twos, [18], DType.Int64, lineWidth: 18));
        Assert.Equal("[0\n 1\n 2]", NumPyFormatter.Format(Range(3), [3], DType.Int64, lineWidth: 4));
        Assert.Equal("[0 ... 0]", NumPyFormatter.Format(new long[3], [3], DType.Int64, threshold: 0, edgeItems: 1));
        Assert.Equal("[   0    1    2 ...  998  999 1000]", I64(Range(1001), 1001));
        Assert.Equal("[   0    1    2 ... 9997 9998 9999]", I64(Range(10000), 10000));
        Assert.Equal(
            "[[   0    1    2 ...  498  499  500]\n [ 501  502  503 ...  999 1000 1001]]",
            I64(Range(1002), 2, 501));
        Assert.Equal(
            "[[[ 0 ...  2]\n  ...\n  [ 6 ...  8]]\n\n ...\n\n [[18 ... 20]\n  ...\n  [24 ... 26]]]",
            NumPyFormatter.Format(Range(27), [3, 3, 3], DType.Int64, threshold: 1, edgeItems: 1));
        Assert.Equal(
            "[[[[0.]]\n\n  ...\n\n  [[0.]]]\n\n\n ...\n\n\n [[[0.]]\n\n  ...\n\n  [[0.]]]]",
            NumPyFormatter.Format(new double[9], [3, 3, 1, 1], DType.Float64, threshold: 1, edgeItems: 1));
    }

    [Fact]
    public void Format_MismatchedStorage_Throws()
    {
        Assert.Throws<ArgumentException>(() => NumPyFormatter.Format(new[] { 1.0 }, [1], DType.Float32));
    }

    [Fact]
    public void Format_GermanCurrentCulture_OutputUnchanged()
    {
        CultureInfo original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = GermanCulture();
            Assert.Equal("[1.7777526  0.44895482]", F32([1.7777526f, 0.44895482f], 2));
            Assert.Equal("[-1.e-05  1.e+00]", F64([-1e-5, 1], 2));
            Assert.Equal("[ nan  inf -inf]", F64([double.NaN, double.PositiveInfinity, double.NegativeInfinity], 3));
            Assert.Equal("[-1000     2]", I64([-1000, 2], 2));
            Assert.Equal("108.0", F32([108f]));
            Assert.Equal("1e-05", F64([1e-5]));
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    /// <summary>
    /// German number conventions (decimal comma, dot grouping). Built by hand because the build runs with
    /// InvariantGlobalization, where the named "de-DE" culture is unavailable; the minus sign is the typographic
    /// one so a leaked culture-sensitive conversion of a negative number shows too.
    /// </summary>
    private static CultureInfo GermanCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        culture.NumberFormat.NegativeSign = "\u2212";
        culture.NumberFormat.NaNSymbol = "NaN";
        culture.NumberFormat.PositiveInfinitySymbol = "\u221E";
        culture.NumberFormat.NegativeInfinitySymbol = "-\u221E";
        return culture;
    }
}
