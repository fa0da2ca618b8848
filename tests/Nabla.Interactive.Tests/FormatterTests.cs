using Microsoft.DotNet.Interactive.Formatting;
using Nabla.Keras;

namespace Nabla.Interactive.Tests;

/// <summary>How a notebook shows Nabla's values once <see cref="NablaFormatters.Register"/> ran (what the kernel extension does).</summary>
public sealed class FormatterTests
{
    public FormatterTests() => NablaFormatters.Register();

    [Fact]
    public void Tensor_PlainText_IsTensorFlowsDisplayForm()
    {
        Tensor t = Tf.Constant(new[] { 1, 2, 3 });

        Assert.Equal(t.ToString("r", null), t.ToDisplayString(PlainTextFormatter.MimeType));
        Assert.StartsWith("<Tensor: shape=(3,), dtype=int32, numpy=array([1, 2, 3]", t.ToDisplayString(PlainTextFormatter.MimeType), StringComparison.Ordinal);
    }

    [Fact]
    public void Matrix_Html_IsAHeaderAndATableOfNumPysTexts()
    {
        Tensor t = Tf.Constant(new[,] { { 1.5f, -2f }, { 3f, 40f } });

        string html = t.ToDisplayString(HtmlFormatter.MimeType);

        Assert.Contains("<code>Tensor: shape=(2, 2), dtype=float32</code>", html, StringComparison.Ordinal);
        Assert.Equal(2, Count(html, "<tr>"));
        // One format for the whole array, as NumPy prints it: " 1.5", "-2. ", ...
        string[] cells = Cells(html);
        Assert.Equal(["1.5", "-2.", "3.", "40."], cells);
    }

    [Fact]
    public void LargeMatrix_Html_IsSummarizedAsNumPySummarizes()
    {
        Tensor t = Tf.Reshape(Tf.Range(0, 40 * 40), [40, 40]);   // 1,600 elements: over NumPy's threshold of 1,000

        string html = t.ToDisplayString(HtmlFormatter.MimeType);

        Assert.Equal(7, Count(html, "<tr>"));                     // three rows, the ellipsis row, three rows
        Assert.Equal(1, Count(html, "colspan=\"7\""));            // three columns, "...", three columns
        Assert.Equal(6 * 7, Count(html, "<td style=\"text-align:right\">"));
        Assert.Contains(">1599</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">500</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void WideVector_Html_IsOneRowEvenWhereNumPyWrapsTheText()
    {
        Tensor t = Tf.Range(0, 30, dtype: DType.Float32) / 7f;   // NumPy's text wraps at 75 characters

        string html = t.ToDisplayString(HtmlFormatter.MimeType);

        Assert.Contains('\n', t.ToString("v", null));
        Assert.Equal(1, Count(html, "<tr>"));
        Assert.Equal(30, Cells(html).Length);
    }

    [Fact]
    public void ScalarAndHigherRank_Html_ShowNumPysText()
    {
        Assert.Contains("<pre>25</pre>", Tf.Square(5).ToDisplayString(HtmlFormatter.MimeType), StringComparison.Ordinal);

        Tensor cube = Tf.Zeros([2, 2, 2], DType.Int32);
        string html = cube.ToDisplayString(HtmlFormatter.MimeType);
        Assert.Contains("shape=(2, 2, 2), dtype=int32", html, StringComparison.Ordinal);
        Assert.Contains("<pre>[[[0 0]\n  [0 0]]\n\n [[0 0]\n  [0 0]]]</pre>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Variable_Html_NamesTheVariable()
    {
        var v = new Variable(new[] { 1.0, 2.0 }, name: "weights");

        string html = v.ToDisplayString(HtmlFormatter.MimeType);

        Assert.Contains("Variable 'weights:0': shape=(2,)", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("shape=(2,), dtype=float64", html, StringComparison.Ordinal);
        Assert.Equal(v.ToString(), v.ToDisplayString(PlainTextFormatter.MimeType));
    }

    [Fact]
    public void History_Html_IsOneChartPerQuantityWithTheValidationCurveDashed()
    {
        Tf.Random.SetSeed(3);
        var model = new Sequential(new Dense(4, "relu", inputShape: [2]), new Dense(2, "softmax"));
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        Tensor x = Tf.Random.Normal([32, 2]);
        Tensor y = Tf.Cast(x[.., 0] > 0, DType.Int32);

        History history = model.Fit(x, y, epochs: 3, verbose: 0, validationSplit: 0.25);
        string html = history.ToDisplayString(HtmlFormatter.MimeType);

        Assert.Equal(2, Count(html, "<svg"));                         // loss, accuracy
        Assert.Equal(4, Count(html, "<polyline"));                    // each with its val_ twin
        Assert.Equal(2, Count(html, "stroke-dasharray"));
        Assert.Contains(">val_accuracy</text>", html, StringComparison.Ordinal);
        Assert.Equal(3, Count(Points(html), ","));                   // three epochs on the first curve

        string text = history.ToDisplayString(PlainTextFormatter.MimeType);
        Assert.StartsWith("History: 3 epochs; loss ", text, StringComparison.Ordinal);
        Assert.Contains("val_accuracy", text, StringComparison.Ordinal);
    }

    private static string Points(string html)
    {
        int start = html.IndexOf("points=\"", StringComparison.Ordinal) + "points=\"".Length;
        return html[start..html.IndexOf('"', start)];
    }

    private static string[] Cells(string html) =>
        [.. html.Split("<td style=\"text-align:right\">").Skip(1).Select(cell => cell[..cell.IndexOf("</td>", StringComparison.Ordinal)])];

    private static int Count(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
