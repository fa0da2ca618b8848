using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

/// <summary>Runs a compiled fused group over output elements [<paramref name="start"/>, <paramref name="end"/>).</summary>
internal delegate void FusedLoopBody(in FusedArgs args, int start, int end);

/// <summary>
/// Compiles a fused group (<see cref="FusedElementwiseOp"/>'s program) into one loop that keeps every intermediate
/// in registers: the program becomes a type (<see cref="IFusedExpression"/> leaves and nodes, one per operand and
/// instruction), and <see cref="FusedLoop{TExpression, TWidth}"/> instantiated over it is the group's kernel. Its loop is
/// compiled fully optimized on its first call (<c>AggressiveOptimization</c>) with every node inlined, so it never
/// runs unoptimized JIT code, which the tile interpreter's per-tile kernel calls do until tiering promotes them.
/// Returns null, leaving the group to the interpreter, where the runtime cannot create types (NativeAOT), vectors
/// are not accelerated, an op has no <see cref="IVectorUnaryKernel"/>/<see cref="IVectorBinaryKernel"/>, the group
/// has more than <see cref="FusedArgs.Capacity"/> inputs or cyclic inputs of different or short periods, or the tree
/// (a value used twice is computed twice) grows past <see cref="MaxNodes"/>.
/// </summary>
internal static class FusedKernelCompiler
{
    /// <summary>The largest tree compiled (a value read twice is computed twice, so a diamond-shaped group can grow): it bounds one loop's code.</summary>
    internal const int MaxNodes = 48;

    private static readonly Type[] InputNumbers =
        [typeof(Input0), typeof(Input1), typeof(Input2), typeof(Input3), typeof(Input4), typeof(Input5), typeof(Input6), typeof(Input7)];

    /// <summary>Whether groups are compiled (tests switch it off to exercise the interpreter).</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>
    /// How many calls a group with a small output runs in the tile interpreter before its loop is compiled
    /// (<see cref="TieredFusedKernel{TBody}"/>). 0 by default: the interpreter and the compiled loop agree only within
    /// the fusion tolerance (tanh, fused sums), so with 1 a function's first call rounded differently from its later
    /// ones, and a reloaded Keras model's next steps, or a dataset's Evaluate against the tensor one, were no longer
    /// bit-identical (Nabla.Keras.Tests caught it). Results must not depend on how often a function was called; a
    /// positive value trades that for a first call about 10 ms sooner. Tests set it to see the swap.
    /// </summary>
    internal static int InterpretedCalls { get; set; }

    /// <summary>The largest output (elements) whose first calls run interpreted; larger groups compile on their first call.</summary>
    internal const int InterpretFirstMaxElements = 1 << 18;

    /// <summary>Whether 512-bit registers are used where accelerated (tests switch it off to exercise the 256-bit path there).</summary>
    internal static bool WideVectors { get; set; } = true;

    /// <summary>The compiled loop for <paramref name="program"/>, or null when the interpreter must run it.</summary>
    /// <param name="program">The group's instructions, as <see cref="FusedElementwiseOp"/> holds them.</param>
    /// <param name="kinds">Per external input: how it is read.</param>
    /// <param name="periods">Per external input: its element count.</param>
    /// <param name="period">The period of the cyclic inputs (0 when there are none).</param>
    /// <param name="width">The floats per step (16 where 512-bit vectors are accelerated and rows are long enough, else 8): outputs shorter than it go to the interpreter.</param>
    public static FusedLoopBody? TryCompile(FusedInstruction[] program, FusedOperandKind[] kinds, int[] periods, out int period, out int width)
        => TryTree(program, kinds, periods, out period, out width) is { } root ? Instantiate(root, width) : null;

    /// <summary>The compiled sum of <paramref name="program"/>'s results (a reduction fused at the group's end), or null; as <see cref="TryCompile"/>.</summary>
    public static FusedSumBody? TryCompileSum(FusedInstruction[] program, FusedOperandKind[] kinds, int[] periods, out int period, out int width)
        => TryTree(program, kinds, periods, out period, out width) is { } root ? InstantiateSum(root, width) : null;

    private static Type? TryTree(FusedInstruction[] program, FusedOperandKind[] kinds, int[] periods, out int period, out int width)
    {
        period = 0;
        width = 0;
        if (!Enabled || !RuntimeFeature.IsDynamicCodeSupported || !Vector256.IsHardwareAccelerated || kinds.Length > FusedArgs.Capacity)
        {
            return null;
        }

        for (int k = 0; k < kinds.Length; k++)
        {
            if (kinds[k] == FusedOperandKind.Cyclic)
            {
                if ((period != 0 && period != periods[k]) || periods[k] < Vector256<float>.Count)
                {
                    return null;
                }

                period = periods[k];
            }
        }

        Type? root = Tree(program);
        bool wide = WideVectors && Vector512.IsHardwareAccelerated && (period == 0 || period >= Vector512<float>.Count);
        width = root is null ? 0 : wide ? Vector512<float>.Count : Vector256<float>.Count;
        return root;
    }

    // The program as one expression type: each slot holds the tree of the instruction that last wrote it.
    private static Type? Tree(FusedInstruction[] program)
    {
        var slots = new Dictionary<int, (Type Tree, int Nodes)>();
        foreach (FusedInstruction instruction in program)
        {
            (Type Tree, int Nodes) a = Operand(instruction.A, slots);
            (Type Tree, int Nodes) node;
            if (instruction.Op is ElementwiseUnaryOp { VectorKernel: { } unary })
            {
                node = (MakeNode(typeof(UnaryNode<,>), unary, a.Tree), a.Nodes + 1);
            }
            else if (instruction.Op is ElementwiseBinaryOp { VectorKernel: { } binary })
            {
                (Type Tree, int Nodes) b = Operand(instruction.B, slots);
                node = (MakeNode(typeof(BinaryNode<,,>), binary, a.Tree, b.Tree), a.Nodes + b.Nodes + 1);
            }
            else
            {
                return null;
            }

            if (node.Nodes > MaxNodes)
            {
                return null;
            }

            if (instruction.Destination < 0)
            {
                return node.Tree;
            }

            slots[instruction.Destination] = node;
        }

        return null;
    }

    private static (Type Tree, int Nodes) Operand(FusedOperand operand, Dictionary<int, (Type Tree, int Nodes)> slots) => operand.Kind switch
    {
        FusedOperandKind.Slot => slots[operand.Index],
        FusedOperandKind.Full => (MakeNode(typeof(InputLeaf<,>), InputNumbers[operand.Index], typeof(ReadFull)), 1),
        FusedOperandKind.Scalar => (MakeNode(typeof(InputLeaf<,>), InputNumbers[operand.Index], typeof(ReadScalar)), 1),
        _ => (MakeNode(typeof(InputLeaf<,>), InputNumbers[operand.Index], typeof(ReadCyclic)), 1),
    };

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only where RuntimeFeature.IsDynamicCodeSupported (TryCompile checks).")]
    [UnconditionalSuppressMessage("Trimming", "IL2055", Justification = "The type arguments are Nabla's node, input-number and kernel structs, which the ops reference.")]
    private static Type MakeNode(Type definition, params Type[] arguments) => definition.MakeGenericType(arguments);

    private static Type WidthType(int width) => width == Vector512<float>.Count ? typeof(Width512) : typeof(Width256);

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only where RuntimeFeature.IsDynamicCodeSupported (TryCompile checks).")]
    [UnconditionalSuppressMessage("Trimming", "IL2055", Justification = "FusedLoop<,> over a node struct built by Tree and a width struct.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "FusedLoop<,>.Run is referenced below by name and kept by the DynamicDependency.")]
    [DynamicDependency(nameof(FusedLoop<InputLeaf<Input0, ReadFull>, Width256>.Run), typeof(FusedLoop<,>))]
    private static FusedLoopBody Instantiate(Type root, int width)
        => typeof(FusedLoop<,>).MakeGenericType(root, WidthType(width)).GetMethod(nameof(FusedLoop<InputLeaf<Input0, ReadFull>, Width256>.Run))!.CreateDelegate<FusedLoopBody>();

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only where RuntimeFeature.IsDynamicCodeSupported (TryCompileSum checks).")]
    [UnconditionalSuppressMessage("Trimming", "IL2055", Justification = "FusedSum<,> over a node struct built by Tree and a width struct.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "FusedSum<,>.Run is referenced below by name and kept by the DynamicDependency.")]
    [DynamicDependency(nameof(FusedSum<InputLeaf<Input0, ReadFull>, Width256>.Run), typeof(FusedSum<,>))]
    private static FusedSumBody InstantiateSum(Type root, int width)
        => typeof(FusedSum<,>).MakeGenericType(root, WidthType(width)).GetMethod(nameof(FusedSum<InputLeaf<Input0, ReadFull>, Width256>.Run))!.CreateDelegate<FusedSumBody>();
}

/// <summary>A register width for <see cref="FusedLoop{TExpression, TWidth}"/>: how many floats a step computes.</summary>
internal interface IVectorWidth
{
    static abstract int Count { get; }
}

internal readonly struct Width256 : IVectorWidth
{
    public static int Count => Vector256<float>.Count;
}

internal readonly struct Width512 : IVectorWidth
{
    public static int Count => Vector512<float>.Count;
}

/// <summary>The compiled kernel of one fused group, <typeparamref name="TExpression"/>: one register of <typeparamref name="TWidth"/> per step.</summary>
internal static class FusedLoop<TExpression, TWidth>
    where TExpression : IFusedExpression
    where TWidth : IVectorWidth
{
    /// <summary>
    /// Computes output elements [<paramref name="start"/>, <paramref name="end"/>) one vector at a time, row by row
    /// when inputs are read cyclically. The ragged end of a row (or of the range) is the row's last whole vector,
    /// stored only in the lanes not yet written: its other lanes may read values an in-place update already wrote,
    /// but every lane depends on its own element only, so the stored ones are right. Needs rows (or, without cyclic
    /// inputs, the whole output) of at least one register; <see cref="FusedElementwiseOp"/> sends smaller outputs
    /// to the interpreter.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in FusedArgs args, int start, int end)
    {
        int width = TWidth.Count;
        int period = args.Period;
        Span<float> lanes = stackalloc float[Vector512<float>.Count];
        for (int segment = start; segment < end;)
        {
            int rowStart = period == 0 ? 0 : segment - (segment % period);
            int segmentEnd = period == 0 ? end : (int)Math.Min(end, (long)rowStart + period);
            // One call site for the expression, so the loop holds one inlined copy of the tree (the ragged end of a
            // row goes through it too, into the lane buffer).
            for (int i = segment; i < segmentEnd; i += width)
            {
                bool whole = i <= segmentEnd - width;
                int at = whole ? i : Math.Max(segmentEnd - width, rowStart);
                ref float destination = ref whole ? ref Unsafe.Add(ref args.Output, i) : ref MemoryMarshal.GetReference(lanes);
                if (typeof(TWidth) == typeof(Width512))
                {
                    TExpression.Evaluate512(args, (nuint)at, (nuint)(at - rowStart)).StoreUnsafe(ref destination);
                }
                else
                {
                    TExpression.Evaluate(args, (nuint)at, (nuint)(at - rowStart)).StoreUnsafe(ref destination);
                }

                if (!whole)
                {
                    lanes.Slice(i - at, segmentEnd - i).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref args.Output, i), segmentEnd - i));
                }
            }

            segment = segmentEnd;
        }
    }
}
