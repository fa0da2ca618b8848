namespace Nabla.Distributed;

/// <summary>How <see cref="MultiWorkerMirroredStrategy"/> communicates (TensorFlow's <c>tf.distribute.experimental.CommunicationOptions</c>).</summary>
public sealed record CommunicationOptions
{
    /// <summary>
    /// The size of the buckets gradients are fused into before an all-reduce (TensorFlow's <c>bytes_per_pack</c>):
    /// fewer, larger messages. 4 MiB by default.
    /// </summary>
    public int BytesPerPack { get; init; } = 4 << 20;

    /// <summary>
    /// How long a collective waits for the other workers before the job stops with a <see cref="WorkerFailedException"/>
    /// naming the workers that no longer answer (TensorFlow's <c>timeout_seconds</c>). 5 minutes by default, or the
    /// <c>NABLA_COLLECTIVE_TIMEOUT</c> environment variable (seconds). A worker that throws or leaves is reported at once.
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout();

    /// <summary>How float32 gradients travel: as they are, or as float16 or bfloat16 (half the bytes).</summary>
    public GradientCompression Compression { get; init; } = GradientCompression.None;

    /// <summary>
    /// Whether gradients are all-reduced while the backward pass still runs (in <c>Fit</c> and
    /// <see cref="DistributedGradientTape"/>): each bucket goes, from a background thread, as soon as the tape has its
    /// gradients. True by default; the results are the same either way on two workers (bitwise), and within float
    /// rounding on more (the buckets hold the gradients in another order). Needs MPI_THREAD_MULTIPLE, else it is off.
    /// </summary>
    public bool OverlapBackward { get; init; } = true;

    private static TimeSpan DefaultTimeout() =>
        double.TryParse(Environment.GetEnvironmentVariable("NABLA_COLLECTIVE_TIMEOUT"), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(5);
}

/// <summary>How gradients are compressed for the all-reduce (Horovod's <c>Compression</c>).</summary>
public enum GradientCompression
{
    /// <summary>Sent as computed.</summary>
    None,

    /// <summary>float32 gradients are sent as float16 and summed in float32 pairwise (range ±65,504).</summary>
    Float16,

    /// <summary>float32 gradients are sent as bfloat16 (float32's range, 8 bits of mantissa).</summary>
    BFloat16,
}

/// <summary>How values are combined across workers (TensorFlow's <c>tf.distribute.ReduceOp</c>).</summary>
public enum ReduceOp
{
    /// <summary>The element-wise sum.</summary>
    Sum,

    /// <summary>The element-wise mean over workers.</summary>
    Mean,
}
