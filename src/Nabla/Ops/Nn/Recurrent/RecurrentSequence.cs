using Nabla.Kernels;

namespace Nabla;

public static partial class Tf
{
    public static partial class Nn
    {
        /// <summary>
        /// A simple RNN over a whole sequence as one op (one tape entry): <c>h_t = activation(p_t + h_{t-1} · U)</c>,
        /// where <c>p = x · W + b</c> is <paramref name="inputProjection"/>, computed for all steps beforehand.
        /// </summary>
        /// <param name="inputProjection">(batch, time, units): the inputs already multiplied by the kernel, bias added.</param>
        /// <param name="initialState">h_0, (batch, units).</param>
        /// <param name="recurrentKernel">U, (units, units).</param>
        /// <param name="mask">(batch, time) bool; a false step keeps the previous state. <c>null</c>: every step counts.</param>
        /// <param name="activation"><c>"tanh"</c> (Keras's default) or <c>"relu"</c>.</param>
        /// <returns>The state after every step, (batch, time, units).</returns>
        /// <exception cref="ArgumentException">When shapes or dtypes (float32 or float64, all the same) do not fit.</exception>
        public static Tensor SimpleRnn(Tensor inputProjection, Tensor initialState, Tensor recurrentKernel, Tensor? mask = null,
            string activation = "tanh")
        {
            RecurrentCell cell = activation switch
            {
                "tanh" => RecurrentCell.SimpleTanh,
                "relu" => RecurrentCell.SimpleRelu,
                _ => throw new ArgumentException($"SimpleRnn: activation must be \"tanh\" or \"relu\", got \"{activation}\".", nameof(activation)),
            };
            return RecurrentSequenceOp.Run(cell, inputProjection, recurrentKernel, [initialState], null, mask);
        }

        /// <summary>
        /// An LSTM over a whole sequence as one op (one tape entry), Keras's formulas and gate order (i, f, c, o):
        /// <c>z = p_t + h_{t-1} · U</c>; <c>i, f, o = sigmoid(z_i, z_f, z_o)</c>; <c>c_t = f · c_{t-1} + i · tanh(z_c)</c>;
        /// <c>h_t = o · tanh(c_t)</c>, where <c>p = x · W + b</c> is <paramref name="inputProjection"/>.
        /// </summary>
        /// <param name="inputProjection">(batch, time, 4·units).</param>
        /// <param name="initialHidden">h_0, (batch, units).</param>
        /// <param name="initialCarry">c_0, (batch, units).</param>
        /// <param name="recurrentKernel">U, (units, 4·units).</param>
        /// <param name="mask">(batch, time) bool; a false step keeps both previous states.</param>
        /// <returns>h and c after every step, each (batch, time, units).</returns>
        /// <exception cref="ArgumentException">When shapes or dtypes do not fit.</exception>
        public static (Tensor Hidden, Tensor Carry) Lstm(Tensor inputProjection, Tensor initialHidden, Tensor initialCarry,
            Tensor recurrentKernel, Tensor? mask = null)
        {
            Tensor states = RecurrentSequenceOp.Run(RecurrentCell.Lstm, inputProjection, recurrentKernel, [initialHidden, initialCarry], null, mask);
            Tensor[] parts = Split(states, 2, 2);
            return (parts[0], parts[1]);
        }

        /// <summary>
        /// A GRU over a whole sequence as one op (one tape entry), Keras's formulas and gate order (z, r, h):
        /// <c>z, r = sigmoid(p_z + m_z, p_r + m_r)</c>, <c>h_t = z · h_{t-1} + (1 - z) · tanh(p_h + r · m_h)</c>, where
        /// <c>m = h_{t-1} · U + b_rec</c> when <paramref name="resetAfter"/> (Keras's default), and otherwise
        /// <c>m_h = (r · h_{t-1}) · U_h</c>.
        /// </summary>
        /// <param name="inputProjection">(batch, time, 3·units): <c>x · W + b_input</c>.</param>
        /// <param name="initialState">h_0, (batch, units).</param>
        /// <param name="recurrentKernel">U, (units, 3·units).</param>
        /// <param name="recurrentBias">(3·units), added to <c>h · U</c> (reset-after only); <c>null</c> for none.</param>
        /// <param name="mask">(batch, time) bool; a false step keeps the previous state.</param>
        /// <param name="resetAfter">Whether the reset gate applies after the recurrent product.</param>
        /// <returns>The state after every step, (batch, time, units).</returns>
        /// <exception cref="ArgumentException">When shapes or dtypes do not fit, or a recurrent bias is given without <paramref name="resetAfter"/>.</exception>
        public static Tensor Gru(Tensor inputProjection, Tensor initialState, Tensor recurrentKernel, Tensor? recurrentBias = null,
            Tensor? mask = null, bool resetAfter = true)
        {
            if (recurrentBias is not null && !resetAfter)
            {
                throw new ArgumentException("Gru: a recurrent bias is only used with resetAfter: true.", nameof(recurrentBias));
            }

            RecurrentCell cell = resetAfter ? RecurrentCell.GruResetAfter : RecurrentCell.GruResetBefore;
            return RecurrentSequenceOp.Run(cell, inputProjection, recurrentKernel, [initialState], recurrentBias, mask);
        }
    }
}

/// <summary>
/// A recurrent layer's time loop as one primitive: every step of a <see cref="RecurrentCell"/> in one kernel call,
/// so a tape records one entry per sequence whatever its length. Inputs: the input projection, the recurrent
/// kernel, the initial states, then the recurrent bias and the mask when present. Output: the states after each
/// step, (batch, time, states·units). The gradient (<see cref="RecurrentSequenceGradient"/>) is written with public
/// ops, so it can be differentiated again.
/// </summary>
internal sealed class RecurrentSequenceOp : Op
{
    private static readonly DTypeSet s_dtypes = DTypeSet.Of(DType.Float32, DType.Float64);

    private RecurrentSequenceOp(RecurrentCell cell, bool hasBias, bool hasMask)
        : base(cell switch
        {
            RecurrentCell.SimpleTanh or RecurrentCell.SimpleRelu => "SimpleRnn",
            RecurrentCell.Lstm => "Lstm",
            _ => "Gru",
        })
    {
        Cell = cell;
        HasBias = hasBias;
        HasMask = hasMask;
    }

    public RecurrentCell Cell { get; }

    public bool HasBias { get; }

    public bool HasMask { get; }

    public int StateCount => RecurrentKernels.States(Cell);

    /// <summary>
    /// For exporters (ONNX): the cell's activation ("tanh" or "relu", SimpleRnn), whether a GRU resets after the
    /// recurrent product, and which optional inputs (recurrent bias, mask) follow the states.
    /// </summary>
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object>
    {
        ["activation"] = Cell == RecurrentCell.SimpleRelu ? "relu" : "tanh",
        ["reset_after"] = Cell == RecurrentCell.GruResetAfter,
        ["has_bias"] = HasBias,
        ["has_mask"] = HasMask,
    };

    public static Tensor Run(RecurrentCell cell, Tensor inputProjection, Tensor recurrentKernel, Tensor[] initialStates, Tensor? recurrentBias, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(inputProjection);
        ArgumentNullException.ThrowIfNull(recurrentKernel);
        var inputs = new List<Tensor>(6) { inputProjection, recurrentKernel };
        foreach (Tensor state in initialStates)
        {
            if (state is null)
            {
                // The public methods name their states initialState, initialHidden, initialCarry: say which by position.
                throw new ArgumentNullException(null, $"{cell}: initial state #{inputs.Count - 2} (zero-based) is null [Op:{cell}].");
            }

            inputs.Add(state);
        }

        if (recurrentBias is not null)
        {
            inputs.Add(recurrentBias);
        }

        if (mask is not null)
        {
            inputs.Add(mask);
        }

        return new RecurrentSequenceOp(cell, recurrentBias is not null, mask is not null).Call([.. inputs]);
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
    {
        Tensor xw = inputs[0], kernel = inputs[1];
        int gates = RecurrentKernels.Gates(Cell);
        string gateText = gates == 1 ? "units" : $"{gates} * units";
        DTypeRules.Require(Name, xw.DType, s_dtypes, xw.Shape);
        Check(kernel.Rank == 2 && kernel.Shape[1] == gates * kernel.Shape[0] && kernel.Shape[0] > 0,
            $"the recurrent kernel must have shape (units, {gateText}), got {kernel.Shape}");
        int units = kernel.Shape[0];
        Check(xw.Rank == 3 && xw.Shape[2] == gates * units,
            $"the input projection must have shape (batch, time, {gateText}) with units = {units}, got {xw.Shape}");
        int batch = xw.Shape[0], time = xw.Shape[1];
        for (int i = 1; i < inputs.Length; i++)
        {
            bool isMask = HasMask && i == inputs.Length - 1;
            Check(isMask ? inputs[i].DType == DType.Bool : inputs[i].DType == xw.DType,
                $"input {i} has dtype {inputs[i].DType}, expected {(isMask ? DType.Bool : xw.DType)} (input projection {xw.Shape} {xw.DType})");
        }

        for (int s = 0; s < StateCount; s++)
        {
            Shape state = inputs[2 + s].Shape;
            Check(state.Rank == 2 && state[0] == batch && state[1] == units,
                $"initial state {s} must have shape ({batch}, {units}) (batch, units), got {state}");
        }

        if (HasBias)
        {
            Shape bias = inputs[2 + StateCount].Shape;
            Check(bias.Rank == 1 && bias[0] == gates * units, $"the recurrent bias must have shape ({gates * units},), got {bias}");
        }

        if (HasMask)
        {
            Shape mask = inputs[^1].Shape;
            Check(mask.Rank == 2 && mask[0] == batch && mask[1] == time, $"the mask must have shape ({batch}, {time}) (batch, time), got {mask}");
        }

        return new TensorSpec(new Shape(batch, time, StateCount * units), xw.DType);
    }

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
        => DTypeDispatch.Float(new Body(this), inputs, output, output.DType);

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => RecurrentSequenceGradient.Compute(this, inputs, output, upstream, needsGradient, result);

    private readonly struct Body(RecurrentSequenceOp op) : IFloatBody
    {
        public void Run<T>(in Operands<T> o)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            Shape xw = o.Input(0).Shape;
            int units = o.Input(1).Shape[0];
            ReadOnlySpan<T> bias = op.HasBias ? o.In(2 + op.StateCount) : default;
            ReadOnlySpan<bool> mask = op.HasMask ? o.InAs<bool>(o.Count - 1) : default;
            ReadOnlySpan<T> c0 = op.StateCount == 2 ? o.In(3) : default;
            RecurrentKernels.Run(op.Cell, o.In(0), o.In(1), bias, o.In(2), c0, mask, o.Out, xw[0], xw[1], units);
        }
    }

    private void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"{Name}: {message} [Op:{Name}].");
        }
    }
}
