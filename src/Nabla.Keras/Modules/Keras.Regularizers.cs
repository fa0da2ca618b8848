using Nabla.Keras.Regularizers;
using RegularizerTypes = Nabla.Keras.Regularizers;

namespace Nabla.Keras;

public static partial class Keras
{
    /// <summary>Keras's <c>keras.regularizers</c>: each function creates the regularizer of the same name in <see cref="Nabla.Keras.Regularizers"/>.</summary>
    public static class Regularizers
    {
        /// <summary>The regularizer named <paramref name="name"/> (<c>keras.regularizers.get</c>; see <see cref="Regularizer.Get"/>).</summary>
        /// <param name="name">A regularizer name: <c>"l1"</c>, <c>"l2"</c>, <c>"l1_l2"</c>.</param>
        public static Regularizer Get(string name) => Regularizer.Get(name);

        /// <inheritdoc cref="RegularizerTypes.L1"/>
        public static RegularizerTypes.L1 L1(double l1 = 0.01) => new(l1);

        /// <inheritdoc cref="RegularizerTypes.L2"/>
        public static RegularizerTypes.L2 L2(double l2 = 0.01) => new(l2);

        /// <inheritdoc cref="RegularizerTypes.L1L2"/>
        public static RegularizerTypes.L1L2 L1L2(double l1 = 0, double l2 = 0) => new(l1, l2);
    }
}
