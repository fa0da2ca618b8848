namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// Per-example softmax cross-entropy <c>-sum(labels * log_softmax(logits))</c> along <paramref name="axis"/>
        /// (labels are a probability distribution of the logits' shape).
        /// </summary>
        /// <exception cref="ArgumentException">When the shapes or dtypes differ.</exception>
        public static Tensor SoftmaxCrossEntropyWithLogits(Tensor labels, Tensor logits, int axis = -1)
        {
            ArgumentNullException.ThrowIfNull(labels);
            ArgumentNullException.ThrowIfNull(logits);
            if (labels.Shape != logits.Shape)
            {
                throw new ArgumentException(
                    $"SoftmaxCrossEntropyWithLogits: logits and labels must have the same shape, got logits {logits.Shape} " +
                    $"({logits.DType}) and labels {labels.Shape} ({labels.DType}).");
            }

            Tensor logProbabilities = LogSoftmax(logits, axis);
            return Negative(ReduceSum(Multiply(labels, logProbabilities), axis));
        }

        /// <summary>
        /// Per-example softmax cross-entropy with integer class labels: <c>-log_softmax(logits)[label]</c> over the
        /// last axis. <paramref name="labels"/> (int32/int64) has the logits' shape without its last dimension.
        /// </summary>
        /// <exception cref="ArgumentException">When a label is outside [0, classes), or the shapes or dtypes do not fit.</exception>
        public static Tensor SparseSoftmaxCrossEntropyWithLogits(Tensor labels, Tensor logits)
        {
            ArgumentNullException.ThrowIfNull(labels);
            ArgumentNullException.ThrowIfNull(logits);
            if (!labels.DType.IsIndex)
            {
                throw new ArgumentException(
                    $"SparseSoftmaxCrossEntropyWithLogits: labels must be int32 or int64, got {labels.DType} of shape {labels.Shape} " +
                    $"(logits {logits.Shape} {logits.DType}).");
            }

            if (logits.Rank == 0 || labels.Rank != logits.Rank - 1 || !labels.Shape.Dims.SequenceEqual(logits.Shape.Dims[..^1]))
            {
                throw new ArgumentException(
                    $"SparseSoftmaxCrossEntropyWithLogits: labels of shape {labels.Shape} must have the shape of logits {logits.Shape} " +
                    $"without its last dimension ({labels.DType}, {logits.DType}).");
            }

            labels = RequireLabelsInRange(labels, logits);
            int classes = logits.Shape[^1];
            Tensor oneHot = OneHot(labels, classes, dtype: logits.DType);
            return Negative(ReduceSum(Multiply(oneHot, LogSoftmax(logits)), -1));
        }

        // The labels must index a class: checked on the values when they exist (eagerly now, traced each run).
        private static Tensor RequireLabelsInRange(Tensor labels, Tensor logits)
        {
            TensorSpec logitsSpec = new(logits.Shape, logits.DType);
            return new CheckValuesOp("SparseSoftmaxCrossEntropyWithLogits", values =>
            {
                int classes = logitsSpec.Shape[^1];
                for (int i = 0; i < values.Size; i++)
                {
                    long label = values.DType == DType.Int32 ? values.Read<int>()[i] : values.Read<long>()[i];
                    if (label < 0 || label >= classes)
                    {
                        throw new ArgumentException(
                            $"SparseSoftmaxCrossEntropyWithLogits: received a label value of {label} which is outside the valid range " +
                            $"of [0, {classes}). Label values: labels {values.Shape} {values.DType}, logits {logitsSpec.Shape} {logitsSpec.DType}.");
                    }
                }
            }).Call(labels);
        }

        /// <summary>
        /// Elementwise logistic loss, TensorFlow's stable form <c>max(x, 0) - x * z + log(1 + exp(-|x|))</c> for
        /// logits x and labels z.
        /// </summary>
        /// <exception cref="ArgumentException">When the shapes or dtypes differ.</exception>
        public static Tensor SigmoidCrossEntropyWithLogits(Tensor labels, Tensor logits)
        {
            ArgumentNullException.ThrowIfNull(labels);
            ArgumentNullException.ThrowIfNull(logits);
            if (labels.Shape != logits.Shape)
            {
                throw new ArgumentException(
                    $"SigmoidCrossEntropyWithLogits: logits and labels must have the same shape ({logits.Shape} vs {labels.Shape}; " +
                    $"{logits.DType}, {labels.DType}).");
            }

            DTypeRules.Require("SigmoidCrossEntropyWithLogits", logits.DType, DTypeSet.Floating, logits.Shape);
            Tensor zeros = ZerosLike(logits);
            Tensor positive = GreaterEqual(logits, zeros);
            Tensor reluLogits = Where(positive, logits, zeros);
            Tensor negAbsLogits = Where(positive, Negative(logits), logits);
            return Add(Subtract(reluLogits, Multiply(logits, labels)), Log(Add(Exp(negAbsLogits), 1)));
        }
    }
}
