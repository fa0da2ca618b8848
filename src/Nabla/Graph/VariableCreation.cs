namespace Nabla;

/// <summary>
/// TensorFlow's rules for variables created while a function is traced: the variable is a real (eager) variable
/// whose initial value is computed eagerly (init_scope), and the graph being traced notes it, so the function can
/// refuse variables created on a later trace ("tf.function only supports singleton tf.Variables created on the
/// first call").
/// </summary>
internal static class VariableCreation
{
    /// <summary>Called by every new variable.</summary>
    public static void Created(Variable variable)
    {
        if (ExecutionContext.Current is TracingContext tracing)
        {
            tracing.Graph.NoteCreated(variable);
        }
    }

    /// <summary>A concrete initial value: <paramref name="value"/> itself, or the eager evaluation of a value traced from constants only.</summary>
    /// <exception cref="InvalidOperationException">When the traced value depends on the function's arguments.</exception>
    public static Tensor EagerInitialValue(Tensor value)
        => value is SymbolicTensor symbolic ? symbolic.Graph.EvaluateEagerly(symbolic) : value;
}
