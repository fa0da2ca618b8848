using System.Text;
using Nabla.Keras.Callbacks;
using static Nabla.Keras.Tests.TensorBoardEventReader;

namespace Nabla.Keras.Tests;

public sealed class TensorBoardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nabla-tensorboard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReaderCrc32C_MatchesTheStandardCheckValue_AndRejectsACorruptedRecord()
    {
        // The CRC-32C check value (RFC 3720's catalogue: "123456789" -> 0xE3069283) validates the test's own reader.
        Assert.Equal(0xE3069283u, Crc32C(Encoding.ASCII.GetBytes("123456789")));
        var board = new TensorBoard(_dir);
        Fit(board, epochs: 1);
        byte[] bytes = File.ReadAllBytes(TrainFiles().Single());
        Assert.NotEmpty(Parse(bytes));
        bytes[20] ^= 0x01;
        Assert.Throws<InvalidDataException>(() => Parse(bytes));
    }

    [Fact]
    public void EpochScalars_TrainAndValidationFiles_MatchHistory()
    {
        var board = new TensorBoard(_dir);
        (History history, _) = Fit(board, epochs: 3, validation: true);

        List<Event> train = Read(TrainFiles().Single());
        Assert.Equal("brain.Event:2", train[0].FileVersion);
        Assert.Equal(0, train[0].Step);
        Assert.InRange(train[0].WallTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        AssertSeries(history["loss"], Scalars(train, "epoch_loss"));
        AssertSeries(history["mae"], Scalars(train, "epoch_mae"));
        AssertSeries([0.05, 0.05, 0.05], Scalars(train, "epoch_learning_rate"));
        Assert.DoesNotContain(train.SelectMany(e => e.Values), v => v.Tag.StartsWith("epoch_val_", StringComparison.Ordinal));
        Assert.DoesNotContain(train.SelectMany(e => e.Values), v => v.Tag.StartsWith("batch_", StringComparison.Ordinal));

        List<Event> validation = Read(Directory.GetFiles(Path.Combine(_dir, "validation")).Single());
        Assert.Equal("brain.Event:2", validation[0].FileVersion);
        AssertSeries(history["val_loss"], Scalars(validation, "epoch_loss"));
        AssertSeries(history["val_mae"], Scalars(validation, "epoch_mae"));
        Assert.Equal(2, validation.SelectMany(e => e.Values).Select(v => v.Tag).Distinct().Count());
        Assert.Matches(@"^events\.out\.tfevents\.\d{10}\..+\.\d+\.\d+\.v2$", Path.GetFileName(board.TrainFile ?? TrainFiles().Single()));
    }

    [Theory]
    [InlineData("batch", new long[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData(3, new long[] { 3, 6 })]
    public void BatchScalars_EveryUpdateFreqBatches_AtTheGlobalBatchCount(object updateFreq, long[] steps)
    {
        UpdateFrequency frequency = updateFreq is string s ? s : (int)updateFreq;
        var recorder = new BatchLossRecorder();
        var board = new TensorBoard(_dir, updateFreq: frequency, writeStepsPerSecond: true);
        Fit(board, epochs: 2, extra: recorder);

        List<Event> train = Read(TrainFiles().Single());
        List<(long Step, float Value)> batchLoss = Scalars(train, "batch_loss");
        Assert.Equal(steps, batchLoss.Select(p => p.Step));
        AssertSeries([.. steps.Select(step => recorder.Losses[(int)step - 1])], batchLoss);
        Assert.Equal(steps, Scalars(train, "batch_steps_per_second").Select(p => p.Step));
        Assert.All(Scalars(train, "epoch_steps_per_second"), p => Assert.True(p.Value > 0));
    }

    [Fact]
    public void WeightHistograms_EveryHistogramFreqEpochs_DescribeTheWeights()
    {
        var board = new TensorBoard(_dir, histogramFreq: 2);
        (_, Sequential model) = Fit(board, epochs: 3);

        List<Event> train = Read(TrainFiles().Single());
        var histograms = train.SelectMany(e => e.Values.Where(v => v.Histogram is not null).Select(v => (e.Step, v.Tag, v.Histogram!))).ToList();
        Assert.Equal([(0L, "dense/kernel/histogram"), (0L, "dense/bias/histogram"), (2L, "dense/kernel/histogram"), (2L, "dense/bias/histogram")],
            histograms.Select(h => (h.Step, h.Tag)));

        // The last epoch's histograms describe the final weights: statistics, then each value in its bucket.
        double[] kernel = [.. model.Layers[0].Weights[0].ToArray<float>().Select(v => (double)v)];
        Histogram h = histograms[2].Item3;
        Assert.Equal(kernel.Length, h.Num);
        Assert.Equal(kernel.Min(), h.Min);
        Assert.Equal(kernel.Max(), h.Max);
        Assert.Equal(kernel.Sum(), h.Sum, 12);
        Assert.Equal(kernel.Sum(v => v * v), h.SumSquares, 12);
        Assert.Equal(30, h.Bucket.Count);
        Assert.Equal(h.Max, h.BucketLimit[^1]);
        double[] expected = new double[30];
        foreach (double v in kernel)
        {
            int bucket = 0;
            while (bucket < 29 && v >= h.BucketLimit[bucket])
            {
                bucket++;
            }

            expected[bucket]++;
        }

        Assert.Equal(expected, h.Bucket);
        Histogram bias = histograms[3].Item3;
        Assert.Equal(1, bias.Num);
        Assert.Equal([1.0], bias.Bucket);
    }

    [Fact]
    public void SecondFit_StartsNewFiles_AndDisposeClosesAfterAFailure()
    {
        var board = new TensorBoard(_dir);
        Fit(board, epochs: 1);
        Thread.Sleep(5);
        Fit(board, epochs: 2);
        string[] files = TrainFiles();
        Assert.Equal(2, files.Length);
        Assert.Equal([1, 2], files.Select(f => Scalars(Read(f), "epoch_loss").Count).Order());

        using var failing = new TensorBoard(Path.Combine(_dir, "failing"), updateFreq: "batch");
        Assert.Throws<InvalidOperationException>(() => Fit(failing, epochs: 1, extra: new ThrowAtBatch(2)));
        failing.Dispose();
        string file = Directory.GetFiles(Path.Combine(_dir, "failing", "train")).Single();
        Assert.Equal([1L, 2L], Scalars(Read(file), "batch_loss").Select(p => p.Step));
    }

    [Fact]
    public void UpdateFrequency_ConvertsKerasValues_AndRejectsOthers()
    {
        Assert.Equal(0, ((UpdateFrequency)"epoch").Batches);
        Assert.Equal(1, ((UpdateFrequency)"batch").Batches);
        Assert.Equal(100, ((UpdateFrequency)100).Batches);
        Assert.Equal(UpdateFrequency.Epoch, default);
        Assert.Contains("'epochs'", Assert.Throws<ArgumentException>(() => (UpdateFrequency)"epochs").Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => (UpdateFrequency)0);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TensorBoard(_dir, histogramFreq: -1));
        using TensorBoard fromModule = Keras.Callbacks.TensorBoard(_dir, histogramFreq: 3, updateFreq: 10);
        Assert.Equal((3, 10), (fromModule.HistogramFreq, fromModule.UpdateFreq.Batches));
        Assert.Equal(";", Keras.Callbacks.CSVLogger(Path.Combine(_dir, "l.csv"), separator: ";").Separator);
    }

    private string[] TrainFiles() => Directory.GetFiles(Path.Combine(_dir, "train"));

    private static List<(long Step, float Value)> Scalars(List<Event> events, string tag) =>
        [.. events.SelectMany(e => e.Values.Where(v => v.Tag == tag).Select(v => (e.Step, v.Scalar!.Value)))];

    private static void AssertSeries(IReadOnlyList<double> expected, List<(long Step, float Value)> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal((float)expected[i], actual[i].Value);
        }
    }

    private static (History History, Sequential Model) Fit(TensorBoard board, int epochs, bool validation = false, Callback? extra = null)
    {
        Backend.ClearSession();
        var random = new Random(11);
        float[] x = [.. Enumerable.Range(0, 64).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] y = [.. Enumerable.Range(0, 32).Select(i => (2 * x[2 * i]) - x[(2 * i) + 1] + 0.5f)];
        Tensor xs = Tf.Constant(x, [32, 2]), ys = Tf.Constant(y, [32, 1]);
        var model = new Sequential(new Dense(1, inputShape: [2]));
        model.Compile(new Optimizers.SGD(0.05), "mse", ["mae"]);
        Callback[] callbacks = extra is null ? [board] : [extra, board];
        History history = model.Fit(xs, ys, epochs: epochs, batchSize: 8, verbose: 0, callbacks: callbacks, shuffle: false,
            validationData: validation ? (xs[..8], ys[..8]) : null);
        return (history, model);
    }

    private sealed class BatchLossRecorder : Callback
    {
        public List<double> Losses { get; } = [];

        public override void OnBatchEnd(int batch, IDictionary<string, double> logs) => Losses.Add(logs["loss"]);
    }

    private sealed class ThrowAtBatch(int limit) : Callback
    {
        private int _seen;

        public override void OnBatchBegin(int batch, IDictionary<string, double> logs)
        {
            if (++_seen > limit)
            {
                throw new InvalidOperationException("stop");
            }
        }
    }
}
