namespace Nabla.Kernels;

/// <summary>
/// How to walk up to three broadcast operands and a contiguous output as a sequence of contiguous inner runs
/// (ARCHITECTURE.md §3.8): each operand gets row-major strides with 0 on broadcast dimensions, adjacent
/// dimensions that are contiguous for every operand are merged, and the innermost merged dimension becomes
/// the run handed to a span kernel. Per-element index arithmetic never happens; per-run work is an odometer step.
/// </summary>
internal sealed class BroadcastPlan
{
    private readonly int[] _dims;       // coalesced output dims, innermost last
    private readonly int[][] _strides;  // per operand, per coalesced dim (0 = broadcast)

    /// <summary>Plans the walk for operands of shapes <paramref name="operandDims"/> broadcast to <paramref name="outputDims"/>.</summary>
    public BroadcastPlan(ReadOnlySpan<int> outputDims, params ReadOnlySpan<int[]> operandDims)
    {
        int rank = outputDims.Length;
        int n = operandDims.Length;
        var strides = new int[n][];
        for (int k = 0; k < n; k++)
        {
            strides[k] = BroadcastStrides(operandDims[k], outputDims);
        }

        // Merge dimension i into i+1 when, for every operand, stepping over i equals stepping over all of i+1.
        var dims = new List<int>(rank);
        var merged = new List<int>[n];
        for (int k = 0; k < n; k++)
        {
            merged[k] = new List<int>(rank);
        }

        for (int i = 0; i < rank; i++)
        {
            if (outputDims[i] == 1)
            {
                continue; // size-1 dimensions contribute nothing to the walk
            }

            bool canMerge = dims.Count > 0;
            for (int k = 0; k < n && canMerge; k++)
            {
                canMerge = merged[k][^1] == strides[k][i] * outputDims[i];
            }

            if (canMerge)
            {
                dims[^1] *= outputDims[i];
                for (int k = 0; k < n; k++)
                {
                    merged[k][^1] = strides[k][i];
                }
            }
            else
            {
                dims.Add(outputDims[i]);
                for (int k = 0; k < n; k++)
                {
                    merged[k].Add(strides[k][i]);
                }
            }
        }

        if (dims.Count == 0)
        {
            dims.Add(1);
            for (int k = 0; k < n; k++)
            {
                merged[k].Add(0);
            }
        }

        _dims = dims.ToArray();
        _strides = new int[n][];
        for (int k = 0; k < n; k++)
        {
            _strides[k] = merged[k].ToArray();
        }
    }

    /// <summary>Length of each contiguous inner run of the output.</summary>
    public int InnerLength => _dims[^1];

    /// <summary>Number of inner runs.</summary>
    public int OuterCount
    {
        get
        {
            int count = 1;
            for (int i = 0; i < _dims.Length - 1; i++)
            {
                count *= _dims[i];
            }

            return count;
        }
    }

    /// <summary>The step of operand <paramref name="operand"/> along the inner run: 1 (contiguous) or 0 (a broadcast scalar).</summary>
    public int InnerStride(int operand) => _strides[operand][^1];

    /// <summary>
    /// Fills the starting offset of every operand for each inner run (index r of <paramref name="offsets"/> holds
    /// operand r's offsets), walking the outer dimensions as an odometer.
    /// </summary>
    public void OuterOffsets(int[][] offsets)
    {
        int outer = OuterCount;
        int n = _strides.Length;
        int outerRank = _dims.Length - 1;
        Span<int> counter = stackalloc int[Math.Max(outerRank, 1)];
        Span<int> current = stackalloc int[n];
        for (int r = 0; r < outer; r++)
        {
            for (int k = 0; k < n; k++)
            {
                offsets[k][r] = current[k];
            }

            for (int d = outerRank - 1; d >= 0; d--)
            {
                counter[d]++;
                for (int k = 0; k < n; k++)
                {
                    current[k] += _strides[k][d];
                }

                if (counter[d] < _dims[d])
                {
                    break;
                }

                for (int k = 0; k < n; k++)
                {
                    current[k] -= _strides[k][d] * _dims[d];
                }

                counter[d] = 0;
            }
        }
    }

    /// <summary>Row-major strides of <paramref name="dims"/> aligned right against <paramref name="outputDims"/>, 0 where broadcast.</summary>
    private static int[] BroadcastStrides(ReadOnlySpan<int> dims, ReadOnlySpan<int> outputDims)
    {
        var strides = new int[outputDims.Length];
        int lead = outputDims.Length - dims.Length;
        int stride = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[lead + i] = dims[i] == 1 ? 0 : stride;
            stride *= dims[i];
        }

        return strides;
    }
}
