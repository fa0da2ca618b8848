using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// Backpropagation through time for <see cref="RecurrentSequenceOp"/>, written with public <see cref="Tf"/> ops so an
/// outer tape differentiates it again. Everything that does not depend on the backward carry is computed for all
/// steps at once: the pre-activations from the saved states (<c>h_{t-1} · U</c> is one matrix product over batch
/// and time) and every gate derivative. The loop over time then does only the carry's few ops per step: the
/// gradient of the pre-activations (the saved factors times the carry) and its product with <c>Uᵀ</c>. The kernels'
/// gradients are one matrix product each after the loop.
/// </summary>
internal static partial class RecurrentSequenceGradient
{
    public static void Compute(RecurrentSequenceOp op, ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient,
        Span<Tensor?> result)
    {
        var grads = new Tensor?[inputs.Length];
        var k = new Context(op, inputs, output, upstream);
        if (k.Time == 0)
        {
            // Nothing was computed: the (empty) output depends on no input.
            for (int i = 0; i < inputs.Length - (op.HasMask ? 1 : 0); i++)
            {
                result[i] = needsGradient[i] ? Tf.ZerosLike(inputs[i]) : null;
            }

            return;
        }

        switch (op.Cell)
        {
            case RecurrentCell.Lstm:
                Lstm(k, grads);
                break;
            case RecurrentCell.GruResetAfter:
                GruResetAfter(k, grads);
                break;
            case RecurrentCell.GruResetBefore:
                GruResetBefore(k, grads);
                break;
            default:
                Simple(k, grads);
                break;
        }

        // The mask (a bool input) has no gradient; the rules compute every float input's, the tape asks for some.
        for (int i = 0; i < grads.Length; i++)
        {
            result[i] = needsGradient[i] ? grads[i] : null;
        }
    }

    private static void Simple(Context k, Tensor?[] grads)
    {
        Tensor pre = Tf.Add(k.InputProjection, k.Project(k.PreviousHidden, k.RecurrentKernel));
        Tensor slope = k.Op.Cell == RecurrentCell.SimpleTanh
            ? Tf.Subtract(1, Tf.Square(Tf.Tanh(pre)))
            : Tf.Cast(Tf.Greater(pre, 0), pre.DType);
        Tensor[] upstream = Context.Steps(k.Upstream), slopes = Context.Steps(slope);
        var dPre = new Tensor[k.Time];
        Tensor? carry = null;
        for (int t = k.Time - 1; t >= 0; t--)
        {
            Tensor total = Context.Plus(upstream[t], carry);
            dPre[t] = Tf.Multiply(k.Keep(total, t), slopes[t]);
            carry = k.PlusCarried(Tf.MatMul(dPre[t], k.RecurrentKernel, transposeB: true), total, t);
        }

        Tensor dXw = Tf.Stack(dPre, 1);
        grads[0] = dXw;
        grads[1] = Context.KernelGradient(k.PreviousHidden, dXw);
        grads[2] = carry;
    }

    // Gates i, f, c, o. With the carry (dh, dc) of step t: dc_new = dc + dh·o·(1 - tanh²c), and the gradient of the
    // pre-activations is [dc_new, dc_new, dc_new, dh] times the saved factors [g·i', c_prev·f', i·g', tanh(c)·o'].
    private static void Lstm(Context k, Tensor?[] grads)
    {
        int u = k.Units;
        Tensor carries = Tf.Slice(k.Output, [0, 0, u], [k.Batch, k.Time, u]);
        Tensor previousCarry = Context.Previous(k.Inputs[3], carries);
        Tensor[] z = Tf.Split(Tf.Add(k.InputProjection, k.Project(k.PreviousHidden, k.RecurrentKernel)), 4, 2);
        Tensor i = Tf.Sigmoid(z[0]), f = Tf.Sigmoid(z[1]), g = Tf.Tanh(z[2]), o = Tf.Sigmoid(z[3]);
        Tensor tanhC = Tf.Tanh(Tf.Add(Tf.Multiply(f, previousCarry), Tf.Multiply(i, g)));
        Tensor hiddenToCarry = Tf.Multiply(o, Context.OneMinusSquare(tanhC));
        Tensor factors = Tf.Concat(
            [Tf.Multiply(g, Context.SigmoidSlope(i)), Tf.Multiply(previousCarry, Context.SigmoidSlope(f)),
             Tf.Multiply(i, Context.OneMinusSquare(g)), Tf.Multiply(tanhC, Context.SigmoidSlope(o))], 2);

        Tensor[] dStates = Tf.Split(k.Upstream, 2, 2);
        Tensor[] dHidden = Context.Steps(dStates[0]), dCarry = Context.Steps(dStates[1]);
        Tensor[] toCarry = Context.Steps(hiddenToCarry), factor = Context.Steps(factors), forget = Context.Steps(f);
        var dZ = new Tensor[k.Time];
        Tensor? carryH = null, carryC = null;
        for (int t = k.Time - 1; t >= 0; t--)
        {
            Tensor totalH = Context.Plus(dHidden[t], carryH), totalC = Context.Plus(dCarry[t], carryC);
            Tensor dh = k.Keep(totalH, t);
            Tensor dc = Tf.Add(k.Keep(totalC, t), Tf.Multiply(dh, toCarry[t]));
            dZ[t] = Tf.Multiply(Tf.Concat([dc, dc, dc, dh], 1), factor[t]);
            carryH = k.PlusCarried(Tf.MatMul(dZ[t], k.RecurrentKernel, transposeB: true), totalH, t);
            carryC = k.PlusCarried(Tf.Multiply(dc, forget[t]), totalC, t);
        }

        Tensor dXw = Tf.Stack(dZ, 1);
        grads[0] = dXw;
        grads[1] = Context.KernelGradient(k.PreviousHidden, dXw);
        grads[2] = carryH;
        grads[3] = carryC;
    }

    /// <summary>What every cell's backward pass shares: shapes, the saved states shifted by one step, the mask.</summary>
    private sealed class Context
    {
        private readonly Tensor[]? _keep;
        private readonly Tensor[]? _carried;

        public Context(RecurrentSequenceOp op, ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream)
        {
            Op = op;
            Inputs = inputs.ToArray();
            Output = output;
            Upstream = upstream;
            Batch = output.Shape[0];
            Time = output.Shape[1];
            Units = RecurrentKernel.Shape[0];
            if (Time == 0)
            {
                return;
            }

            Tensor hidden = op.StateCount == 1 ? output : Tf.Slice(output, [0, 0, 0], [Batch, Time, Units]);
            PreviousHidden = Previous(inputs[2], hidden);
            if (op.HasMask)
            {
                // (batch, time, 1) multipliers: a kept step passes the gradient to its cell, a masked one to the previous state.
                Tensor keep = Tf.ExpandDims(Tf.Cast(inputs[^1], output.DType), 2);
                _keep = Steps(keep);
                _carried = Steps(Tf.Subtract(1, keep));
            }
        }

        public RecurrentSequenceOp Op { get; }

        public Tensor[] Inputs { get; }

        public Tensor Output { get; }

        public Tensor Upstream { get; }

        public int Batch { get; }

        public int Time { get; }

        public int Units { get; }

        public Tensor InputProjection => Inputs[0];

        public Tensor RecurrentKernel => Inputs[1];

        /// <summary>The hidden state each step started from: h_0, h_1, ..., h_{T-1}, (batch, time, units).</summary>
        public Tensor PreviousHidden { get; } = null!;

        /// <summary>The state each step started from: the initial state, then the states of steps 0..T-2.</summary>
        public static Tensor Previous(Tensor initial, Tensor states)
        {
            int batch = states.Shape[0], time = states.Shape[1], units = states.Shape[2];
            Tensor first = Tf.ExpandDims(initial, 1);
            return time == 1 ? first : Tf.Concat([first, Tf.Slice(states, [0, 0, 0], [batch, time - 1, units])], 1);
        }

        /// <summary>The slices of a (batch, time, n) tensor along time, each (batch, n).</summary>
        public static Tensor[] Steps(Tensor x) => Tf.Unstack(x, 1);

        public static Tensor Plus(Tensor x, Tensor? y) => y is null ? x : Tf.Add(x, y);

        /// <summary>σ'(z) from σ(z): s·(1 - s).</summary>
        public static Tensor SigmoidSlope(Tensor s) => Tf.Multiply(s, Tf.Subtract(1, s));

        /// <summary>tanh'(z) from tanh(z): 1 - t².</summary>
        public static Tensor OneMinusSquare(Tensor t) => Tf.Subtract(1, Tf.Square(t));

        /// <summary>x · w for x of shape (batch, time, n): one matrix product over all steps.</summary>
        public Tensor Project(Tensor x, Tensor w) =>
            Tf.Reshape(Tf.MatMul(Tf.Reshape(x, [-1, x.Shape[2]]), w), [Batch, Time, w.Shape[1]]);

        /// <summary>Σ over batch and time of xᵀ · dz: the gradient of a kernel that multiplied x.</summary>
        public static Tensor KernelGradient(Tensor x, Tensor dz) =>
            Tf.MatMul(Tf.Reshape(x, [-1, x.Shape[2]]), Tf.Reshape(dz, [-1, dz.Shape[2]]), transposeA: true);

        /// <summary>The part of a step's state gradient that reaches its cell (all of it without a mask).</summary>
        public Tensor Keep(Tensor total, int t) => _keep is null ? total : Tf.Multiply(total, _keep[t]);

        /// <summary>The gradient reaching the previous state: through the cell, plus what a masked step carried unchanged.</summary>
        public Tensor PlusCarried(Tensor throughCell, Tensor total, int t) =>
            _carried is null ? throughCell : Tf.Add(throughCell, Tf.Multiply(total, _carried[t]));
    }
}
