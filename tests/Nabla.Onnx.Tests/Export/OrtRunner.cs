using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Nabla.Onnx.Tests.Export;

/// <summary>Runs an exported file in ONNX Runtime (float32, float64, int32, int64 and bool tensors) and checks it with ONNX's checker.</summary>
internal static class OrtRunner
{
    public static Tensor[] Run(string path, params Tensor[] inputs)
    {
        using var session = new InferenceSession(path);
        string[] names = [.. session.InputMetadata.Keys];
        var values = new List<NamedOnnxValue>();
        for (int i = 0; i < inputs.Length; i++)
        {
            values.Add(ToOrt(names[i], inputs[i]));
        }

        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(values);
        return [.. results.Select(FromOrt)];
    }

    private static NamedOnnxValue ToOrt(string name, Tensor t)
    {
        int[] dims = t.Shape.ToArray();
        return t.DType.Name switch
        {
            "float32" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(t.ToArray<float>(), dims)),
            "float64" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<double>(t.ToArray<double>(), dims)),
            "int32" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(t.ToArray<int>(), dims)),
            "int64" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(t.ToArray<long>(), dims)),
            "bool" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<bool>(t.ToArray<bool>(), dims)),
            _ => throw new NotSupportedException($"ORT test input of dtype {t.DType}"),
        };
    }

    private static Tensor FromOrt(DisposableNamedOnnxValue value) => value.Value switch
    {
        DenseTensor<float> f => Tf.Constant(f.ToArray(), new Shape([.. f.Dimensions])),
        DenseTensor<double> d => Tf.Constant(d.ToArray(), new Shape([.. d.Dimensions])),
        DenseTensor<int> i => Tf.Constant(i.ToArray(), new Shape([.. i.Dimensions])),
        DenseTensor<long> l => Tf.Constant(l.ToArray(), new Shape([.. l.Dimensions])),
        DenseTensor<bool> b => Tf.Constant(b.ToArray(), new Shape([.. b.Dimensions])),
        var other => throw new NotSupportedException($"ORT output {value.Name} of type {other?.GetType().Name}"),
    };

    /// <summary>Whether Debian's python3-onnx is installed (CI installs it).</summary>
    public static bool CheckerAvailable { get; } = RunPython("import onnx").ExitCode == 0;

    /// <summary>Runs <c>onnx.checker.check_model(path, full_check=True)</c> (which also infers shapes); returns its error output.</summary>
    public static (int ExitCode, string Output) Check(string path) =>
        RunPython($"import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)", path);

    private static (int ExitCode, string Output) RunPython(string code, params string[] arguments)
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            return (-1, "no /usr/bin/python3");
        }

        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(code);
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

/// <summary>A test that needs ONNX's checker (python3-onnx): skipped where it is not installed; CI installs it.</summary>
public sealed class OnnxCheckerFactAttribute : FactAttribute
{
    public OnnxCheckerFactAttribute()
    {
        if (!OrtRunner.CheckerAvailable)
        {
            Skip = "ONNX's checker (Debian's python3-onnx) is not installed; .ci/run installs it.";
        }
    }
}
