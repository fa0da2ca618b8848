using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla;

/// <summary>Sums a compiled fused group's results over elements [<paramref name="start"/>, <paramref name="end"/>).</summary>
internal delegate float FusedSumBody(in FusedArgs args, int start, int end);

/// <summary>
/// The compiled sum of one fused group, <typeparamref name="TExpression"/>: <see cref="FusedLoop{TExpression, TWidth}"/>'s
/// walk over the elements (the same segments and ragged ends; kept as a twin rather than a shared walk over a
/// generic "consumer" because every call level below the loop counts against the JIT's inlining depth, see
/// <see cref="ElementwiseFusion.MaxDepth"/>), adding each register into an accumulator instead of storing it, so a
/// reduction at the end of an elementwise chain never writes the chain's result to memory (<see cref="FusedReductionOp"/>).
/// </summary>
internal static class FusedSum<TExpression, TWidth>
    where TExpression : IFusedExpression
    where TWidth : IVectorWidth
{
    /// <summary>
    /// The sum of the group's results at elements [<paramref name="start"/>, <paramref name="end"/>), one register per
    /// lane accumulator; the ragged end of a row adds only its own lanes of the row's last whole register. Needs at
    /// least one register of elements in the whole group (<see cref="FusedReductionOp"/> sends smaller ones elsewhere).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Run(in FusedArgs args, int start, int end)
    {
        int width = TWidth.Count;
        int period = args.Period;
        Span<float> lanes = stackalloc float[Vector512<float>.Count];
        Vector512<float> sum512 = Vector512<float>.Zero;
        Vector256<float> sum256 = Vector256<float>.Zero;
        float ragged = 0;
        for (int segment = start; segment < end;)
        {
            int rowStart = period == 0 ? 0 : segment - (segment % period);
            int segmentEnd = period == 0 ? end : (int)Math.Min(end, (long)rowStart + period);
            for (int i = segment; i < segmentEnd; i += width)
            {
                bool whole = i <= segmentEnd - width;
                int at = whole ? i : Math.Max(segmentEnd - width, rowStart);
                if (typeof(TWidth) == typeof(Width512))
                {
                    Vector512<float> value = TExpression.Evaluate512(args, (nuint)at, (nuint)(at - rowStart));
                    if (whole)
                    {
                        sum512 += value;
                        continue;
                    }

                    value.CopyTo(lanes);
                }
                else
                {
                    Vector256<float> value = TExpression.Evaluate(args, (nuint)at, (nuint)(at - rowStart));
                    if (whole)
                    {
                        sum256 += value;
                        continue;
                    }

                    value.CopyTo(lanes);
                }

                for (int lane = i - at; lane < segmentEnd - at; lane++)
                {
                    ragged += lanes[lane];
                }
            }

            segment = segmentEnd;
        }

        return Vector512.Sum(sum512) + Vector256.Sum(sum256) + ragged;
    }
}
