using Nabla.Keras.Metrics;

namespace Nabla.Keras.Tests;

/// <summary>
/// AUC, Precision, Recall, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, RootMeanSquaredError and R2Score:
/// Keras's documented examples, float64 re-implementations of Keras's algorithms on random data, sample weights,
/// state across batches and resets, names.
/// </summary>
public class MoreMetricsTests
{
    [Fact]
    public void PrecisionAndRecall_KerasDocumentationExamples()
    {
        var precision = new Precision();
        precision.UpdateState(Tf.Constant(new[] { 0, 1, 1, 1 }), Tf.Constant(new[] { 1f, 0, 1, 1 }));
        Assert.Equal(2 / 3.0, precision.Result(), 12);
        precision.ResetState();
        precision.UpdateState(Tf.Constant(new[] { 0, 1, 1, 1 }), Tf.Constant(new[] { 1f, 0, 1, 1 }), Tf.Constant(new[] { 0f, 0, 1, 0 }));
        Assert.Equal(1, precision.Result());

        var top2 = new Precision(topK: 2);
        top2.UpdateState(Tf.Constant(new[] { 0, 0, 1, 1 }), Tf.Constant(new[] { 1f, 1, 1, 1 }));
        Assert.Equal(0, top2.Result());
        var top4 = new Precision(topK: 4);
        top4.UpdateState(Tf.Constant(new[] { 0, 0, 1, 1 }), Tf.Constant(new[] { 1f, 1, 1, 1 }));
        Assert.Equal(0.5, top4.Result());

        var recall = new Recall();
        recall.UpdateState(Tf.Constant(new[] { 0, 1, 1, 1 }), Tf.Constant(new[] { 1f, 0, 1, 1 }));
        Assert.Equal(2 / 3.0, recall.Result(), 12);
        recall.ResetState();
        recall.UpdateState(Tf.Constant(new[] { 0, 1, 1, 1 }), Tf.Constant(new[] { 1f, 0, 1, 1 }), Tf.Constant(new[] { 0f, 0, 1, 0 }));
        Assert.Equal(1, recall.Result());
    }

    [Fact]
    public void PrecisionAndRecall_ClassIdThresholdAndBatches_HandComputed()
    {
        // Three classes; class 1's column: predictions (0.7, 0.2, 0.6, 0.9), targets (1, 1, 0, 0) over two batches.
        Tensor t1 = Tf.Constant(new float[,] { { 0, 1, 0 }, { 0, 1, 0 } }), p1 = Tf.Constant(new float[,] { { 0.1f, 0.7f, 0.2f }, { 0.5f, 0.2f, 0.3f } });
        Tensor t2 = Tf.Constant(new float[,] { { 1, 0, 0 }, { 0, 0, 1 } }), p2 = Tf.Constant(new float[,] { { 0.3f, 0.6f, 0.1f }, { 0, 0.9f, 0.1f } });
        var precision = new Precision(thresholds: 0.4, classId: 1);
        var recall = new Recall(thresholds: 0.4, classId: 1);
        foreach (Metric m in new Metric[] { precision, recall })
        {
            m.UpdateState(t1, p1);
            m.UpdateState(t2, p2);
        }

        // Above 0.4: 0.7 (target 1), 0.6 (0), 0.9 (0): tp 1, fp 2; fn 1 (the 0.2).
        Assert.Equal(1 / 3.0, precision.Result(), 12);
        Assert.Equal(0.5, recall.Result(), 12);
        Assert.Equal(2, precision.FalsePositives);
        Assert.Equal(1, recall.FalseNegatives);

        // Per-row weights broadcast over the classes: the 0.9 false positive weighs 0.
        precision.ResetState();
        precision.UpdateState(t2, p2, Tf.Constant(new[] { 1f, 0 }));
        Assert.Equal(0, precision.Result());
        Assert.Equal(1, precision.FalsePositives);
        Assert.Throws<ArgumentException>(() => new Recall(thresholds: 1.5));
        Assert.Throws<ArgumentException>(() => new Recall(classId: 3).UpdateState(t1, p1));
    }

    [Fact]
    public void Auc_KerasDocumentationExample()
    {
        var auc = new AUC(numThresholds: 3);
        auc.UpdateState(Tf.Constant(new[] { 0, 0, 1, 1 }), Tf.Constant(new[] { 0f, 0.5f, 0.3f, 0.9f }));
        Assert.Equal([2.0, 1, 0], auc.TruePositives);
        Assert.Equal([2.0, 0, 0], auc.FalsePositives);
        Assert.Equal([0.0, 1, 2], auc.FalseNegatives);
        Assert.Equal([0.0, 2, 2], auc.TrueNegatives);
        Assert.Equal(0.75, auc.Result(), 12);
        auc.ResetState();
        auc.UpdateState(Tf.Constant(new[] { 0, 0, 1, 1 }), Tf.Constant(new[] { 0f, 0.5f, 0.3f, 0.9f }), Tf.Constant(new[] { 1f, 0, 0, 1 }));
        Assert.Equal(1, auc.Result(), 12);
    }

    public static TheoryData<string, string> AucSettings => new()
    {
        { "ROC", "interpolation" }, { "ROC", "minoring" }, { "ROC", "majoring" },
        { "PR", "interpolation" }, { "PR", "minoring" }, { "PR", "majoring" },
    };

    [Theory]
    [MemberData(nameof(AucSettings))]
    public void Auc_DefaultThresholds_MatchFloat64ReferenceOverWeightedBatches(string curve, string method)
    {
        var random = new Random(11);
        float[] labels = [.. Enumerable.Range(0, 120).Select(_ => random.NextDouble() < 0.4 ? 1f : 0)];
        float[] predictions = [.. labels.Select(l => (float)Math.Clamp((l * 0.3) + (random.NextDouble() * 0.7), 0, 1))];
        float[] weights = [.. Enumerable.Range(0, 120).Select(_ => (float)random.NextDouble())];
        double[] thresholds = [-1e-7, .. Enumerable.Range(1, 198).Select(i => i / 199.0), 1 + 1e-7];
        var auc = new AUC(curve: curve, summationMethod: method);
        for (int start = 0; start < 120; start += 40)
        {
            auc.UpdateState(Tf.Constant(labels[start..(start + 40)]), Tf.Constant(predictions[start..(start + 40)]), Tf.Constant(weights[start..(start + 40)]));
        }

        Assert.Equal(200, auc.NumThresholds);
        Assert.Equal(ReferenceAuc(labels, predictions, weights, thresholds, curve, method), auc.Result(), 6);
        if (curve == "ROC" && method == "interpolation")
        {
            Assert.InRange(Math.Abs(auc.Result() - ExactRocAuc(labels, predictions, weights)), 0, 5e-3);
        }
    }

    [Fact]
    public void Auc_ExplicitUnevenThresholds_MultiLabelWithWeights_AndLogits()
    {
        var random = new Random(12);
        float[] labels = [.. Enumerable.Range(0, 60).Select(_ => random.NextDouble() < 0.5 ? 1f : 0)];
        float[] predictions = [.. labels.Select(l => (float)((l * 0.2) + (random.NextDouble() * 0.8)))];
        var uneven = new AUC(thresholds: [0.9, 0.3, 0.5]);
        Assert.Equal([-1e-7f, 0.3f, 0.5f, 0.9f, 1 + 1e-7f], uneven.Thresholds);
        uneven.UpdateState(Tf.Constant(labels), Tf.Constant(predictions));
        Assert.Equal(ReferenceAuc(labels, predictions, null, [-1e-7, 0.3, 0.5, 0.9, 1 + 1e-7], "ROC", "interpolation"), uneven.Result(), 6);

        // Two label columns: each its own AUC, averaged (then weighted 1:3).
        float[] first = [.. Enumerable.Range(0, 30).Select(i => labels[2 * i])], second = [.. Enumerable.Range(0, 30).Select(i => labels[(2 * i) + 1])];
        float[] firstPred = [.. Enumerable.Range(0, 30).Select(i => predictions[2 * i])], secondPred = [.. Enumerable.Range(0, 30).Select(i => predictions[(2 * i) + 1])];
        double[] thresholds = [-1e-7, .. Enumerable.Range(1, 198).Select(i => i / 199.0), 1 + 1e-7];
        double a = ReferenceAuc(first, firstPred, null, thresholds, "ROC", "interpolation"), b = ReferenceAuc(second, secondPred, null, thresholds, "ROC", "interpolation");
        var multi = new AUC(multiLabel: true);
        multi.UpdateState(Tf.Constant(labels, [30, 2]), Tf.Constant(predictions, [30, 2]));
        Assert.Equal((a + b) / 2, multi.Result(), 6);
        var weighted = new AUC(multiLabel: true, numLabels: 2, labelWeights: [1, 3]);
        weighted.UpdateState(Tf.Constant(labels, [30, 2]), Tf.Constant(predictions, [30, 2]));
        Assert.Equal((a + (3 * b)) / 4, weighted.Result(), 6);

        var fromLogits = new AUC(fromLogits: true);
        fromLogits.UpdateState(Tf.Constant(labels), Tf.Constant(predictions.Select(v => (float)Math.Log(v / (1 - v))).ToArray()));
        var plain = new AUC();
        plain.UpdateState(Tf.Constant(labels), Tf.Constant(predictions));
        Assert.Equal(plain.Result(), fromLogits.Result(), 5);

        Assert.Contains("Invalid AUC curve value: \"XY\"", Assert.Throws<ArgumentException>(() => new AUC(curve: "XY")).Message, StringComparison.Ordinal);
        Assert.Contains("`num_thresholds` must be an integer > 1", Assert.Throws<ArgumentException>(() => new AUC(numThresholds: 1)).Message, StringComparison.Ordinal);
        Assert.Contains("`y_pred` must have rank 2", Assert.Throws<ArgumentException>(() => new AUC(multiLabel: true).UpdateState(Tf.Constant(labels), Tf.Constant(predictions))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new AUC(numLabels: 2));
    }

    [Fact]
    public void TopKAccuracies_KerasDocumentationExamples_AndTies()
    {
        var m = new TopKCategoricalAccuracy(k: 1);
        Tensor oneHot = Tf.Constant(new float[,] { { 0, 0, 1 }, { 0, 1, 0 } }), pred = Tf.Constant(new float[,] { { 0.1f, 0.9f, 0.8f }, { 0.05f, 0.95f, 0 } });
        m.UpdateState(oneHot, pred);
        Assert.Equal(0.5, m.Result(), 6);
        m.ResetState();
        m.UpdateState(oneHot, pred, Tf.Constant(new[] { 0.7f, 0.3f }));
        Assert.Equal(0.3, m.Result(), 6);

        var sparse = new SparseTopKCategoricalAccuracy(k: 1);
        sparse.UpdateState(Tf.Constant(new[] { 2, 1 }), pred);
        Assert.Equal(0.5, sparse.Result(), 6);

        // A tie at the k-th place counts as in the top k; the default k is 5.
        var tie = new TopKCategoricalAccuracy(k: 1);
        tie.UpdateState(Tf.Constant(new float[,] { { 1, 0, 0 } }), Tf.Constant(new float[,] { { 0.5f, 0.5f, 0.1f } }));
        Assert.Equal(1, tie.Result());
        Assert.Equal(5, new TopKCategoricalAccuracy().K);
        var two = new SparseTopKCategoricalAccuracy(k: 2);
        two.UpdateState(Tf.Constant(new[,] { { 0 }, { 1 }, { 1 } }), Tf.Constant(new float[,] { { 0.2f, 0.5f, 0.3f }, { 0.6f, 0.3f, 0.1f }, { 0.1f, 0.2f, 0.7f } }));
        Assert.Equal(2 / 3.0, two.Result(), 6);
    }

    [Fact]
    public void RootMeanSquaredError_KerasDocumentationExample_AndBatches()
    {
        var rmse = new RootMeanSquaredError();
        Tensor t = Tf.Constant(new float[,] { { 0, 1 }, { 0, 0 } }), p = Tf.Constant(new float[,] { { 1, 1 }, { 0, 0 } });
        rmse.UpdateState(t, p);
        Assert.Equal(0.5, rmse.Result(), 6);
        rmse.ResetState();
        rmse.UpdateState(t, p, Tf.Constant(new[] { 1f, 0 }));
        Assert.Equal(Math.Sqrt(0.5), rmse.Result(), 6);

        // The mean is taken over both batches before the root: sqrt((1 + 0 + 4 + 9 + 16) / 5).
        rmse.ResetState();
        rmse.UpdateState(Tf.Constant(new double[] { 0, 0 }), Tf.Constant(new double[] { 1, 0 }));
        rmse.UpdateState(Tf.Constant(new double[] { 0, 0, 0 }), Tf.Constant(new double[] { 2, 3, 4 }));
        Assert.Equal(Math.Sqrt(30 / 5.0), rmse.Result(), 12);
    }

    [Fact]
    public void R2Score_KerasDocumentationExample_AggregationsAdjustmentAndWeights()
    {
        var r2 = new R2Score();
        r2.UpdateState(Tf.Constant(new float[,] { { 1 }, { 4 }, { 3 } }), Tf.Constant(new float[,] { { 2 }, { 4 }, { 4 } }));
        Assert.Equal(0.57142854, r2.Result(), 6);

        // Two outputs: y = (1, 2, 3, 4) / (10, 20, 10, 20), predictions off by (0, 1, 0, -1) / (2, 0, -2, 0).
        double[,] y = { { 1, 10 }, { 2, 20 }, { 3, 10 }, { 4, 20 } }, p = { { 1, 12 }, { 3, 20 }, { 3, 8 }, { 3, 20 } };
        double total0 = 5, total1 = 100, r0 = 1 - (2 / total0), r1 = 1 - (8 / total1);
        R2Score Fed(R2Score m)
        {
            m.UpdateState(Tf.Constant(y), Tf.Constant(p));
            return m;
        }

        Assert.Equal((r0 + r1) / 2, Fed(new R2Score()).Result(), 12);
        Assert.Equal(((total0 * r0) + (total1 * r1)) / (total0 + total1), Fed(new R2Score("variance_weighted_average")).Result(), 12);
        double n = 8, adjusted = 1 - ((1 - ((r0 + r1) / 2)) * (n - 1) / (n - 2 - 1));
        Assert.Equal(adjusted, Fed(new R2Score(numRegressors: 2)).Result(), 12);
        Assert.Equal((r0 + r1) / 2, Fed(new R2Score(numRegressors: 7)).Result(), 12);

        // Weight 2 on the first sample equals feeding it twice.
        var weighted = new R2Score();
        weighted.UpdateState(Tf.Constant(y), Tf.Constant(p), Tf.Constant(new double[] { 2, 1, 1, 1 }));
        var repeated = new R2Score();
        repeated.UpdateState(Tf.Constant(new double[,] { { 1, 10 } }), Tf.Constant(new double[,] { { 1, 12 } }));
        repeated.UpdateState(Tf.Constant(y), Tf.Constant(p));
        Assert.Equal(repeated.Result(), weighted.Result(), 12);
        Assert.Contains("R2Score expects 2D inputs", Assert.Throws<ArgumentException>(() => new R2Score().UpdateState(Tf.Zeros([3]), Tf.Zeros([3]))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new R2Score("median"));
    }

    [Theory]
    [InlineData("auc", typeof(AUC), "auc")]
    [InlineData("AUC", typeof(AUC), "auc")]
    [InlineData("precision", typeof(Precision), "precision")]
    [InlineData("recall", typeof(Recall), "recall")]
    [InlineData("top_k_categorical_accuracy", typeof(TopKCategoricalAccuracy), "top_k_categorical_accuracy")]
    [InlineData("sparse_top_k_categorical_accuracy", typeof(SparseTopKCategoricalAccuracy), "sparse_top_k_categorical_accuracy")]
    [InlineData("root_mean_squared_error", typeof(RootMeanSquaredError), "root_mean_squared_error")]
    [InlineData("r2_score", typeof(R2Score), "r2_score")]
    public void MetricGet_ResolvesKerasNames(string identifier, Type type, string name)
    {
        Metric metric = Metric.Get(identifier);
        Assert.IsType(type, metric);
        Assert.Equal(name, metric.Name);
        Assert.Equal(0, metric.Result());
    }

    [Fact]
    public void Compile_WithNewLossAndMetricNames_LogsThemByName()
    {
        Backend.ClearSession();
        var random = new Random(3);
        float[] x = [.. Enumerable.Range(0, 64).Select(_ => (float)((random.NextDouble() * 4) - 2))];
        float[] y = [.. Enumerable.Range(0, 32).Select(i => x[2 * i] + x[(2 * i) + 1] > 0 ? 1f : 0)];
        var model = new Sequential(new Dense(1, "sigmoid", inputShape: [2]));
        model.Compile("adam", "squared_hinge", ["auc", "precision", "recall", "root_mean_squared_error"]);
        History history = model.Fit(Tf.Constant(x, [32, 2]), Tf.Constant(y, [32, 1]), epochs: 2, batchSize: 8, verbose: 0);
        Assert.Equal(["loss", "auc", "precision", "recall", "root_mean_squared_error"], history.History.Keys);
        Assert.All(history.History["auc"], v => Assert.InRange(v, 0, 1));
    }

    /// <summary>Keras's AUC in float64: counts per threshold (prediction &gt; threshold), then the Riemann sum or the PR interpolation.</summary>
    private static double ReferenceAuc(float[] labels, float[] predictions, float[]? weights, double[] thresholds, string curve, string method)
    {
        int n = thresholds.Length;
        double[] tp = new double[n], fp = new double[n], tn = new double[n], fn = new double[n];
        for (int t = 0; t < n; t++)
        {
            for (int i = 0; i < labels.Length; i++)
            {
                double w = weights?[i] ?? 1;
                bool positive = Math.Clamp(predictions[i], 0, 1) > thresholds[t];
                if (labels[i] != 0)
                {
                    (positive ? tp : fn)[t] += w;
                }
                else
                {
                    (positive ? fp : tn)[t] += w;
                }
            }
        }

        static double Div(double a, double b) => b == 0 ? 0 : a / b;
        double sum = 0;
        for (int t = 0; t + 1 < n; t++)
        {
            if (curve == "PR" && method == "interpolation")
            {
                double dtp = tp[t] - tp[t + 1], pA = tp[t] + fp[t], pB = tp[t + 1] + fp[t + 1];
                double slope = Div(dtp, Math.Max(pA - pB, 0)), intercept = tp[t + 1] - (slope * pB);
                double ratio = pA > 0 && pB > 0 ? pA / pB : 1;
                sum += Div(slope * (dtp + (intercept * Math.Log(ratio))), tp[t + 1] + fn[t + 1]);
                continue;
            }

            double x0 = curve == "ROC" ? Div(fp[t], fp[t] + tn[t]) : Div(tp[t], tp[t] + fn[t]);
            double x1 = curve == "ROC" ? Div(fp[t + 1], fp[t + 1] + tn[t + 1]) : Div(tp[t + 1], tp[t + 1] + fn[t + 1]);
            double y0 = curve == "ROC" ? Div(tp[t], tp[t] + fn[t]) : Div(tp[t], tp[t] + fp[t]);
            double y1 = curve == "ROC" ? Div(tp[t + 1], tp[t + 1] + fn[t + 1]) : Div(tp[t + 1], tp[t + 1] + fp[t + 1]);
            double height = method switch { "interpolation" => (y0 + y1) / 2, "minoring" => Math.Min(y0, y1), _ => Math.Max(y0, y1) };
            sum += (x0 - x1) * height;
        }

        return sum;
    }

    /// <summary>The exact weighted ROC AUC: the weighted fraction of (positive, negative) pairs ranked right, ties half.</summary>
    private static double ExactRocAuc(float[] labels, float[] predictions, float[] weights)
    {
        double right = 0, pairs = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            for (int j = 0; j < labels.Length; j++)
            {
                if (labels[i] != 0 && labels[j] == 0)
                {
                    double w = weights[i] * weights[j];
                    pairs += w;
                    right += predictions[i] > predictions[j] ? w : predictions[i] == predictions[j] ? w / 2 : 0;
                }
            }
        }

        return right / pairs;
    }
}
