using Microsoft.DotNet.Interactive.Formatting;
using Nabla.Keras;

namespace Nabla.Interactive;

/// <summary>
/// Registers how a notebook shows Nabla's values: a tensor as TensorFlow's notebook display
/// (<c>&lt;Tensor: shape=(2, 2), dtype=float32, numpy=...&gt;</c>) in plain text, and as its shape, dtype and an HTML
/// table of its values in HTML; a variable likewise; a Keras <see cref="History"/> as an inline SVG plot of its
/// loss and accuracy per epoch. A notebook that installs the package gets this from <see cref="NablaKernelExtension"/>;
/// one that references the assemblies by path calls <see cref="Register"/> once.
/// </summary>
public static class NablaFormatters
{
    private static readonly Lock s_lock = new();
    private static bool s_registered;

    /// <summary>Registers the formatters (once; later calls do nothing).</summary>
    public static void Register()
    {
        lock (s_lock)
        {
            if (s_registered)
            {
                return;
            }

            Formatter.Register<Tensor>((tensor, writer) => writer.Write(tensor.ToString("r", null)), PlainTextFormatter.MimeType);
            Formatter.Register<Tensor>((tensor, writer) => writer.Write(TensorHtml.Format(tensor)), HtmlFormatter.MimeType);
            Formatter.Register<History>((history, writer) => writer.Write(HistoryPlot.Describe(history)), PlainTextFormatter.MimeType);
            Formatter.Register<History>((history, writer) => writer.Write(HistoryPlot.Svg(history)), HtmlFormatter.MimeType);
            s_registered = true;
        }
    }
}
