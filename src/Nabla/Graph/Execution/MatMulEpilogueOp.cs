using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// A float32 matrix product whose result only a fused elementwise group reads (bias, activation, scaling), run as
/// the GEMM's epilogue (<see cref="GemmEpilogueFusion"/> builds it): the GEMM writes C into this step's output and,
/// as each micro-panel's rows become final, the group computes its result over them in place, while they are still
/// in L1. The product never gets a buffer of its own and is never read back from memory. Like
/// <see cref="FusedElementwiseOp"/> it exists only in a plan: the graph keeps MatMul and the elementwise ops.
/// </summary>
internal sealed class MatMulEpilogueOp : Op
{
    [ThreadStatic]
    private static Epilogue? t_epilogue;

    private readonly MatMulOp _matMul;
    private readonly FusedElementwiseOp _group;
    private readonly int _productInput;
    private readonly int _groupInputs;

    /// <param name="matMul">The product: rank-2 float32 operands.</param>
    /// <param name="group">The elementwise group that reads the product.</param>
    /// <param name="productInput">Which of the group's external inputs is the product (read in full).</param>
    /// <param name="groupInputs">How many external inputs the group has.</param>
    public MatMulEpilogueOp(MatMulOp matMul, FusedElementwiseOp group, int productInput, int groupInputs)
        : base("MatMul+" + group.Name)
    {
        _matMul = matMul;
        _group = group;
        _productInput = productInput;
        _groupInputs = groupInputs;
    }

    public override TensorSpec InferOutput(ReadOnlySpan<Tensor> inputs)
        => throw new InvalidOperationException($"{Name} exists only in an execution plan, whose specs are known.");

    public override void Gradient(ReadOnlySpan<Tensor> inputs, Tensor output, Tensor upstream, ReadOnlySpan<bool> needsGradient, Span<Tensor?> result)
        => throw new InvalidOperationException($"{Name} exists only in an execution plan; gradients are built from the unfused graph.");

    /// <summary>The elementwise group run as the epilogue.</summary>
    internal FusedElementwiseOp Group => _group;

    /// <summary>Inputs: op(A), op(B), then the group's other external inputs in order (the product's place skipped).</summary>
    public override void Forward(ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        Tensor a = inputs[0], b = inputs[1];
        int m = output.Shape[0], n = output.Shape[1];
        int k = _matMul.TransposeA ? a.Shape[0] : a.Shape[1];

        // The group reads the product from the output itself, each element before it writes it.
        Epilogue epilogue = t_epilogue ??= new Epilogue();
        Tensor[] groupInputs = epilogue.Prepare(_groupInputs);
        for (int i = 0, j = 2; i < _groupInputs; i++)
        {
            groupInputs[i] = i == _productInput ? output : inputs[j++];
        }

        epilogue.Group = _group;
        epilogue.Output = output;
        epilogue.Loop = _group.LoopForCall(output.Size);
        try
        {
            Gemm.Multiply(a.Read<float>(), b.Read<float>(), output.Write<float>(), m, n, k, _matMul.TransposeA, _matMul.TransposeB, epilogue);
        }
        finally
        {
            epilogue.Clear();
        }
    }

    /// <summary>The per-thread epilogue of a call: the group, its inputs and the output, read by the GEMM's threads.</summary>
    private sealed class Epilogue : IGemmEpilogue
    {
        private Tensor[] _inputs = new Tensor[FusedArgs.Capacity];

        public FusedElementwiseOp? Group { get; set; }

        public Tensor? Output { get; set; }

        public FusedLoopBody? Loop { get; set; }

        public Tensor[] Prepare(int count)
        {
            if (_inputs.Length < count)
            {
                _inputs = new Tensor[count];
            }

            return _inputs;
        }

        public void Apply(int start, int end) => Group!.RunRange(_inputs, Output!, start, end, Loop);

        public void Clear()
        {
            Array.Clear(_inputs);
            Group = null;
            Output = null;
            Loop = null;
        }
    }
}
