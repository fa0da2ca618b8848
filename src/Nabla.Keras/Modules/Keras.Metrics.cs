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

        /// <inheritdoc cref="MetricTypes.AUC"/>
        public static MetricTypes.AUC AUC(int numThresholds = 200, string curve = "ROC", string summationMethod = "interpolation", string name = "auc",
            double[]? thresholds = null, bool multiLabel = false, int? numLabels = null, double[]? labelWeights = null, bool fromLogits = false) =>
            new(numThresholds, curve, summationMethod, name, thresholds, multiLabel, numLabels, labelWeights, fromLogits);

        /// <inheritdoc cref="MetricTypes.Precision"/>
        public static MetricTypes.Precision Precision(double? thresholds = null, int? topK = null, int? classId = null, string name = "precision") =>
            new(thresholds, topK, classId, name);

        /// <inheritdoc cref="MetricTypes.Recall"/>
        public static MetricTypes.Recall Recall(double? thresholds = null, int? topK = null, int? classId = null, string name = "recall") =>
            new(thresholds, topK, classId, name);

        /// <inheritdoc cref="MetricTypes.TopKCategoricalAccuracy"/>
        public static MetricTypes.TopKCategoricalAccuracy TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy") => new(k, name);

        /// <inheritdoc cref="MetricTypes.SparseTopKCategoricalAccuracy"/>
        public static MetricTypes.SparseTopKCategoricalAccuracy SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy") =>
            new(k, name);

        /// <inheritdoc cref="MetricTypes.RootMeanSquaredError"/>
        public static MetricTypes.RootMeanSquaredError RootMeanSquaredError(string name = "root_mean_squared_error") => new(name);

        /// <inheritdoc cref="MetricTypes.R2Score"/>
        public static MetricTypes.R2Score R2Score(string classAggregation = "uniform_average", int numRegressors = 0, string name = "r2_score") =>
            new(classAggregation, numRegressors, name);
    }
}
