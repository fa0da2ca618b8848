using System.Globalization;
using System.Text;

namespace Nabla;

public sealed partial class FuncGraph
{
    /// <summary>
    /// One line per operation, in program order: <c>name = type(inputs) : dtype shape</c>, then the returned
    /// values; unknown dimensions print as <c>None</c>.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"FuncGraph '{Name}' ({_nodes.Count} operations)").AppendLine();
        foreach (GraphNode node in _nodes)
        {
            text.Append("  ").Append(node.Name).Append(" = ").Append(node.Op.Name).Append('(');
            AppendInputs(text, node);
            text.Append(") : ").Append(node.Output.DType).Append(' ').Append(node.Output.Shape).AppendLine();
        }

        text.Append("  return ").AppendJoin(", ", Outputs.Select(o => o.Node.Name));
        return text.ToString();
    }

    /// <summary>The graph in Graphviz's DOT language (<c>dot -Tsvg</c>): a box per operation, an edge per value with its dtype and shape.</summary>
    public string ToDot()
    {
        var dot = new StringBuilder();
        dot.Append("digraph \"").Append(Escape(Name)).AppendLine("\" {");
        dot.AppendLine("  rankdir=TB;");
        dot.AppendLine("  node [shape=box, fontname=\"Helvetica\", fontsize=10];");
        dot.AppendLine("  edge [fontname=\"Helvetica\", fontsize=9];");
        foreach (GraphNode node in _nodes)
        {
            string style = node.Op switch
            {
                PlaceholderOp => ", shape=ellipse, style=filled, fillcolor=\"#d8e8ff\"",
                ConstantOp => ", shape=ellipse, style=filled, fillcolor=\"#eeeeee\"",
                IVariableOp => ", shape=cylinder, style=filled, fillcolor=\"#fff2cc\"",
                _ => string.Empty,
            };
            dot.Append("  \"").Append(Escape(node.Name)).Append("\" [label=\"").Append(Escape(node.Name)).Append("\\n")
                .Append(Escape(node.Op.Name)).Append('"').Append(style).AppendLine("];");
            foreach (SymbolicTensor input in node.Inputs)
            {
                dot.Append("  \"").Append(Escape(input.Node.Name)).Append("\" -> \"").Append(Escape(node.Name))
                    .Append("\" [label=\"").Append(input.DType).Append(' ').Append(Escape(input.Shape.ToString())).AppendLine("\"];");
            }
        }

        for (int i = 0; i < Outputs.Count; i++)
        {
            dot.Append(CultureInfo.InvariantCulture, $"  \"output_{i}\" [shape=plaintext];").AppendLine();
            dot.Append("  \"").Append(Escape(Outputs[i].Node.Name)).Append(CultureInfo.InvariantCulture, $"\" -> \"output_{i}\";").AppendLine();
        }

        return dot.Append('}').AppendLine().ToString();
    }

    /// <summary>
    /// Computes a traced value eagerly from the constants, variables and random numbers it depends on (how a
    /// variable created inside a traced function gets its initial value, as TensorFlow's init_scope lifts it).
    /// </summary>
    /// <exception cref="InvalidOperationException">When the value depends on one of the function's arguments.</exception>
    internal Tensor EvaluateEagerly(SymbolicTensor value)
    {
        var needed = new HashSet<GraphNode>(ReferenceEqualityComparer.Instance);
        var work = new Stack<GraphNode>();
        work.Push(value.Node);
        while (work.Count > 0)
        {
            GraphNode node = work.Pop();
            if (!needed.Add(node))
            {
                continue;
            }

            if (node.Op is PlaceholderOp)
            {
                throw new InvalidOperationException(
                    $"A Variable created inside the traced function '{Name}' has an initial value that depends on the function's " +
                    $"argument '{node.Name}'. Initial values are computed once, eagerly (as TensorFlow's init_scope): compute it from " +
                    "constants, or create the variable outside the function and Assign it inside.");
            }

            foreach (SymbolicTensor input in node.Inputs)
            {
                work.Push(input.Node);
            }
        }

        var sub = new FuncGraph(Name + "_init");
        foreach (GraphNode node in _nodes)
        {
            if (needed.Contains(node))
            {
                sub._nodes.Add(node);
            }
        }

        sub.Outputs = [value];
        using var eager = ExecutionContext.Enter(ExecutionContext.Eager);
        using var tapes = TapeStack.Suspend();
        return GraphReplay.Run(sub, [], new GraphReplay.Options())[0];
    }

    private static void AppendInputs(StringBuilder text, GraphNode node)
    {
        switch (node.Op)
        {
            case IVariableOp variableOp when node.Inputs.Length == 0:
                text.Append('\'').Append(variableOp.Variable.Name).Append('\'');
                return;
            case ConstantOp constant:
                text.Append(constant.Value.Size <= 8 ? Formatting.Values(constant.Value).ReplaceLineEndings(" ") : "...");
                return;
        }

        for (int i = 0; i < node.Inputs.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(node.Inputs[i].Node.Name);
        }

        if (node.Op is AssignVariableOp assign)
        {
            text.Append(" -> '").Append(assign.Variable.Name).Append('\'');
        }
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
