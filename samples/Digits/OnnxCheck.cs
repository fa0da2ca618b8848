using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Nabla.Keras;
using Nabla.Onnx;
using Tensor = Nabla.Tensor;

namespace Digits;

/// <summary>
/// Exports a trained model to ONNX, then runs the file twice: in Nabla (<see cref="OnnxModel"/>) and in ONNX Runtime,
/// and, where Python's <c>onnx</c> package is installed (CI installs it), through ONNX's checker.
/// </summary>
internal static class OnnxCheck
{
    // ONNX Runtime sums in another order than Nabla's kernels: probabilities agree to float32 rounding, not bit for bit.
    private const double Tolerance = 1e-5;

    public static bool Run(Model trained, Tensor x, string path)
    {
        OnnxExporter.Export(trained, path);
        Tensor predicted = trained.Predict(x);
        float[] expected = predicted.ToArray<float>();
        float[] nabla = OnnxModel.Load(path).Call(x)[0].ToArray<float>();
        float[] runtime = RunInOnnxRuntime(path, x);
        double nablaGap = MaxGap(expected, nabla), runtimeGap = MaxGap(expected, runtime);
        int classes = predicted.Shape[^1];
        int[] digits = Argmax(expected, classes);
        bool sameClasses = digits.SequenceEqual(Argmax(runtime, classes)) && digits.SequenceEqual(Argmax(nabla, classes));
        string? checker = Checker(path);
        bool passed = nablaGap <= Tolerance && runtimeGap <= Tolerance && sameClasses && checker is null or "";
        Console.WriteLine(passed
            ? string.Create(CultureInfo.InvariantCulture,
                $"ONNX check: PASSED - exported to {path} ({new FileInfo(path).Length} bytes); reloaded by Nabla (max difference {nablaGap:G2}) and " +
                $"run in ONNX Runtime (max difference {runtimeGap:G2}), same predicted digits; {(checker is null ? "onnx checker not installed" : "onnx checker accepts it")}.")
            : string.Create(CultureInfo.InvariantCulture,
                $"ONNX check: FAILED - {path}: Nabla reload differs by {nablaGap:G3}, ONNX Runtime by {runtimeGap:G3}, same digits: {sameClasses}; checker: {checker}"));
        return passed;
    }

    private static float[] RunInOnnxRuntime(string path, Tensor x)
    {
        using var session = new InferenceSession(path);
        var input = NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), new DenseTensor<float>(x.ToArray<float>(), x.Shape.ToArray()));
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([input]);
        return [.. results[0].AsEnumerable<float>()];
    }

    private static double MaxGap(float[] a, float[] b)
    {
        if (a.Length != b.Length)
        {
            return double.PositiveInfinity;
        }

        double gap = 0;
        for (int i = 0; i < a.Length; i++)
        {
            gap = Math.Max(gap, Math.Abs(a[i] - b[i]));
        }

        return gap;
    }

    // The most probable class of each row.
    private static int[] Argmax(float[] probabilities, int classes)
    {
        int[] best = new int[probabilities.Length / classes];
        for (int row = 0; row < best.Length; row++)
        {
            for (int c = 1; c < classes; c++)
            {
                if (probabilities[(row * classes) + c] > probabilities[(row * classes) + best[row]])
                {
                    best[row] = c;
                }
            }
        }

        return best;
    }

    // ONNX's checker's complaint ("" when it accepts the file), or null where python3 has no onnx package.
    private static string? Checker(string path)
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            return null;
        }

        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import sys\ntry:\n    import onnx\nexcept ImportError:\n    sys.exit(3)\nonnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)");
        start.ArgumentList.Add(path);
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode switch { 0 => string.Empty, 3 => null, _ => output.Trim() };
    }
}
