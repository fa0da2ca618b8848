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

    /// <summary>Input <paramref name="k"/>: a JIT-time constant in every caller, so the chain folds to one field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref float Input(int k)
    {
        if (k == 0)
        {
            return ref Input0;
        }

        if (k == 1)
        {
            return ref Input1;
        }

        if (k == 2)
        {
            return ref Input2;
        }

        if (k == 3)
        {
            return ref Input3;
        }

        if (k == 4)
        {
            return ref Input4;
        }

        if (k == 5)
        {
            return ref Input5;
        }

        return ref k == 6 ? ref Input6 : ref Input7;
    }
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
internal interface IInputNumber
{
    static abstract int Value { get; }
}

internal readonly struct Input0 : IInputNumber
{
    public static int Value => 0;
}

internal readonly struct Input1 : IInputNumber
{
    public static int Value => 1;
}

internal readonly struct Input2 : IInputNumber
{
    public static int Value => 2;
}

internal readonly struct Input3 : IInputNumber
{
    public static int Value => 3;
}

internal readonly struct Input4 : IInputNumber
{
    public static int Value => 4;
}

internal readonly struct Input5 : IInputNumber
{
    public static int Value => 5;
}

internal readonly struct Input6 : IInputNumber
{
    public static int Value => 6;
}

internal readonly struct Input7 : IInputNumber
{
    public static int Value => 7;
}

/// <summary>An input of the output's shape.</summary>
internal readonly struct FullInput<TInput> : IFusedExpression
    where TInput : IInputNumber
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Evaluate(in FusedArgs args, nuint element, nuint inRow)
        => Vector256.LoadUnsafe(ref args.Input(TInput.Value), element);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Evaluate512(in FusedArgs args, nuint element, nuint inRow)
        => Vector512.LoadUnsafe(ref args.Input(TInput.Value), element);
}

/// <summary>A one-element input, broadcast.</summary>
internal readonly struct ScalarInput<TInput> : IFusedExpression
    where TInput : IInputNumber
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Evaluate(in FusedArgs args, nuint element, nuint inRow)
        => Vector256.Create(args.Input(TInput.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Evaluate512(in FusedArgs args, nuint element, nuint inRow)
        => Vector512.Create(args.Input(TInput.Value));
}

/// <summary>An input whose shape is a suffix of the output's (a bias row), read at the element's index in its row.</summary>
internal readonly struct CyclicInput<TInput> : IFusedExpression
    where TInput : IInputNumber
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Evaluate(in FusedArgs args, nuint element, nuint inRow)
        => Vector256.LoadUnsafe(ref args.Input(TInput.Value), inRow);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Evaluate512(in FusedArgs args, nuint element, nuint inRow)
        => Vector512.LoadUnsafe(ref args.Input(TInput.Value), inRow);
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
