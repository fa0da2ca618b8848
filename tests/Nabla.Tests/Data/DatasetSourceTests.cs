using Nabla.Data;

namespace Nabla.Tests.Data;

public class DatasetSourceTests
{
    internal static Tensor Matrix(int rows, int columns, int offset = 0) =>
        Tf.Constant(Enumerable.Range(offset, rows * columns).Select(v => (float)v).ToArray(), new Shape(rows, columns));

    internal static long[] Longs(IEnumerable<Tensor> elements) => elements.Select(t => t.Item<long>()).ToArray();

    [Fact]
    public void FromTensorSlices_Matrix_YieldsItsRowsInOrder()
    {
        Tensor x = Matrix(4, 3);
        Dataset<Tensor> ds = Dataset.FromTensorSlices(x);
        Assert.Equal(4, ds.Cardinality());
        Tensor[] rows = [.. ds];
        Assert.Equal(4, rows.Length);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(new Shape(3), rows[i].Shape);
            Assert.Equal(DType.Float32, rows[i].DType);
            Assert.Equal(x[i].ToArray<float>(), rows[i].ToArray<float>());
        }

        // A second iteration starts again from the first row.
        Assert.Equal(x[0].ToArray<float>(), ds.First().ToArray<float>());
    }

    [Fact]
    public void FromTensorSlices_Pair_DeconstructsInForeach()
    {
        Tensor x = Matrix(5, 2);
        Tensor y = Tf.Constant(new[] { 10, 11, 12, 13, 14 });
        int i = 0;
        foreach (var (xi, yi) in Dataset.FromTensorSlices(x, y))
        {
            Assert.Equal(x[i].ToArray<float>(), xi.ToArray<float>());
            Assert.Equal(10 + i, yi.Item<int>());
            Assert.Equal(DType.Int32, yi.DType);
            i++;
        }

        Assert.Equal(5, i);
    }

    [Fact]
    public void FromTensorSlices_NestedNamedTuple_KeepsTheStructure()
    {
        Tensor a = Matrix(3, 2), b = Matrix(3, 4, 100);
        Tensor labels = Tf.Constant(new long[] { 7, 8, 9 });
        Dataset<((Tensor, Tensor), Tensor)> ds = Dataset.FromTensorSlices(((a, b), labels));
        ((Tensor A, Tensor B) Inputs, Tensor Label)[] elements = [.. ds];
        Assert.Equal(3, elements.Length);
        Assert.Equal(b[2].ToArray<float>(), elements[2].Inputs.B.ToArray<float>());
        Assert.Equal(a[1].ToArray<float>(), elements[1].Inputs.A.ToArray<float>());
        Assert.Equal(9L, elements[2].Label.Item<long>());
    }

    [Fact]
    public void FromTensorSlices_Dictionary_SlicesEachNamedTensor()
    {
        var features = new Dictionary<string, Tensor>
        {
            ["fare"] = Tf.Constant(new[] { 7.25, 71.3, 8.05 }),
            ["age"] = Tf.Constant(new[] { 22, 38, 26 }),
        };
        IReadOnlyDictionary<string, Tensor>[] rows = [.. Dataset.FromTensorSlices(features)];
        Assert.Equal(3, rows.Length);
        Assert.Equal(["fare", "age"], rows[1].Keys);   // the input's key order
        Assert.Equal(71.3, rows[1]["fare"].Item<double>());
        Assert.Equal(26, rows[2]["age"].Item<int>());
    }

    [Fact]
    public void FromTensorSlices_CSharpArray_IsAStronglyTypedInt32Dataset()
    {
        Tensor[] items = [.. Dataset.FromTensorSlices(new[] { 3, 1, 2 })];
        Assert.Equal([3, 1, 2], items.Select(t => t.Item<int>()));
        Assert.All(items, t => Assert.Equal(DType.Int32, t.DType));
        Assert.All(items, t => Assert.False(t.IsWeak));   // slices are ordinary (strong) tensors
    }

    [Fact]
    public void FromTensorSlices_Variable_CapturesItsValueAtCreation()
    {
        var v = new Variable(new[] { 1f, 2f });
        Dataset<Tensor> ds = Dataset.FromTensorSlices(v);
        v.Assign(Tf.Constant(new[] { 5f, 6f }));
        Assert.Equal([1f, 2f], ds.Select(t => t.Item<float>()));
    }

    [Fact]
    public void FromTensorSlices_BadInputs_ThrowNamingTheShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromTensorSlices(Matrix(3, 2), Tf.Constant(new[] { 1, 2 })));
        Assert.Contains("(3, 2)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2,)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Dataset.FromTensorSlices(Tf.Constant(3f)));
    }

    [Fact]
    public void Range_CountsLikePython_WithCardinality()
    {
        Assert.Equal([0L, 1, 2, 3, 4], Longs(Dataset.Range(5)));
        Assert.Equal([2L, 5, 8], Longs(Dataset.Range(2, 10, 3)));
        Assert.Equal([10L, 7, 4, 1], Longs(Dataset.Range(10, 0, -3)));
        Assert.Empty(Dataset.Range(3, 3));
        Assert.Equal(4, Dataset.Range(10, 0, -3).Cardinality());
        Assert.Equal(long.MaxValue, Dataset.Range(long.MaxValue).Cardinality());
        Tensor first = Dataset.Range(1, 3, dtype: DType.Float32).First();
        Assert.Equal(DType.Float32, first.DType);
        Assert.Equal(new Shape(), first.Shape);
        Assert.Throws<ArgumentException>(() => Dataset.Range(0, 5, 0));
    }

    [Fact]
    public void FromGenerator_CallsTheGeneratorPerIterationAndReadsLazily()
    {
        int calls = 0, pulled = 0;
        IEnumerable<Tensor> Generate()
        {
            calls++;
            for (int i = 0; ; i++)
            {
                pulled++;
                yield return Tf.Constant(i);
            }
        }

        Dataset<Tensor> ds = Dataset.FromGenerator(Generate);
        Assert.Equal(0, calls);
        Assert.Equal(Dataset.UnknownCardinality, ds.Cardinality());
        Assert.Equal([0, 1, 2], ds.Take(3).Select(t => t.Item<int>()));
        Assert.Equal([0, 1], ds.Take(2).Select(t => t.Item<int>()));
        Assert.Equal(2, calls);
        Assert.Equal(5, pulled);
    }

    [Fact]
    public void Zip_StopsAtTheShorterDataset()
    {
        Dataset<(Tensor, Tensor)> zipped = Dataset.Zip(Dataset.Range(5), Dataset.Range(10, 13));
        Assert.Equal(3, zipped.Cardinality());
        Assert.Equal([(0L, 10L), (1L, 11L), (2L, 12L)], zipped.Select(p => (p.Item1.Item<long>(), p.Item2.Item<long>())));
        Assert.Equal(5, Dataset.Range(5).Zip(Dataset.Range(1).Repeat()).Cardinality());
        var triples = Dataset.Zip(Dataset.Range(2), Dataset.Range(2), Dataset.Range(5, 7)).ToList();
        Assert.Equal(2, triples.Count);
        Assert.Equal((1L, 1L, 6L), (triples[1].Item1.Item<long>(), triples[1].Item2.Item<long>(), triples[1].Item3.Item<long>()));
    }

    [Fact]
    public void ConcatenateAndEnumerate_ChainInOrder()
    {
        Dataset<Tensor> both = Dataset.Range(3).Concatenate(Dataset.Range(10, 12));
        Assert.Equal(5, both.Cardinality());
        Assert.Equal([0L, 1, 2, 10, 11], Longs(both));
        Assert.Equal([0L, 1, 2, 3, 4], both.Enumerate().Select(p => p.Index));
    }
}
