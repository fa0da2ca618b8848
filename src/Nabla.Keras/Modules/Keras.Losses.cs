using Nabla.Keras.Losses;
using LossTypes = Nabla.Keras.Losses;

namespace Nabla.Keras;

public static partial class Keras
{
    /// <summary>Keras's <c>keras.losses</c>: each function creates the loss of the same name in <see cref="Nabla.Keras.Losses"/>.</summary>
    public static class Losses
    {
        /// <summary>The loss named <paramref name="name"/> (<c>keras.losses.get</c>; see <see cref="Loss.Get"/>).</summary>
        /// <param name="name">A loss name: <c>"mse"</c>, <c>"sparse_categorical_crossentropy"</c>...</param>
        public static Loss Get(string name) => Loss.Get(name);

        /// <inheritdoc cref="LossTypes.MeanSquaredError"/>
        public static LossTypes.MeanSquaredError MeanSquaredError(Reduction reduction = Reduction.SumOverBatchSize) => new(reduction);

        /// <inheritdoc cref="LossTypes.MeanAbsoluteError"/>
        public static LossTypes.MeanAbsoluteError MeanAbsoluteError(Reduction reduction = Reduction.SumOverBatchSize) => new(reduction);

        /// <inheritdoc cref="LossTypes.Huber"/>
        public static LossTypes.Huber Huber(double delta = 1.0, Reduction reduction = Reduction.SumOverBatchSize) => new(delta, reduction);

        /// <inheritdoc cref="LossTypes.BinaryCrossentropy"/>
        public static LossTypes.BinaryCrossentropy BinaryCrossentropy(bool fromLogits = false, Reduction reduction = Reduction.SumOverBatchSize) =>
            new(fromLogits, reduction);

        /// <inheritdoc cref="LossTypes.CategoricalCrossentropy"/>
        public static LossTypes.CategoricalCrossentropy CategoricalCrossentropy(bool fromLogits = false, Reduction reduction = Reduction.SumOverBatchSize) =>
            new(fromLogits, reduction);

        /// <inheritdoc cref="LossTypes.SparseCategoricalCrossentropy"/>
        public static LossTypes.SparseCategoricalCrossentropy SparseCategoricalCrossentropy(
            bool fromLogits = false, Reduction reduction = Reduction.SumOverBatchSize) => new(fromLogits, reduction);

        /// <inheritdoc cref="LossTypes.Hinge"/>
        public static LossTypes.Hinge Hinge(Reduction reduction = Reduction.SumOverBatchSize) => new(reduction);

        /// <inheritdoc cref="LossTypes.SquaredHinge"/>
        public static LossTypes.SquaredHinge SquaredHinge(Reduction reduction = Reduction.SumOverBatchSize) => new(reduction);

        /// <inheritdoc cref="LossTypes.CategoricalHinge"/>
        public static LossTypes.CategoricalHinge CategoricalHinge(Reduction reduction = Reduction.SumOverBatchSize) => new(reduction);

        /// <inheritdoc cref="LossTypes.KLDivergence"/>
        public static LossTypes.KLDivergence KLDivergence(Reduction reduction = Reduction.SumOverBatchSize) => new(reduction);

        /// <inheritdoc cref="LossTypes.Poisson"/>
        public static LossTypes.Poisson Poisson(Reduction reduction = Reduction.SumOverBatchSize) => new(reduction);

        /// <inheritdoc cref="LossTypes.CosineSimilarity"/>
        public static LossTypes.CosineSimilarity CosineSimilarity(int axis = -1, Reduction reduction = Reduction.SumOverBatchSize) => new(axis, reduction);

        /// <inheritdoc cref="LossTypes.LogCosh"/>
        public static LossTypes.LogCosh LogCosh(Reduction reduction = Reduction.SumOverBatchSize) => new(reduction);

        /// <inheritdoc cref="LossTypes.LossFunctionWrapper"/>
        public static LossTypes.LossFunctionWrapper LossFunctionWrapper(
            Func<Tensor, Tensor, Tensor> function, string name = "loss", Reduction reduction = Reduction.SumOverBatchSize) => new(function, name, reduction);
    }
}
