using Nabla.Data;
using static Nabla.Tests.Data.DatasetSourceTests;

namespace Nabla.Tests.Data;

public class DatasetOperatorTests
{
    [Fact]
    public void MapFilterTakeSkip_ComposeLazilyInOrder()
    {
        Dataset<Tensor> ds = Dataset.Range(20).Map(x => x * 3).Filter(x => x.Item<long>() % 2 == 0).Skip(2).Take(3);
        Assert.Equal([12L, 18, 24], Longs(ds));
        Assert.Equal(Dataset.UnknownCardinality, ds.Cardinality());
        Assert.Equal(3, Dataset.Range(20).Map(x => x).Skip(2).Take(3).Cardinality());
        Assert.Empty(Dataset.Range(5).Skip(-1));
        Assert.Equal(5, Dataset.Range(5).Take(-1).Count());
    }

    [Fact]
    public void Repeat_RunsNewPassesAndEndsOnAnEmptyInput()
    {
        Assert.Equal([0L, 1, 0, 1, 0, 1], Longs(Dataset.Range(2).Repeat(3)));
        Assert.Equal(6, Dataset.Range(2).Repeat(3).Cardinality());
        Assert.Equal(Dataset.InfiniteCardinality, Dataset.Range(2).Repeat().Cardinality());
        Assert.Equal([0L, 1, 0, 1, 0], Longs(Dataset.Range(2).Repeat().Take(5)));
        Assert.Equal(5, Dataset.Range(2).Repeat().Take(5).Cardinality());
        Assert.Empty(Dataset.Range(0).Repeat());   // ends instead of spinning forever
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.Range(2).Repeat(-2));
    }

    [Fact]
    public void Map_ToPair_RegistersTheStructureSoItBatches()
    {
        var ds = Dataset.Range(5).Map(x => (x, Tf.Cast(x, DType.Float32) * 0.5f)).Batch(2);
        (Tensor X, Tensor Half)[] batches = [.. ds];
        Assert.Equal(3, batches.Length);
        Assert.Equal([4L], batches[2].X.ToArray<long>());
        Assert.Equal([1f, 1.5f], batches[1].Half.ToArray<float>());
    }

    [Fact]
    public void Map_FunctionThrows_SurfacesTheElementIndex()
    {
        Dataset<Tensor> ds = Dataset.Range(10).Map(x => x.Item<long>() == 6 ? throw new FormatException("bad row") : x);
        var seen = new List<long>();
        var e = Assert.Throws<DatasetFunctionException>(() =>
        {
            foreach (Tensor t in ds)
            {
                seen.Add(t.Item<long>());
            }
        });
        Assert.Equal(6, e.ElementIndex);
        Assert.Equal("Map", e.Operation);
        Assert.IsType<FormatException>(e.InnerException);
        Assert.Contains("element 6", e.Message, StringComparison.Ordinal);
        Assert.Equal([0L, 1, 2, 3, 4, 5], seen);
        var f = Assert.Throws<DatasetFunctionException>(() => Dataset.Range(4).Filter(x => x.Item<long>() < 2 ? true : throw new InvalidOperationException()).Count());
        Assert.Equal(("Filter", 2L), (f.Operation, f.ElementIndex));
    }

    [Fact]
    public void Batch_StacksAlongANewAxisAndKeepsOrDropsTheRemainder()
    {
        Tensor x = Matrix(7, 2);
        Tensor[] batches = [.. Dataset.FromTensorSlices(x).Batch(3)];
        Assert.Equal([new Shape(3, 2), new Shape(3, 2), new Shape(1, 2)], batches.Select(b => b.Shape));
        Assert.Equal(x[3..6].ToArray<float>(), batches[1].ToArray<float>());
        Assert.Equal(3, Dataset.FromTensorSlices(x).Batch(3).Cardinality());
        Assert.Equal(2, Dataset.FromTensorSlices(x).Batch(3, dropRemainder: true).Count());
        Assert.Equal(2, Dataset.FromTensorSlices(x).Batch(3, dropRemainder: true).Cardinality());
        Assert.Equal(Dataset.InfiniteCardinality, Dataset.FromTensorSlices(x).Repeat().Batch(3).Cardinality());
        Tensor scalars = Dataset.Range(4).Batch(4).Single();
        Assert.Equal(new Shape(4), scalars.Shape);
    }

    [Fact]
    public void Batch_DifferentShapes_ThrowsTensorFlowsMessage()
    {
        Dataset<Tensor> ragged = Dataset.FromGenerator(() => new[] { Tf.Zeros([3]), Tf.Zeros([3]), Tf.Zeros([4]) }).Batch(3);
        var e = Assert.Throws<InvalidOperationException>(() => ragged.ToList());
        Assert.Contains("Cannot batch tensors with different shapes in component 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("element 2 had shape (4,)", e.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => Dataset.FromGenerator(() => new[] { "a" }).Batch(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.Range(3).Batch(0));
    }

    [Fact]
    public void Batch_Dictionaries_MatchLeavesByKeyWhateverTheInsertionOrder()
    {
        IEnumerable<IReadOnlyDictionary<string, Tensor>> Rows()
        {
            yield return new Dictionary<string, Tensor> { ["a"] = Tf.Constant(1), ["b"] = Tf.Constant(2f) };
            yield return new Dictionary<string, Tensor> { ["b"] = Tf.Constant(4f), ["a"] = Tf.Constant(3) };
        }

        IReadOnlyDictionary<string, Tensor> batch = Dataset.FromGenerator(Rows).Batch(2).Single();
        Assert.Equal([1, 3], batch["a"].ToArray<int>());
        Assert.Equal([2f, 4f], batch["b"].ToArray<float>());

        IEnumerable<IReadOnlyDictionary<string, Tensor>> Mismatched()
        {
            yield return new Dictionary<string, Tensor> { ["a"] = Tf.Constant(1) };
            yield return new Dictionary<string, Tensor> { ["c"] = Tf.Constant(1) };
        }

        var e = Assert.Throws<InvalidOperationException>(() => Dataset.FromGenerator(Mismatched).Batch(2).ToList());
        Assert.Contains("keys [c]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PaddedBatch_PadsEachComponentToTheLongestOrTheGivenShape()
    {
        IEnumerable<(Tensor, Tensor)> Sequences()
        {
            for (int n = 1; n <= 3; n++)
            {
                yield return (Tf.Constant(Enumerable.Range(1, n).ToArray()), Tf.Constant(n));
            }
        }

        (Tensor Tokens, Tensor Length) batch = Dataset.FromGenerator(Sequences).PaddedBatch(3).Single();
        Assert.Equal(new Shape(3, 3), batch.Tokens.Shape);
        Assert.Equal([1, 0, 0, 1, 2, 0, 1, 2, 3], batch.Tokens.ToArray<int>());
        Assert.Equal([1, 2, 3], batch.Length.ToArray<int>());

        Tensor fixedWidth = Dataset.FromGenerator(Sequences).PaddedBatch(2, [[5], null], [-1, 0]).First().Item1;
        Assert.Equal(new Shape(2, 5), fixedWidth.Shape);
        Assert.Equal([1, -1, -1, -1, -1, 1, 2, -1, -1, -1], fixedWidth.ToArray<int>());

        var e = Assert.Throws<InvalidOperationException>(() => Dataset.FromGenerator(Sequences).PaddedBatch(3, [[2], null]).ToList());
        Assert.Contains("smaller size than the input element", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PaddedBatch_Matrices_PadEveryAxis()
    {
        Tensor[] items = [Tf.Constant(new float[,] { { 1, 2 } }), Tf.Constant(new float[,] { { 3 }, { 4 } })];
        Tensor batch = Dataset.FromGenerator(() => items).PaddedBatch(2, paddingValues: [9]).Single();
        Assert.Equal(new Shape(2, 2, 2), batch.Shape);
        Assert.Equal([1f, 2, 9, 9, 3, 9, 4, 9], batch.ToArray<float>());
    }

    [Fact]
    public void Unbatch_UndoesBatch()
    {
        Tensor x = Matrix(5, 2);
        Tensor[] rows = [.. Dataset.FromTensorSlices(x).Batch(2).Unbatch()];
        Assert.Equal(5, rows.Length);
        Assert.Equal(x[4].ToArray<float>(), rows[4].ToArray<float>());
    }

    [Fact]
    public void Window_FollowsTensorFlowsExamples()
    {
        long[][] Windows(Dataset<Dataset<Tensor>> ds) => [.. ds.Select(w => Longs(w))];

        Assert.Equal([[0L, 1, 2], [2, 3, 4], [4, 5, 6], [6]], Windows(Dataset.Range(7).Window(3, shift: 2)));
        Assert.Equal([[0L, 1, 2], [2, 3, 4], [4, 5, 6]], Windows(Dataset.Range(7).Window(3, shift: 2, dropRemainder: true)));
        Assert.Equal([[0L, 2, 4], [1, 3, 5], [2, 4, 6], [3, 5], [4, 6], [5], [6]], Windows(Dataset.Range(7).Window(3, shift: 1, stride: 2)));
        Assert.Equal([[0L, 1], [4, 5]], Windows(Dataset.Range(7).Window(2, shift: 4)));
        Assert.Equal(4, Dataset.Range(7).Window(3, shift: 2).Cardinality());
        Assert.Equal(3, Dataset.Range(7).Window(3, shift: 2, dropRemainder: true).Cardinality());

        // Sequence models: windows as tensors.
        Tensor[] batches = [.. Dataset.Range(6).Window(4, shift: 1, dropRemainder: true).FlatMap(w => w.Batch(4))];
        Assert.Equal([[0L, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5]], batches.Select(b => b.ToArray<long>()));
    }

    [Fact]
    public void Cache_RunsTheInputOnceAfterACompleteIteration()
    {
        int calls = 0;
        Dataset<Tensor> ds = Dataset.Range(4).Map(x => { calls++; return x; }).Cache();
        Assert.Equal(2, ds.Take(2).Count());   // a partial iteration caches nothing
        Assert.Equal(2, calls);
        Assert.Equal([0L, 1, 2, 3], Longs(ds));
        Assert.Equal([0L, 1, 2, 3], Longs(ds));
        Assert.Equal(6, calls);
        Assert.Equal(4, ds.Cardinality());
    }

    [Fact]
    public void BoundedMemory_APipelinePullsOnlyWhatItsBuffersHold()
    {
        int pulled = 0;
        IEnumerable<Tensor> Endless()
        {
            for (long i = 0; ; i++)
            {
                Interlocked.Increment(ref pulled);
                yield return Tf.Constant(i);
            }
        }

        // Shuffle fills its 10 places before the first output and refills one place before each later one, so eight
        // outputs (two batches of 4) read exactly 10 + 7 elements from an endless source.
        Dataset<Tensor> ds = Dataset.FromGenerator(Endless).Shuffle(10, seed: 3).Batch(4);
        Tensor[] two = [.. ds.Take(2)];
        Assert.Equal(2, two.Length);
        Assert.Equal(17, pulled);
    }
}
