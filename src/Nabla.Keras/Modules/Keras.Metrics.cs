using Nabla.Keras.Metrics;
using MetricTypes = Nabla.Keras.Metrics;

namespace Nabla.Keras;

public static partial class Keras
{
    /// <summary>Keras's <c>keras.metrics</c>: each function creates the metric of the same name in <see cref="Nabla.Keras.Metrics"/>.</summary>
    public static class Metrics
    {
        /// <summary>The metric named <paramref name="name"/> (<c>keras.metrics.get</c>; see <see cref="Metric.Get"/>).</summary>
        /// <param name="name">A metric name: <c>"accuracy"</c>, <c>"mse"</c>...</param>
        public static Metric Get(string name) => Metric.Get(name);

        /// <inheritdoc cref="MetricTypes.Mean"/>
        public static MetricTypes.Mean Mean(string name = "mean") => new(name);

        /// <inheritdoc cref="MetricTypes.MeanMetricWrapper"/>
        public static MetricTypes.MeanMetricWrapper MeanMetricWrapper(Func<Tensor, Tensor, Tensor> fn, string name) => new(fn, name);

        /// <inheritdoc cref="MetricTypes.Accuracy"/>
        public static MetricTypes.Accuracy Accuracy(string name = "accuracy") => new(name);

        /// <inheritdoc cref="MetricTypes.BinaryAccuracy"/>
        public static MetricTypes.BinaryAccuracy BinaryAccuracy(string name = "binary_accuracy", double threshold = 0.5) => new(name, threshold);

        /// <inheritdoc cref="MetricTypes.CategoricalAccuracy"/>
        public static MetricTypes.CategoricalAccuracy CategoricalAccuracy(string name = "categorical_accuracy") => new(name);

        /// <inheritdoc cref="MetricTypes.SparseCategoricalAccuracy"/>
        public static MetricTypes.SparseCategoricalAccuracy SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") => new(name);

        /// <inheritdoc cref="MetricTypes.MeanSquaredError"/>
        public static MetricTypes.MeanSquaredError MeanSquaredError(string name = "mean_squared_error") => new(name);

        /// <inheritdoc cref="MetricTypes.MeanAbsoluteError"/>
        public static MetricTypes.MeanAbsoluteError MeanAbsoluteError(string name = "mean_absolute_error") => new(name);
    }
}
