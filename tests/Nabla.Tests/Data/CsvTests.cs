using Nabla.Data;

namespace Nabla.Tests.Data;

public class CsvTests
{
    private static Dataset<IReadOnlyDictionary<string, Tensor>> Csv(string text, IReadOnlyList<CsvColumn>? columns = null, bool header = true,
        IReadOnlyList<string>? columnNames = null, IReadOnlyList<string>? selectColumns = null, char delimiter = ',', string naValue = "") =>
        Dataset.FromCsv(() => new StringReader(text), "test.csv", columns, header, columnNames, selectColumns, delimiter, naValue: naValue);

    [Fact]
    public void Header_InfersInt32Int64AndFloat32_InColumnOrder()
    {
        var rows = Csv("id,big,price\n1,5000000000,2.5\n2,3,-1e-3\n").ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["id", "big", "price"], rows[0].Keys);
        Assert.Equal((DType.Int32, DType.Int64, DType.Float32), (rows[0]["id"].DType, rows[0]["big"].DType, rows[0]["price"].DType));
        Assert.Equal(5_000_000_000L, rows[0]["big"].Item<long>());
        Assert.Equal(-1e-3f, rows[1]["price"].Item<float>());
        Assert.Equal(new Shape(), rows[1]["id"].Shape);
    }

    [Fact]
    public void ColumnTypes_DefaultsFillMissingFields_AndRequiredOnesFail()
    {
        CsvColumn[] types = [CsvColumn.Int64, new(DType.Float64, double.NaN), new(DType.Int32, -1)];
        var rows = Csv("date,co2,flag\n19580329,316.1,\n19580405,,NA\n19580412,NA,2\n", types, naValue: "NA").ToList();
        Assert.Equal([316.1, double.NaN, double.NaN], rows.Select(r => r["co2"].Item<double>()));
        Assert.Equal([-1, -1, 2], rows.Select(r => r["flag"].Item<int>()));

        var e = Assert.Throws<InvalidDataException>(() => Csv("a,b\n1,2\n,4\n", [CsvColumn.Int32, CsvColumn.Int32]).ToList());
        Assert.Contains("field 'a' is required but missing in record 1 (line 3 of test.csv)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuotedFields_HoldDelimitersQuotesAndLineBreaks()
    {
        const string Text = "name,value\n\"Smith, \"\"J\"\"\",1\n\"two\nlines\",2\r\n\"\",3";
        var rows = Csv(Text, selectColumns: ["value"]).ToList();
        Assert.Equal([1, 2, 3], rows.Select(r => r["value"].Item<int>()));
        var bad = Assert.Throws<InvalidDataException>(() => Csv("a,b\n1,2\n3,4\n5\n", selectColumns: ["a"]).ToList());
        Assert.Contains("expect 2 fields but have 1 in record 2 (line 4 of test.csv)", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LineEndings_BlankLinesAndAMissingFinalNewline_AreRead()
    {
        var rows = Csv("a;b\r\n1;2\r\n\r\n3;4\r5;6", delimiter: ';').ToList();
        Assert.Equal([1, 3, 5], rows.Select(r => r["a"].Item<int>()));
        Assert.Equal([2, 4, 6], rows.Select(r => r["b"].Item<int>()));
    }

    [Fact]
    public void NoHeader_NamesColumnsOrUsesTheGivenNames()
    {
        Assert.Equal(["column_0", "column_1"], Csv("1,2\n3,4\n", header: false).First().Keys);
        var rows = Csv("1\t2\n3\t4\n", header: false, columnNames: ["x", "y"], delimiter: '\t').ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(4, rows[1]["y"].Item<int>());
    }

    [Fact]
    public void SpecialValuesAndBooleans_Parse()
    {
        var row = Csv("f,b\nnan,true\n-inf,0\nInfinity,FALSE\n", [CsvColumn.Float32, new(DType.Bool)]).ToList();
        Assert.True(float.IsNaN(row[0]["f"].Item<float>()));
        Assert.Equal([float.NegativeInfinity, float.PositiveInfinity], row.Skip(1).Select(r => r["f"].Item<float>()));
        Assert.Equal([true, false, false], row.Select(r => r["b"].Item<bool>()));
    }

    [Fact]
    public void BadValuesAndLayouts_NameTheColumnRecordAndLine()
    {
        var notInt = Assert.Throws<InvalidDataException>(() => Csv("a\n1\n2.5\n", [CsvColumn.Int32]).ToList());
        Assert.Contains("field 'a' in record 1 (line 3 of test.csv) is not a valid int32: '2.5'", notInt.Message, StringComparison.Ordinal);
        Assert.Contains("not a number", Assert.Throws<InvalidDataException>(() => Csv("a,name\n1,bob\n")).Message, StringComparison.Ordinal);
        Assert.Single(Csv("a,name\n1,bob\n", selectColumns: ["a"]));
        Assert.Contains("no column 'c'", Assert.Throws<InvalidDataException>(() => Csv("a,b\n1,2\n", selectColumns: ["c"])).Message, StringComparison.Ordinal);
        Assert.Contains("unique", Assert.Throws<InvalidDataException>(() => Csv("a,a\n1,2\n")).Message, StringComparison.Ordinal);
        Assert.Contains("1 column types were given for the 2 selected columns",
            Assert.Throws<InvalidDataException>(() => Csv("a,b\n1,2\n", [CsvColumn.Int32])).Message, StringComparison.Ordinal);
        Assert.Contains("cannot have quotes inside",
            Assert.Throws<InvalidDataException>(() => Csv("a,b\n1,x\"y\n", [CsvColumn.Int32, CsvColumn.Int32]).ToList()).Message, StringComparison.Ordinal);
        Assert.Contains("no closing quote",
            Assert.Throws<InvalidDataException>(() => Csv("a,b\n1,\"open\n", [CsvColumn.Int32, CsvColumn.Int32]).ToList()).Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => Dataset.FromCsv("/nonexistent/file.csv"));
    }

    [Fact]
    public void NarrowIntegerColumns_ReadTheirDTypes_WithDefaultsAndBatches()
    {
        const string Text = "pixel,delta,level\n0,-128,32767\n255,127,\n7,-1,-5\n";
        CsvColumn[] types = [CsvColumn.UInt8, CsvColumn.Int8, new(DType.Int16, -32768)];
        var rows = Csv(Text, types).ToList();
        Assert.Equal((DType.UInt8, DType.Int8, DType.Int16), (rows[0]["pixel"].DType, rows[0]["delta"].DType, rows[0]["level"].DType));
        Assert.Equal(new byte[] { 0, 255, 7 }, rows.Select(r => r["pixel"].Item<byte>()));
        Assert.Equal(new sbyte[] { -128, 127, -1 }, rows.Select(r => r["delta"].Item<sbyte>()));
        Assert.Equal(new short[] { 32767, -32768, -5 }, rows.Select(r => r["level"].Item<short>()));

        IReadOnlyDictionary<string, Tensor> batch = Csv(Text, types).Batch(3).Single();
        Assert.Equal(DType.UInt8, batch["pixel"].DType);
        Assert.Equal(new byte[] { 0, 255, 7 }, batch["pixel"].ToArray<byte>());
    }

    [Theory]
    [InlineData("uint8", "256", "[0, 255]")]
    [InlineData("uint8", "-1", "[0, 255]")]
    [InlineData("int8", "128", "[-128, 127]")]
    [InlineData("int8", "-129", "[-128, 127]")]
    [InlineData("int16", "32768", "[-32768, 32767]")]
    [InlineData("int32", "2147483648", "[-2147483648, 2147483647]")]
    [InlineData("int64", "9223372036854775808", "[-9223372036854775808, 9223372036854775807]")]
    public void IntegerColumns_OutOfRange_AreRefusedNamingColumnRecordAndRange(string dtypeName, string text, string range)
    {
        DType dtype = DType.All.First(d => d.Name == dtypeName);
        var e = Assert.Throws<InvalidDataException>(() => Csv($"id,value\n1,0\n2,{text}\n", [CsvColumn.Int32, new(dtype)]).ToList());
        Assert.Contains($"field 'value' in record 1 (line 3 of test.csv) is out of the range of {dtypeName} {range}: '{text}'", e.Message,
            StringComparison.Ordinal);
        var notInteger = Assert.Throws<InvalidDataException>(() => Csv("value\n1.5\n", [new(dtype)]).ToList());
        Assert.Contains($"field 'value' in record 0 (line 2 of test.csv) is not a valid {dtypeName}: '1.5'", notInteger.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_OutsideTheColumnDType_AreRefusedAtFromCsv()
    {
        var e = Assert.Throws<InvalidDataException>(() => Csv("a,b\n1,2\n", [CsvColumn.Int32, new(DType.UInt8, 300)]));
        Assert.Contains("default value 300 of column 'b' of test.csv is not a uint8 (whole numbers in [0, 255])", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => Csv("a\n1\n", [new(DType.Int8, 0.5)]));
        Assert.Throws<InvalidDataException>(() => Csv("a\n1\n", [new(DType.Int32, double.NaN)]));
        Assert.Throws<InvalidDataException>(() => Csv("a\n1\n", [new(DType.Bool, 2)]));
        Assert.Equal(-32768, Csv("a,b\n1,\n", [CsvColumn.Int32, new(DType.Int16, -32768)]).Single()["b"].Item<short>());
    }

    [Fact]
    public void Records_AreReadLazily_AndRereadEachIteration()
    {
        int opened = 0;
        var ds = Dataset.FromCsv(() => { opened++; return new StringReader("a\n1\n2\nbad\n"); }, "lazy.csv", [CsvColumn.Int32]);
        Assert.Equal([1, 2], ds.Take(2).Select(r => r["a"].Item<int>()));   // the bad record is never reached
        Assert.Throws<InvalidDataException>(() => ds.ToList());
        Assert.Equal(3, opened);   // the layout, then one per iteration
    }

    [Fact]
    public void Records_Batch_IntoNamedColumns()
    {
        IReadOnlyDictionary<string, Tensor>[] batches = [.. Csv("x,y\n1,0.5\n2,1.5\n3,2.5\n").Batch(2)];
        Assert.Equal([1, 2], batches[0]["x"].ToArray<int>());
        Assert.Equal([2.5f], batches[1]["y"].ToArray<float>());
    }

    [Fact]
    public void FromCsv_RealFile_ReadsTheMaunaLoaSeries()
    {
        string path = SharedData("co2/co2.csv");
        var series = Dataset.FromCsv(path, [CsvColumn.Int32, new(DType.Float32, double.NaN)]);
        float[] co2 = [.. series.Select(r => r["co2"].Item<float>())];
        Assert.Equal(2284, co2.Length);
        Assert.Equal(59, co2.Count(float.IsNaN));   // the README's count of weeks without a value
        Assert.Equal(316.1f, co2[0]);
        Assert.Equal(19580329, series.First()["date"].Item<int>());
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "nabla-csv-bom.csv"), "\uFEFFa\n7\n");
        Assert.Equal("a", Dataset.FromCsv(Path.Combine(Path.GetTempPath(), "nabla-csv-bom.csv")).Single().Keys.Single());
    }

    /// <summary>A file of the read-only <c>shared/data</c> folder beside the repository (or a worktree further down).</summary>
    internal static string SharedData(string relative)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"shared/data/{relative} not found above {AppContext.BaseDirectory}.");
    }
}
