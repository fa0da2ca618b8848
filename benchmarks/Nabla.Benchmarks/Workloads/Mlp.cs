using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.Benchmarks.Workloads;

/// <summary>The MLP 784-256-10 (ReLU, softmax cross-entropy, plain SGD) on one batch of 128, for both libraries.</summary>
public static class Mlp
{
    /// <summary>Batch size.</summary>
    public const int Batch = 128;

    /// <summary>Input features.</summary>
    public const int Inputs = 784;

    /// <summary>Hidden units.</summary>
    public const int Hidden = 256;

    /// <summary>Classes.</summary>
    public const int Classes = 10;

    /// <summary>SGD learning rate.</summary>
    public const float LearningRate = 0.01f;

    /// <summary>Initial parameters and one batch, seeded (Glorot-uniform weights, zero biases).</summary>
    public sealed class Init
    {
        /// <summary>Builds the data from fixed seeds.</summary>
        public Init()
        {
            X = InputData.Uniform(Batch * Inputs, seed: 1, low: 0f, high: 1f);
            Labels = InputData.Labels(Batch, Classes, seed: 2);
            float limit1 = MathF.Sqrt(6f / (Inputs + Hidden));
            float limit2 = MathF.Sqrt(6f / (Hidden + Classes));
            W1 = InputData.Uniform(Inputs * Hidden, seed: 3, low: -limit1, high: limit1);
            W2 = InputData.Uniform(Hidden * Classes, seed: 4, low: -limit2, high: limit2);
        }

        /// <summary>The batch, [128, 784].</summary>
        public float[] X { get; }

        /// <summary>The labels, [128].</summary>
        public long[] Labels { get; }

        /// <summary>First layer's kernel, [784, 256].</summary>
        public float[] W1 { get; }

        /// <summary>Second layer's kernel, [256, 10].</summary>
        public float[] W2 { get; }
    }

    /// <summary>Nabla: Tf ops and a GradientTape, parameters in Variables updated with AssignSub.</summary>
    public sealed class NablaModel
    {
        private readonly Tensor _x;
        private readonly Tensor _labels;
        private readonly Variable _w1;
        private readonly Variable _b1;
        private readonly Variable _w2;
        private readonly Variable _b2;

        /// <summary>Creates the model from the shared initial values.</summary>
        public NablaModel(Init init)
        {
            ArgumentNullException.ThrowIfNull(init);
            _x = Tf.Constant(init.X, [Batch, Inputs]);
            _labels = Tf.Constant(init.Labels, [Batch]);
            _w1 = new Variable(Tf.Constant(init.W1, [Inputs, Hidden]));
            _b1 = new Variable(Tf.Zeros([Hidden]));
            _w2 = new Variable(Tf.Constant(init.W2, [Hidden, Classes]));
            _b2 = new Variable(Tf.Zeros([Classes]));
        }

        /// <summary>One SGD step; returns the loss before the update.</summary>
        public Tensor Step()
        {
            Tensor loss;
            using var tape = new GradientTape();
            Tensor hidden = Tf.Nn.Relu(Tf.MatMul(_x, _w1) + _b1);
            Tensor logits = Tf.MatMul(hidden, _w2) + _b2;
            loss = Tf.ReduceMean(Tf.Nn.SparseSoftmaxCrossEntropyWithLogits(_labels, logits));
            Tensor?[] gradients = tape.Gradient(loss, _w1, _b1, _w2, _b2);
            _w1.AssignSub(LearningRate * gradients[0]!);
            _b1.AssignSub(LearningRate * gradients[1]!);
            _w2.AssignSub(LearningRate * gradients[2]!);
            _b2.AssignSub(LearningRate * gradients[3]!);
            return loss;
        }
    }

    /// <summary>TorchSharp: the same graph on leaf tensors, loss.backward() and in-place SGD under no_grad.</summary>
    public sealed class TorchModel : IDisposable
    {
        private readonly TorchTensor _x;
        private readonly TorchTensor _labels;
        private readonly TorchTensor[] _parameters;

        /// <summary>Creates the model from the shared initial values.</summary>
        public TorchModel(Init init)
        {
            ArgumentNullException.ThrowIfNull(init);
            _x = tensor(init.X, [Batch, Inputs]);
            _labels = tensor(init.Labels, [Batch]);
            _parameters =
            [
                tensor(init.W1, [Inputs, Hidden]).requires_grad_(),
                zeros(Hidden).requires_grad_(),
                tensor(init.W2, [Hidden, Classes]).requires_grad_(),
                zeros(Classes).requires_grad_(),
            ];
        }

        /// <summary>One SGD step; returns the loss before the update.</summary>
        public float Step()
        {
            using TorchSharp.DisposeScope scope = NewDisposeScope();
            TorchTensor hidden = nn.functional.relu(_x.matmul(_parameters[0]) + _parameters[1]);
            TorchTensor logits = hidden.matmul(_parameters[2]) + _parameters[3];
            TorchTensor loss = nn.functional.cross_entropy(logits, _labels);
            loss.backward();
            using (no_grad())
            {
                foreach (TorchTensor p in _parameters)
                {
                    TorchTensor gradient = p.grad!;
                    p.sub_(gradient * LearningRate);
                    gradient.zero_();
                }
            }

            return loss.item<float>();
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            _x.Dispose();
            _labels.Dispose();
            foreach (TorchTensor p in _parameters)
            {
                p.Dispose();
            }
        }
    }
}
