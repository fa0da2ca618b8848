namespace Nabla.Tests.Graph;

/// <summary>Internal state the graph tests look at.</summary>
internal static class GraphTestAccess
{
    public static Array BufferOf(Variable v) => v.CurrentBuffer;
}
