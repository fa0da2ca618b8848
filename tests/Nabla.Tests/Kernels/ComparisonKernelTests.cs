using System.Numerics;
using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>
/// The vectorised comparison runs (<see cref="ComparisonRun{T, TKernel}"/>) against scalar C# comparisons, for
/// lengths around the SIMD block, the three run shapes, ties, extremes, NaN, infinities and signed zeros.
/// </summary>
public class ComparisonKernelTests
{
    private static readonly int[] s_lengths = [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (string op in new[] { "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual" })
        {
            foreach (string type in new[] { "int", "long", "float", "double" })
            {
                rows.Add(op, type);
            }
        }

        rows.Add("Equal", "byte");
        rows.Add("NotEqual", "byte");
        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void ComparisonRun_AllLengthsAndShapes_MatchScalar(string op, string type)
    {
        switch (type)
        {
            case "int": Check<int>(op, [0, 1, -1, int.MinValue, int.MaxValue, 2]); break;
            case "long": Check<long>(op, [0, 1, -1, long.MinValue, long.MaxValue, 2]); break;
            case "float": Check<float>(op, [0f, -0f, 1f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon]); break;
            case "double": Check<double>(op, [0.0, -0.0, 1.0, -1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon]); break;
            default: Check<byte>(op, [0, 1]); break;
        }
    }

    private static bool Reference<T>(string op, T a, T b)
        where T : INumber<T> => op switch
        {
            "Equal" => a == b,
            "NotEqual" => a != b,
            "Less" => a < b,
            "LessEqual" => a <= b,
            "Greater" => a > b,
            _ => a >= b,
        };

    private static void Check<T>(string op, T[] pool)
        where T : unmanaged, INumber<T>
    {
        var random = new Random(42);
        foreach (int n in s_lengths)
        {
            var x = new T[n];
            var y = new T[n];
            for (int i = 0; i < n; i++)
            {
                x[i] = pool[random.Next(pool.Length)];
                y[i] = pool[random.Next(pool.Length)];
            }

            foreach (T scalar in pool)
            {
                var z = new bool[n];
                Run(op, 1, x, y, scalar, z);
                Verify(op, n, i => Reference(op, x[i], y[i]), z);
                Run(op, 2, x, y, scalar, z);
                Verify(op, n, i => Reference(op, x[i], scalar), z);
                Run(op, 3, x, y, scalar, z);
                Verify(op, n, i => Reference(op, scalar, y[i]), z);
            }
        }
    }

    private static void Verify(string op, int n, Func<int, bool> expected, bool[] z)
    {
        for (int i = 0; i < n; i++)
        {
            Assert.True(expected(i) == z[i], $"{op} at index {i} of {n}: expected {expected(i)}.");

            // The bool must be a canonical 0/1 byte, or later bitwise logical ops would misbehave.
            Assert.True(Unsafe(z[i]) <= 1, $"{op} at index {i} of {n} stored a non-canonical bool.");
        }
    }

    private static byte Unsafe(bool b) => System.Runtime.CompilerServices.Unsafe.As<bool, byte>(ref b);

    private static void Run<T>(string op, int shape, T[] x, T[] y, T scalar, bool[] z)
        where T : unmanaged, INumber<T>
    {
        switch (op)
        {
            case "Equal": Run<T, EqualOp.Kernel>(shape, x, y, scalar, z); break;
            case "NotEqual": Run<T, NotEqualOp.Kernel>(shape, x, y, scalar, z); break;
            case "Less": Run<T, LessOp.Kernel>(shape, x, y, scalar, z); break;
            case "LessEqual": Run<T, LessEqualOp.Kernel>(shape, x, y, scalar, z); break;
            case "Greater": Run<T, GreaterOp.Kernel>(shape, x, y, scalar, z); break;
            default: Run<T, GreaterEqualOp.Kernel>(shape, x, y, scalar, z); break;
        }
    }

    private static void Run<T, TKernel>(int shape, T[] x, T[] y, T scalar, bool[] z)
        where T : unmanaged, INumber<T>
        where TKernel : IComparisonKernel
    {
        Array.Fill(z, false);
        switch (shape)
        {
            case 1: ComparisonRun<T, TKernel>.RunRun(x, y, z); break;
            case 2: ComparisonRun<T, TKernel>.RunScalar(x, scalar, z); break;
            default: ComparisonRun<T, TKernel>.ScalarRun(scalar, y, z); break;
        }
    }
}
