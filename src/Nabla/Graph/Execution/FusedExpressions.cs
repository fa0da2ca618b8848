using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// What a compiled fused loop reads and writes: the output and up to <see cref="Capacity"/> external inputs, as
/// references to their first element, and the period of the inputs read cyclically (0 when none is).
/// </summary>
internal ref struct FusedArgs
{
    /// <summary>The most external inputs a compiled group takes (one field each).</summary>
    public const int Capacity = 8;

    public ref float Output;
    public ref float Input0;
    public ref float Input1;
    public ref float Input2;
    public ref float Input3;
    public ref float Input4;
    public ref float Input5;
    public ref float Input6;
    public ref float Input7;
    public int Period;
}

/// <summary>
/// A fused group as a type: leaves read inputs, nodes apply an op's <see cref="IVectorUnaryKernel"/> or
/// <see cref="IVectorBinaryKernel"/> to their children. The JIT specialises <see cref="FusedLoop{TExpression, TWidth}"/> for
/// the whole tree and inlines every level, so the group computes a register of elements per step.
/// </summary>
internal interface IFusedExpression
{
    /// <summary>The eight results at output element <paramref name="element"/> (<paramref name="inRow"/>: its index within the cyclic inputs' period).</summary>
    static abstract Vector256<float> Evaluate(in FusedArgs args, nuint element, nuint inRow);

    /// <summary>The sixteen results at output element <paramref name="element"/>.</summary>
    static abstract Vector512<float> Evaluate512(in FusedArgs args, nuint element, nuint inRow);
}

/// <summary>An input number as a type, so a leaf's field is chosen when the loop is compiled.</summary>
internal interface IInputNumber;

internal readonly struct Input0 : IInputNumber;

internal readonly struct Input1 : IInputNumber;

internal readonly struct Input2 : IInputNumber;

internal readonly struct Input3 : IInputNumber;

internal readonly struct Input4 : IInputNumber;

internal readonly struct Input5 : IInputNumber;

internal readonly struct Input6 : IInputNumber;

internal readonly struct Input7 : IInputNumber;

/// <summary>How a leaf reads its input, as a type: <see cref="ReadFull"/>, <see cref="ReadScalar"/> or <see cref="ReadCyclic"/>.</summary>
internal interface IInputRead;

/// <summary>An input of the output's shape, read at the element.</summary>
internal readonly struct ReadFull : IInputRead;

/// <summary>A one-element input, broadcast.</summary>
internal readonly struct ReadScalar : IInputRead;

/// <summary>An input whose shape is a suffix of the output's (a bias row), read at the element's index in its row.</summary>
internal readonly struct ReadCyclic : IInputRead;

/// <summary>
/// A leaf: input <typeparamref name="TInput"/> read as <typeparamref name="TRead"/> says. The field and the read
/// are chosen by <c>typeof</c> tests that the JIT folds, not by calls: the JIT stops inlining ten calls below the
/// loop (measured on .NET 10), and every call level a leaf saves is one more op a group can chain
/// (<see cref="ElementwiseFusion.MaxDepth"/>).
/// </summary>
internal readonly struct InputLeaf<TInput, TRead> : IFusedExpression
    where TInput : IInputNumber
    where TRead : IInputRead
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Evaluate(in FusedArgs args, nuint element, nuint inRow)
    {
        ref float first = ref typeof(TInput) == typeof(Input0) ? ref args.Input0
            : ref typeof(TInput) == typeof(Input1) ? ref args.Input1
            : ref typeof(TInput) == typeof(Input2) ? ref args.Input2
            : ref typeof(TInput) == typeof(Input3) ? ref args.Input3
            : ref typeof(TInput) == typeof(Input4) ? ref args.Input4
            : ref typeof(TInput) == typeof(Input5) ? ref args.Input5
            : ref typeof(TInput) == typeof(Input6) ? ref args.Input6
            : ref args.Input7;
        return typeof(TRead) == typeof(ReadScalar) ? Vector256.Create(first)
            : Vector256.LoadUnsafe(ref first, typeof(TRead) == typeof(ReadFull) ? element : inRow);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Evaluate512(in FusedArgs args, nuint element, nuint inRow)
    {
        ref float first = ref typeof(TInput) == typeof(Input0) ? ref args.Input0
            : ref typeof(TInput) == typeof(Input1) ? ref args.Input1
            : ref typeof(TInput) == typeof(Input2) ? ref args.Input2
            : ref typeof(TInput) == typeof(Input3) ? ref args.Input3
            : ref typeof(TInput) == typeof(Input4) ? ref args.Input4
            : ref typeof(TInput) == typeof(Input5) ? ref args.Input5
            : ref typeof(TInput) == typeof(Input6) ? ref args.Input6
            : ref args.Input7;
        return typeof(TRead) == typeof(ReadScalar) ? Vector512.Create(first)
            : Vector512.LoadUnsafe(ref first, typeof(TRead) == typeof(ReadFull) ? element : inRow);
    }
}

/// <summary>A unary op applied to a subtree.</summary>
internal readonly struct UnaryNode<TKernel, TX> : IFusedExpression
    where TKernel : IVectorUnaryKernel
    where TX : IFusedExpression
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Evaluate(in FusedArgs args, nuint element, nuint inRow)
        => TKernel.ApplyVector(TX.Evaluate(args, element, inRow));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Evaluate512(in FusedArgs args, nuint element, nuint inRow)
        => TKernel.ApplyVector(TX.Evaluate512(args, element, inRow));
}

/// <summary>A binary op applied to two subtrees.</summary>
internal readonly struct BinaryNode<TKernel, TX, TY> : IFusedExpression
    where TKernel : IVectorBinaryKernel
    where TX : IFusedExpression
    where TY : IFusedExpression
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Evaluate(in FusedArgs args, nuint element, nuint inRow)
        => TKernel.ApplyVector(TX.Evaluate(args, element, inRow), TY.Evaluate(args, element, inRow));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Evaluate512(in FusedArgs args, nuint element, nuint inRow)
        => TKernel.ApplyVector(TX.Evaluate512(args, element, inRow), TY.Evaluate512(args, element, inRow));
}
