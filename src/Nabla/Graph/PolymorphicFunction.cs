namespace Nabla;

/// <summary>
/// A C# function traced into graphs (TensorFlow's <c>tf.function</c>, made by <see cref="Tf.Function{T1, TResult}(Func{T1, TResult}, TensorSpec[], bool, string)"/>):
/// call it through <see cref="Invoke"/> (<c>f.Invoke(a, b)</c>) or as the delegate it converts to. Each input
/// signature gets its own <see cref="ConcreteFunction"/>; calling it from several threads at once is safe.
/// </summary>
/// <typeparam name="TDelegate">The delegate type it wraps (<c>Func&lt;Tensor, Tensor, Tensor&gt;</c>...).</typeparam>
public sealed class PolymorphicFunction<TDelegate>
    where TDelegate : Delegate
{
    private readonly FunctionCore _core;

    internal PolymorphicFunction(FunctionCore core, TDelegate invoke)
    {
        _core = core;
        Invoke = invoke;
    }

    /// <summary>The traced function as a delegate: <c>f.Invoke(a, b)</c> traces on a new signature, then runs the graph.</summary>
    public TDelegate Invoke { get; }

    /// <summary>The function's name in graphs and messages.</summary>
    public string Name => _core.Name;

    /// <summary>How many times the C# body has been traced (TensorFlow's <c>experimental_get_tracing_count()</c>).</summary>
    public int TracingCount => _core.TracingCount;

    /// <summary>
    /// The concrete function for these arguments (TensorFlow's <c>get_concrete_function</c>), traced if needed: give
    /// tensors, or <see cref="TensorSpec"/>s (with null dimensions for sizes known only at run time), and C# values.
    /// </summary>
    public ConcreteFunction GetConcreteFunction(params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return _core.GetConcreteFunction((object?[])args.Clone());
    }

    /// <summary>The wrapped delegate type, calling the traced function.</summary>
    public static implicit operator TDelegate(PolymorphicFunction<TDelegate> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.Invoke;
    }

    /// <inheritdoc/>
    public override string ToString() => $"<PolymorphicFunction '{Name}', traced {TracingCount} time(s)>";
}
