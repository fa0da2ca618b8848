namespace Nabla;

internal static partial class RecurrentSequenceGradient
{
    // Gates z, r, h with m = h_{t-1}·U + b_rec and hh = tanh(p_h + r·m_h); h = hh + z·(h_{t-1} - hh). With dh the
    // gradient reaching step t's cell, every pre-activation gradient is dh times a saved factor:
    // p_z, m_z: (h_{t-1} - hh)·z'; p_h: (1 - z)·tanh'; p_r, m_r: that times m_h·r'; m_h: that times r.
    private static void GruResetAfter(Context k, Tensor?[] grads)
    {
        Tensor m = k.Project(k.PreviousHidden, k.RecurrentKernel);
        if (k.Op.HasBias)
        {
            m = Tf.Add(m, k.Inputs[3]);
        }

        Tensor[] p = Tf.Split(k.InputProjection, 3, 2), mParts = Tf.Split(m, 3, 2);
        Tensor z = Tf.Sigmoid(Tf.Add(p[0], mParts[0])), r = Tf.Sigmoid(Tf.Add(p[1], mParts[1]));
        Tensor hh = Tf.Tanh(Tf.Add(p[2], Tf.Multiply(r, mParts[2])));
        Tensor fz = Tf.Multiply(Tf.Subtract(k.PreviousHidden, hh), Context.SigmoidSlope(z));
        Tensor fh = Tf.Multiply(Tf.Subtract(1, z), Context.OneMinusSquare(hh));
        Tensor fr = Tf.Multiply(fh, Tf.Multiply(mParts[2], Context.SigmoidSlope(r)));
        Tensor[] recurrentFactor = Context.Steps(Tf.Concat([fz, fr, Tf.Multiply(fh, r)], 2)), update = Context.Steps(z);
        Tensor[] upstream = Context.Steps(k.Upstream);

        var dHidden = new Tensor[k.Time];
        var dM = new Tensor[k.Time];
        Tensor? carry = null;
        for (int t = k.Time - 1; t >= 0; t--)
        {
            Tensor total = Context.Plus(upstream[t], carry);
            Tensor dh = k.Keep(total, t);
            dHidden[t] = dh;
            dM[t] = Tf.Multiply(Tf.Concat([dh, dh, dh], 1), recurrentFactor[t]);
            Tensor throughCell = Tf.Add(Tf.MatMul(dM[t], k.RecurrentKernel, transposeB: true), Tf.Multiply(dh, update[t]));
            carry = k.PlusCarried(throughCell, total, t);
        }

        // The input projection's gradient equals m's for z and r; for h it is dh·fh (m_h's is that times r).
        Tensor dRecurrent = Tf.Stack(dM, 1);
        Tensor dCandidate = Tf.Multiply(Tf.Stack(dHidden, 1), fh);
        grads[0] = Tf.Concat([Tf.Slice(dRecurrent, [0, 0, 0], [k.Batch, k.Time, 2 * k.Units]), dCandidate], 2);
        grads[1] = Context.KernelGradient(k.PreviousHidden, dRecurrent);
        grads[2] = carry;
        if (k.Op.HasBias)
        {
            grads[3] = Tf.ReduceSum(dRecurrent, [0, 1]);
        }
    }

    // Gates z, r from h_{t-1}·U_zr; hh = tanh(p_h + (r·h_{t-1})·U_h). Per step: dp_z = dh·fz, dp_h = dh·fh,
    // d(r·h) = dp_h·U_hᵀ, dp_r = d(r·h)·h_{t-1}·r', and the carry is [dp_z, dp_r]·U_zrᵀ + d(r·h)·r + dh·z.
    private static void GruResetBefore(Context k, Tensor?[] grads)
    {
        int u = k.Units;
        Tensor kernelZr = Tf.Slice(k.RecurrentKernel, [0, 0], [u, 2 * u]), kernelH = Tf.Slice(k.RecurrentKernel, [0, 2 * u], [u, u]);
        Tensor[] p = Tf.Split(k.InputProjection, 3, 2), mParts = Tf.Split(k.Project(k.PreviousHidden, kernelZr), 2, 2);
        Tensor z = Tf.Sigmoid(Tf.Add(p[0], mParts[0])), r = Tf.Sigmoid(Tf.Add(p[1], mParts[1]));
        Tensor resetHidden = Tf.Multiply(r, k.PreviousHidden);
        Tensor hh = Tf.Tanh(Tf.Add(p[2], k.Project(resetHidden, kernelH)));
        Tensor[] fz = Context.Steps(Tf.Multiply(Tf.Subtract(k.PreviousHidden, hh), Context.SigmoidSlope(z)));
        Tensor[] fh = Context.Steps(Tf.Multiply(Tf.Subtract(1, z), Context.OneMinusSquare(hh)));
        Tensor[] fr = Context.Steps(Tf.Multiply(k.PreviousHidden, Context.SigmoidSlope(r)));
        Tensor[] reset = Context.Steps(r), update = Context.Steps(z), upstream = Context.Steps(k.Upstream);

        var dGates = new Tensor[k.Time];
        var dCandidate = new Tensor[k.Time];
        Tensor? carry = null;
        for (int t = k.Time - 1; t >= 0; t--)
        {
            Tensor total = Context.Plus(upstream[t], carry);
            Tensor dh = k.Keep(total, t);
            dCandidate[t] = Tf.Multiply(dh, fh[t]);
            Tensor dResetHidden = Tf.MatMul(dCandidate[t], kernelH, transposeB: true);
            dGates[t] = Tf.Concat([Tf.Multiply(dh, fz[t]), Tf.Multiply(dResetHidden, fr[t])], 1);
            Tensor throughCell = Tf.Add(
                Tf.Add(Tf.MatMul(dGates[t], kernelZr, transposeB: true), Tf.Multiply(dResetHidden, reset[t])),
                Tf.Multiply(dh, update[t]));
            carry = k.PlusCarried(throughCell, total, t);
        }

        Tensor dZr = Tf.Stack(dGates, 1), dH = Tf.Stack(dCandidate, 1);
        grads[0] = Tf.Concat([dZr, dH], 2);
        grads[1] = Tf.Concat([Context.KernelGradient(k.PreviousHidden, dZr), Context.KernelGradient(resetHidden, dH)], 1);
        grads[2] = carry;
    }
}
