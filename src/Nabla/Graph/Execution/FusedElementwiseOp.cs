using System.Buffers;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla;

/// <summary>How a fused group reads one of its external inputs at output element <c>i</c>.</summary>
internal enum FusedOperandKind : byte
{
    /// <summary>An input of the output's shape: element <c>i</c>.</summary>
    Full,

    /// <summary>A one-element input: element 0 everywhere.</summary>
    Scalar,

    /// <summary>An input whose shape is a suffix of the output's (a bias row): element <c>i % period</c>.</summary>
    Cyclic,

    /// <summary>A tile of the group's scratch that an earlier instruction wrote.</summary>
    Slot,
}

/// <summary>One operand of a fused instruction: an external input (by index) or a scratch slot.</summary>
internal readonly record struct FusedOperand(FusedOperandKind Kind, int Index);

/// <summary>One op of a fused group: its float32 tile kernel applied to one or two operands, into a slot or (last) the output.</summary>
/// <param name="Op">An <see cref="ElementwiseUnaryOp"/> or <see cref="ElementwiseBinaryOp"/> with a float32 kernel.</param>
/// <param name="A">The first operand.</param>
/// <param name="B">The second operand (unused by a unary op).</param>
/// <param name="Destination">The scratch slot written, or -1 for the group's output.</param>
internal readonly record struct FusedInstruction(Op Op, FusedOperand A, FusedOperand B, int Destination);

/// <summary>
/// A chain (or small DAG) of float32 elementwise ops run as one pass over memory (<see cref="ElementwiseFusion"/>
/// builds it for an execution plan): the output is cut into tiles that stay in L1, and for each tile every op of
/// the group runs its own float32 tile kernel (<c>TryApplyFloat32</c>, the very kernel its eager Forward runs) on
/// tile-sized scratch, the last one straight into the output. Intermediates never reach memory; large outputs are
/// split over the cores in whole tiles. It exists only inside a plan (never in a graph or on a tape), so it has no
/// gradient of its own: the graph keeps the unfused ops, which is what gradients and exports see.
/// </summary>
internal sealed class FusedElementwiseOp : Op
{
    /// <summary>Elements per tile: 4 KiB of floats per slot, so a dozen slots and the streamed operands stay in L1.</summary>
    internal const int TileLength = 1024;

    [ThreadStatic]
    private static Tensor[]? t_inputs;

    private readonly FusedInstruction[] _program;
    private readonly FusedOperandKind[] _kinds;
    private readonly int[] _periods;
    private readonly int _slots;
    private readonly TieredFusedKernel<FusedLoopBody> _loop;

    /// <param name="program">The instructions in dependency order; the last writes the output.</param>
    /// <param name="kinds">Per external input: how it is read.</param>
    /// <param name="periods">Per external input: its element count (the period of a cyclic one).</param>
    /// <param name="slots">The scratch tiles the program uses.</param>
    /// <param name="names">The fused ops' names, for printing a plan.</param>
    public FusedElementwiseOp(FusedInstruction[] program, FusedOperandKind[] kinds, int[] periods, int slots, string names)
        : base("Fused[" + names + "]")
    {
        _program = program;
        _kinds = kinds;
        _periods = periods;
        _slots = slots;
        _loop = new(() => new(FusedKernelCompiler.TryCompile(program, kinds, periods, out int period, out int width), period, width));
    }

    /// <summary>How many ops run in this one pass.</summary>
    public int OpCount => _program.Length;

    /// <summary>
    /// Whether the group runs as one compiled loop (<see cref="FusedKernelCompiler"/>) rather than the tile interpreter
    /// once past its first calls (<see cref="TieredFusedKernel{TBody}"/>); asking compiles it.
    /// </summary>
    public bool IsCompiled => _loop.Compiled.Body is not null;

    /// <summary>Whether the group has been compiled (or found not to compile) already; asking changes nothing.</summary>
    internal bool IsSettled => _loop.IsSettled;

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
        => throw new InvalidOperationException($"{Name} exists only in an execution plan, whose specs are known.");

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => throw new InvalidOperationException($"{Name} exists only in an execution plan; gradients are built from the unfused graph.");

    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        // Chunks may run on other threads, which cannot see the caller's span: the inputs go in a per-thread array
        // (a fused op never runs another fused op inside, so one array per thread suffices), cleared afterwards.
        Tensor[] held = t_inputs is { } cached && cached.Length >= inputs.Length ? cached : (t_inputs = new Tensor[Math.Max(inputs.Length, 8)]);
        inputs.CopyTo(held);
        try
        {
            // The compiled loop reads whole vectors, so outputs smaller than one go to the interpreter (as do the
            // first calls of a small group, see TieredFusedKernel).
            if (LoopForCall(output.Size) is { } loop)
            {
                ParallelFor.Run(output.Size, new CompiledChunk(this, loop, held, output));
            }
            else
            {
                ParallelFor.Run(output.Size, new Chunk(this, held, output));
            }
        }
        finally
        {
            Array.Clear(held, 0, inputs.Length);
        }
    }

    /// <summary>Counts one call of the group: the compiled loop to run it with, or null for the interpreter.</summary>
    internal FusedLoopBody? LoopForCall(int outputSize) => _loop.ForCall(outputSize);

    /// <summary>
    /// Computes output elements [<paramref name="start"/>, <paramref name="end"/>) on the calling thread, for a GEMM
    /// epilogue (<see cref="MatMulEpilogueOp"/>), whose threads call it on the rows they finish, with the loop
    /// <see cref="LoopForCall"/> gave the call (null: the interpreter), so every range of a call runs one path. Any range
    /// of the output is safe for the compiled loop: its ragged end reads whole registers inside the output and stores
    /// only the range's lanes.
    /// </summary>
    internal void RunRange(Tensor[] inputs, Tensor output, int start, int end, FusedLoopBody? loop)
    {
        if (loop is not null)
        {
            RunCompiled(loop, inputs, output, start, end);
        }
        else
        {
            Run(inputs, output, start, end);
        }
    }

    private readonly struct Chunk(FusedElementwiseOp op, Tensor[] inputs, Tensor output) : IRangeBody
    {
        public void Invoke(int start, int end) => op.Run(inputs, output, start, end);
    }

    private readonly struct CompiledChunk(FusedElementwiseOp op, FusedLoopBody loop, Tensor[] inputs, Tensor output) : IRangeBody
    {
        public void Invoke(int start, int end) => op.RunCompiled(loop, inputs, output, start, end);
    }

    private void RunCompiled(FusedLoopBody loop, Tensor[] inputs, Tensor output, int start, int end)
    {
        var args = new FusedArgs { Period = _loop.Compiled.Period };
        args.Output = ref MemoryMarshal.GetReference(output.Write<float>());
        BindInputs(ref args, inputs, _kinds.Length);
        loop(args, start, end);
    }

    /// <summary>How many external inputs the group reads.</summary>
    public int InputCount => _kinds.Length;

    /// <summary>The compiled sum of the group's results (a reduction fused at its end), or null where it does not compile.</summary>
    public FusedSumBody? CompileSum(out int period, out int width) => FusedKernelCompiler.TryCompileSum(_program, _kinds, _periods, out period, out width);

    /// <summary>Points <paramref name="args"/>' input fields at the first elements of <paramref name="inputs"/>.</summary>
    internal static void BindInputs(ref FusedArgs args, Tensor[] inputs, int count)
    {
        for (int k = 0; k < count; k++)
        {
            ref float first = ref MemoryMarshal.GetReference(inputs[k].Read<float>());
            switch (k)
            {
                case 0: args.Input0 = ref first; break;
                case 1: args.Input1 = ref first; break;
                case 2: args.Input2 = ref first; break;
                case 3: args.Input3 = ref first; break;
                case 4: args.Input4 = ref first; break;
                case 5: args.Input5 = ref first; break;
                case 6: args.Input6 = ref first; break;
                default: args.Input7 = ref first; break;
            }
        }
    }

    // One chunk: scratch holds the slots, then one tile per scalar input filled once with its value.
    private void Run(Tensor[] inputs, Tensor output, int start, int end)
    {
        float[] scratch = ArrayPool<float>.Shared.Rent((_slots + _kinds.Length) * TileLength);
        try
        {
            for (int k = 0; k < _kinds.Length; k++)
            {
                if (_kinds[k] == FusedOperandKind.Scalar)
                {
                    scratch.AsSpan((_slots + k) * TileLength, TileLength).Fill(inputs[k].Read<float>()[0]);
                }
            }

            Span<float> result = output.Write<float>();
            for (int tile = start; tile < end; tile += TileLength)
            {
                int length = Math.Min(TileLength, end - tile);
                foreach (FusedInstruction instruction in _program)
                {
                    Span<float> destination = instruction.Destination < 0
                        ? result.Slice(tile, length)
                        : scratch.AsSpan(instruction.Destination * TileLength, length);
                    Apply(instruction, inputs, scratch, tile, destination);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    // Applies one instruction over elements [tile, tile + destination.Length); an operand read cyclically splits
    // the range where its index wraps, so every kernel call sees plain spans.
    private void Apply(in FusedInstruction instruction, Tensor[] inputs, float[] scratch, int tile, Span<float> destination)
    {
        int length = destination.Length;
        int period = Math.Min(PeriodOf(instruction.A), PeriodOf(instruction.B));
        for (int done = 0; done < length;)
        {
            int run = length - done;
            if (period < int.MaxValue)
            {
                run = Math.Min(run, Math.Min(RunLeft(instruction.A, tile + done), RunLeft(instruction.B, tile + done)));
            }

            ReadOnlySpan<float> a = Operand(instruction.A, inputs, scratch, tile, done, run);
            Span<float> z = destination.Slice(done, run);
            bool applied = instruction.Op is ElementwiseUnaryOp unary
                ? unary.TryApplyFloat32(a, z)
                : ((ElementwiseBinaryOp)instruction.Op).TryApplyFloat32(a, Operand(instruction.B, inputs, scratch, tile, done, run), z);
            if (!applied)
            {
                throw new InvalidOperationException($"{instruction.Op.Name} lost its float32 kernel after it was fused.");
            }

            done += run;
        }
    }

    private int PeriodOf(FusedOperand operand) => operand.Kind == FusedOperandKind.Cyclic ? _periods[operand.Index] : int.MaxValue;

    private int RunLeft(FusedOperand operand, int element)
        => operand.Kind == FusedOperandKind.Cyclic ? _periods[operand.Index] - (element % _periods[operand.Index]) : int.MaxValue;

    private ReadOnlySpan<float> Operand(FusedOperand operand, Tensor[] inputs, float[] scratch, int tile, int done, int run) => operand.Kind switch
    {
        FusedOperandKind.Slot => scratch.AsSpan((operand.Index * TileLength) + done, run),
        FusedOperandKind.Scalar => scratch.AsSpan((_slots + operand.Index) * TileLength, run),
        FusedOperandKind.Full => inputs[operand.Index].Read<float>().Slice(tile + done, run),
        _ => inputs[operand.Index].Read<float>().Slice((tile + done) % _periods[operand.Index], run),
    };
}
