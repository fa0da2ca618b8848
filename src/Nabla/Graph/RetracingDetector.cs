namespace Nabla;

/// <summary>
/// TensorFlow's frequent-tracing warning: when at least 5 of a function's last calls (a window of about 10)
/// traced it, it warns, at most twice per function, with TensorFlow's text and advice.
/// </summary>
internal sealed class RetracingDetector
{
    private const int MaxCallHistory = 10;
    private const int Threshold = 5;
    private const int MaxWarnings = 2;

    // Calls since each trace in the window, oldest first (TensorFlow's _calls_per_tracings).
    private readonly List<int> _callsPerTracing = [];
    private int _callCount;
    private int _warnings;

    public void CalledWithTracing(string functionName)
    {
        _callCount++;
        _callsPerTracing.Add(1);
        while (_callsPerTracing.Count > 0 && _callCount - _callsPerTracing[0] > MaxCallHistory)
        {
            _callCount -= _callsPerTracing[0];
            _callsPerTracing.RemoveAt(0);
        }

        if (_warnings < MaxWarnings && _callsPerTracing.Count >= Threshold)
        {
            _warnings++;
            Tf.Config.Warn(
                $"{_callsPerTracing.Count} out of the last {_callCount} calls to {functionName} triggered tf.function retracing. " +
                "Tracing is expensive and the excessive number of tracings could be due to (1) creating a Tf.Function repeatedly " +
                "in a loop, (2) passing tensors with different shapes, (3) passing C# values instead of tensors. For (1), please " +
                "create your Tf.Function outside of the loop. For (2), Tf.Function has the reduceRetracing: true option that can " +
                "avoid unnecessary retracing, and an inputSignature with null dimensions fixes the trace. For (3), pass tensors: " +
                "each new C# value is a constant of a new trace.");
        }
    }

    public void CalledWithoutTracing()
    {
        if (_callsPerTracing.Count == 0)
        {
            _callsPerTracing.Add(0);
        }

        _callsPerTracing[^1]++;
        _callCount++;
    }
}
