namespace Nabla;

/// <summary>
/// Merges nodes that compute the same thing: the same op (the same op object, as attribute-free ops are
/// singletons, or equal small constants) on the same inputs. A tape's gradient often recomputes a value the
/// forward pass has (a <c>Sign</c>, a transpose), and traced code repeats subexpressions freely.
/// </summary>
internal static class CommonSubexpressions
{
    private const int MaxComparedConstant = 16;

    public static void Run(FuncGraph graph)
    {
        var replacements = new Dictionary<GraphNode, SymbolicTensor>(ReferenceEqualityComparer.Instance);
        var seen = new Dictionary<NodeKey, GraphNode>();
        foreach (GraphNode node in graph.Nodes)
        {
            SymbolicTensor[] inputs = node.Inputs;
            for (int i = 0; i < inputs.Length; i++)
            {
                if (replacements.TryGetValue(inputs[i].Node, out SymbolicTensor? r))
                {
                    inputs[i] = r;
                }
            }

            if (!(Rewrite.IsPure(node) || IsSmallConstant(node)))
            {
                continue;
            }

            var key = new NodeKey(node);
            if (seen.TryGetValue(key, out GraphNode? earlier))
            {
                replacements[node] = earlier.Output;
            }
            else
            {
                seen.Add(key, node);
            }
        }

        Rewrite.ReplaceUses(graph, replacements);
    }

    private static bool IsSmallConstant(GraphNode node)
        => node.Op is ConstantOp c && c.Value.Size <= MaxComparedConstant;

    /// <summary>A node's identity for merging: its op (or a small constant's dtype, shape and bytes) and its inputs.</summary>
    private readonly struct NodeKey(GraphNode node) : IEquatable<NodeKey>
    {
        private readonly GraphNode _node = node;

        public bool Equals(NodeKey other)
        {
            GraphNode a = _node, b = other._node;
            if (a.Op is ConstantOp ca && b.Op is ConstantOp cb)
            {
                return ca.Value.DType == cb.Value.DType && ca.Value.Shape == cb.Value.Shape
                    && a.Output.IsWeak == b.Output.IsWeak && SameBytes(ca.Value, cb.Value);
            }

            if (!ReferenceEquals(a.Op, b.Op) || a.Inputs.Length != b.Inputs.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Inputs.Length; i++)
            {
                if (!ReferenceEquals(a.Inputs[i].Node, b.Inputs[i].Node))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is NodeKey other && Equals(other);

        public override int GetHashCode()
        {
            if (_node.Op is ConstantOp c)
            {
                return HashCode.Combine(c.Value.DType, c.Value.Shape);
            }

            var hash = default(HashCode);
            hash.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_node.Op));
            foreach (SymbolicTensor input in _node.Inputs)
            {
                hash.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(input.Node));
            }

            return hash.ToHashCode();
        }

        private static bool SameBytes(Tensor x, Tensor y) => BytesOf(x).SequenceEqual(BytesOf(y));

        private static ReadOnlySpan<byte> BytesOf(Tensor t)
        {
            int bytes = t.Size * t.DType.Size;
            return System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(
                ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(t.Buffer), bytes);
        }
    }
}
