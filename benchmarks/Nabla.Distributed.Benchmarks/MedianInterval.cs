namespace Nabla.Distributed.Benchmarks;

/// <summary>
/// The median of a sample with a distribution-free 95 % confidence interval (order statistics k and n + 1 - k, k the
/// largest with P(Bin(n, 1/2) &lt; k) &lt;= 2.5 %): what the paired ratios of C and managed rounds are summarised by.
/// It assumes nothing about the shape of the noise, which on this VM is bimodal rather than normal.
/// </summary>
internal static class MedianInterval
{
    /// <summary>The 5 % goal: the managed layer adds at most this factor to C's MPI_Allreduce.</summary>
    public const double Goal = 1.05;

    public static (double Median, double Low, double High) Of(IReadOnlyList<double> values)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;

        // P(X <= j) for X ~ Bin(n, 1/2), summed until it passes 2.5 %; k is then the last j + 1 below it.
        double tail = 0;
        double term = Math.Pow(0.5, n);
        int k = 0;
        for (int j = 0; j < n; j++)
        {
            tail += term;
            if (tail > 0.025)
            {
                break;
            }

            k = j + 1;
            term = term * (n - j) / (j + 1);
        }

        // Fewer than 6 values cannot give a 95 % interval: the whole range then (k = 0 reads as the extremes).
        return k == 0 ? (median, sorted[0], sorted[^1]) : (median, sorted[k - 1], sorted[n - k]);
    }

    /// <summary>What the interval says about the goal: met (all of it at or below), missed (all of it above), or undecided.</summary>
    public static string Verdict(double low, double high) => high <= Goal ? "met" : low > Goal ? "missed" : "undecided";
}
