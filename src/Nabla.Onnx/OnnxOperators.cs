namespace Nabla.Onnx;

/// <summary>
/// The ONNX operators Nabla runs, by op type (default domain), each written with Nabla's public ops so that an
/// imported model is differentiable and traces under <c>Tf.Function</c>. The families live in
/// the <c>Operators/</c> files; ONNX's operator documentation (onnx/docs/Operators.md) is the reference for each.
/// </summary>
internal static partial class OnnxOperators
{
    private static readonly Dictionary<string, Func<NodeContext, object[]>> s_operators = Build();

    /// <summary>The op types that can be imported, sorted (another domain's as "domain.OpType").</summary>
    public static IReadOnlyList<string> Names { get; } = [.. s_operators.Keys.Order(StringComparer.Ordinal)];

    public static bool TryGet(string opType, out Func<NodeContext, object[]> run) => s_operators.TryGetValue(opType, out run!);

    /// <summary>
    /// The key of <paramref name="node"/>'s operator: its op type in the default domain, "domain.OpType" in another
    /// (the training domain's optimizers), or null for a domain Nabla runs nothing of.
    /// </summary>
    public static string? Key(Protobuf.NodeProto node) => node.Domain switch
    {
        "" or "ai.onnx" => node.OpType,
        TrainingDomain => $"{TrainingDomain}.{node.OpType}",
        _ => null,
    };

    private static Dictionary<string, Func<NodeContext, object[]>> Build()
    {
        var ops = new Dictionary<string, Func<NodeContext, object[]>>(StringComparer.Ordinal);
        AddElementwise(ops);
        AddActivations(ops);
        AddReductions(ops);
        AddShapeOps(ops);
        AddIndexing(ops);
        AddCreation(ops);
        AddLinalg(ops);
        AddConvolutions(ops);
        AddPooling(ops);
        AddResize(ops);
        AddRecurrent(ops);
        AddControlFlow(ops);
        AddNormalization(ops);
        AddLosses(ops);
        AddQuantization(ops);
        AddSignal(ops);
        AddTraining(ops);
        AddOrdering(ops);
        AddDetection(ops);
        AddGridSample(ops);
        AddTfIdf(ops);
        AddSequences(ops);   // last: its Identity, which passes sequences and optionals through, replaces the tensor one
        return ops;
    }

    /// <summary>A one-output operator.</summary>
    private static Func<NodeContext, Tensor[]> One(Func<NodeContext, Tensor> run) => node => [run(node)];

    /// <summary>An operator that applies <paramref name="op"/> to its one input.</summary>
    private static Func<NodeContext, Tensor[]> Unary(Func<Tensor, Tensor> op) => node => [op(node.Input(0))];

    /// <summary>An operator that applies <paramref name="op"/> to its two inputs (NumPy broadcasting, as ONNX's).</summary>
    private static Func<NodeContext, Tensor[]> Binary(Func<Tensor, Tensor, Tensor> op) => node => [op(node.Input(0), node.Input(1))];

    /// <summary>A scalar of <paramref name="like"/>'s dtype.</summary>
    private static Tensor Scalar(double value, Tensor like) => Tf.Cast(Tf.Constant(new[] { value }, Shape.Scalar), like.DType);

    private static Tensor Int64s(params int[] values) => Tf.Constant(Array.ConvertAll(values, v => (long)v), new Shape(values.Length));

    private static int[] ReversedAxes(int rank)
    {
        var perm = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            perm[i] = rank - 1 - i;
        }

        return perm;
    }
}
