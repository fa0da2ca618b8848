using Nabla.Data;

namespace Nabla.Tests.Data;

/// <summary><c>Dataset.TimeseriesFromArray</c> against the examples of Keras's <c>timeseries_dataset_from_array</c>.</summary>
public class TimeseriesTests
{
    private static Tensor Steps(int n) => Tf.Constant(Enumerable.Range(0, n).ToArray());

    [Fact]
    public void Windows_SamplingRateAndStride_MatchKerasExampleOne()
    {
        // Indices 0..98, sequence_length=10, sampling_rate=2, sequence_stride=3.
        Tensor[] batches = [.. Dataset.TimeseriesFromArray(Steps(99), sequenceLength: 10, sequenceStride: 3, samplingRate: 2, batchSize: 100)];
        Tensor all = Assert.Single(batches);
        int[,] windows = (int[,])all.ToArray();
        Assert.Equal(27, windows.GetLength(0));
        Assert.Equal(Enumerable.Range(0, 10).Select(k => 2 * k), Row(windows, 0));
        Assert.Equal(Enumerable.Range(0, 10).Select(k => 3 + (2 * k)), Row(windows, 1));
        Assert.Equal(Enumerable.Range(0, 10).Select(k => 78 + (2 * k)), Row(windows, 26));   // the last: [78 80 ... 96]
    }

    [Fact]
    public void Targets_NextStepForecast_MatchKerasExampleTwo()
    {
        float[] series = [.. Enumerable.Range(0, 30).Select(i => MathF.Sin(i * 0.3f))];
        Tensor data = Tf.Constant(series);
        var ds = Dataset.TimeseriesFromArray(data[..^10], data[10..], sequenceLength: 10, batchSize: 4);
        Assert.Equal(3, ds.Cardinality());   // 11 windows in batches of 4
        var (inputs, targets) = ds.First();
        Assert.Equal(new Shape(4, 10), inputs.Shape);
        Assert.Equal(series[..10], inputs[0].ToArray<float>());
        Assert.Equal(series[10], targets[0].Item<float>());
        Assert.Equal(series[13], targets[3].Item<float>());
        Assert.Equal(11, ds.Unbatch().Count());
    }

    [Fact]
    public void StartAndEndIndex_ReserveTheRest()
    {
        Tensor[] windows = [.. Dataset.TimeseriesFromArray(Steps(20), sequenceLength: 3, batchSize: null, startIndex: 5, endIndex: 12)];
        Assert.Equal(5, windows.Length);   // starts 5..9; the last window [9, 10, 11] ends before 12
        Assert.Equal([5, 6, 7], windows[0].ToArray<int>());
        Assert.Equal([9, 10, 11], windows[^1].ToArray<int>());
    }

    [Fact]
    public void Shuffle_WithASeed_IsAReproduciblePermutationOfTheWindows()
    {
        Tensor data = Tf.Reshape(Steps(60), [30, 2]);
        Tensor targets = Steps(30);
        (int[] Window, int Target)[] Read(bool shuffle) =>
            [.. Dataset.TimeseriesFromArray(data, targets, sequenceLength: 4, batchSize: 5, shuffle: shuffle, seed: 3).Unbatch()
                .Select(p => (p.Item1.ToArray<int>(), p.Item2.Item<int>()))];

        var ordered = Read(false);
        var shuffled = Read(true);
        Assert.Equal(27, shuffled.Length);
        Assert.Equal(shuffled.Select(p => p.Target), Read(true).Select(p => p.Target));
        Assert.NotEqual(ordered.Select(p => p.Target), shuffled.Select(p => p.Target));
        Assert.Equal(ordered.Select(p => p.Target).Order(), shuffled.Select(p => p.Target).Order());
        Assert.All(shuffled, p => Assert.Equal(2 * p.Target, p.Window[0]));   // each window keeps its own target
    }

    [Fact]
    public void BadArguments_ThrowKerasMessages()
    {
        Assert.Contains("`start_index` must be lower than the length of the data",
            Assert.Throws<ArgumentException>(() => Dataset.TimeseriesFromArray(Steps(10), 3, startIndex: 10)).Message, StringComparison.Ordinal);
        Assert.Contains("`sampling_rate` must be higher than 0",
            Assert.Throws<ArgumentException>(() => Dataset.TimeseriesFromArray(Steps(10), 3, samplingRate: 0)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => Dataset.TimeseriesFromArray(Steps(10), null!, 3));
    }

    private static int[] Row(int[,] matrix, int row) => [.. Enumerable.Range(0, matrix.GetLength(1)).Select(c => matrix[row, c])];
}
