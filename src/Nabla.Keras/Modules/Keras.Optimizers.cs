using Nabla.Keras.Optimizers;
using Nabla.Keras.Optimizers.Schedules;
using OptimizerTypes = Nabla.Keras.Optimizers;

namespace Nabla.Keras;

public static partial class Keras
{
    /// <summary>Keras's <c>keras.optimizers</c>: each function creates the optimizer of the same name in <see cref="Nabla.Keras.Optimizers"/>.</summary>
    public static class Optimizers
    {
        /// <summary>A new optimizer with Keras's defaults, by name (<c>keras.optimizers.get</c>; see <see cref="OptimizerRegistry.Get"/>).</summary>
        /// <param name="name">An optimizer name: <c>"adam"</c>, <c>"sgd"</c>...</param>
        public static Optimizer Get(string name) => OptimizerRegistry.Get(name);

        /// <inheritdoc cref="OptimizerTypes.SGD"/>
        public static OptimizerTypes.SGD SGD(LearningRateSchedule? learningRate = null, double momentum = 0, bool nesterov = false,
            double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null, double? weightDecay = null) =>
            new(learningRate, momentum, nesterov, clipNorm, clipValue, globalClipNorm, weightDecay);

        /// <inheritdoc cref="OptimizerTypes.Adam"/>
        public static OptimizerTypes.Adam Adam(LearningRateSchedule? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
            bool amsgrad = false, double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null, double? weightDecay = null) =>
            new(learningRate, beta1, beta2, epsilon, amsgrad, clipNorm, clipValue, globalClipNorm, weightDecay);

        /// <inheritdoc cref="OptimizerTypes.AdamW"/>
        public static OptimizerTypes.AdamW AdamW(LearningRateSchedule? learningRate = null, double weightDecay = 0.004, double beta1 = 0.9,
            double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false, double? clipNorm = null, double? clipValue = null,
            double? globalClipNorm = null) =>
            new(learningRate, weightDecay, beta1, beta2, epsilon, amsgrad, clipNorm, clipValue, globalClipNorm);

        /// <inheritdoc cref="OptimizerTypes.RMSprop"/>
        public static OptimizerTypes.RMSprop RMSprop(LearningRateSchedule? learningRate = null, double rho = 0.9, double momentum = 0,
            double epsilon = 1e-7, bool centered = false, double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null,
            double? weightDecay = null) =>
            new(learningRate, rho, momentum, epsilon, centered, clipNorm, clipValue, globalClipNorm, weightDecay);

        /// <inheritdoc cref="OptimizerTypes.Adagrad"/>
        public static OptimizerTypes.Adagrad Adagrad(LearningRateSchedule? learningRate = null, double initialAccumulatorValue = 0.1,
            double epsilon = 1e-7, double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null, double? weightDecay = null) =>
            new(learningRate, initialAccumulatorValue, epsilon, clipNorm, clipValue, globalClipNorm, weightDecay);
    }
}
