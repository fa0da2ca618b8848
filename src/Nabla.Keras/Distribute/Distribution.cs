namespace Nabla.Keras.Distribute;

/// <summary>
/// The distribution strategy in effect (Keras's <c>tf.distribute.get_strategy()</c>): entered by a strategy's
/// <c>Scope()</c>, by <c>Fit</c>/<c>Evaluate</c>/<c>Predict</c> of a model created in a scope, and by a strategy's
/// <c>Run</c>. It flows with the async context, like a <see cref="GradientTape"/>.
/// </summary>
public static class Distribution
{
    private static readonly AsyncLocal<IDistributionStrategy?> s_current = new();

    /// <summary>The strategy in effect, or <c>null</c> (one worker, no collectives).</summary>
    public static IDistributionStrategy? Current => s_current.Value;

    /// <summary>Makes <paramref name="strategy"/> current until the returned scope is disposed.</summary>
    public static IDisposable Enter(IDistributionStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        IDistributionStrategy? previous = s_current.Value;
        s_current.Value = strategy;
        return new Scope(previous);
    }

    private sealed class Scope(IDistributionStrategy? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                s_current.Value = previous;
            }
        }
    }
}
