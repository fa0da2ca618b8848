namespace Nabla;

public static partial class Tf
{
    /// <summary>
    /// Traces <paramref name="function"/> into a graph (TensorFlow's <c>tf.function</c>): the first call for each input
    /// signature runs the C# body with symbolic tensors and records its ops into an optimized graph; later calls
    /// with tensors of the same dtypes and shapes (and equal C# values) run the graph. Tensor arguments are inputs,
    /// variables are captured by reference, other C# values are constants of the trace.
    /// </summary>
    /// <param name="function">The C# function to trace.</param>
    /// <param name="inputSignature">The specs of the tensor arguments, in order: one trace for every call they cover (a null dimension matches any size).</param>
    /// <param name="reduceRetracing">Whether a new shape relaxes the trace (dimensions that differ become unknown) instead of adding one per shape.</param>
    /// <param name="name">The function's name in graphs and messages (by default the C# method's).</param>
    public static PolymorphicFunction<Func<TResult>> Function<TResult>(
        Func<TResult> function, TensorSpec[]? inputSignature = null, bool reduceRetracing = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var core = new FunctionCore(function, _ => function(), inputSignature, reduceRetracing, name);
        return new PolymorphicFunction<Func<TResult>>(core, () => (TResult)core.Call([])!);
    }

    /// <summary>
    /// Traces <paramref name="function"/> into a graph (TensorFlow's <c>tf.function</c>): the first call for each input
    /// signature runs the C# body with symbolic tensors and records its ops into an optimized graph; later calls
    /// with tensors of the same dtypes and shapes (and equal C# values) run the graph. Tensor arguments are inputs,
    /// variables are captured by reference, other C# values are constants of the trace.
    /// </summary>
    /// <param name="function">The C# function to trace.</param>
    /// <param name="inputSignature">The specs of the tensor arguments, in order: one trace for every call they cover (a null dimension matches any size).</param>
    /// <param name="reduceRetracing">Whether a new shape relaxes the trace (dimensions that differ become unknown) instead of adding one per shape.</param>
    /// <param name="name">The function's name in graphs and messages (by default the C# method's).</param>
    public static PolymorphicFunction<Func<T1, TResult>> Function<T1, TResult>(
        Func<T1, TResult> function, TensorSpec[]? inputSignature = null, bool reduceRetracing = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var core = new FunctionCore(function, a => function((T1)a[0]!), inputSignature, reduceRetracing, name);
        return new PolymorphicFunction<Func<T1, TResult>>(core, (T1 a1) => (TResult)core.Call([a1])!);
    }

    /// <summary>
    /// Traces <paramref name="function"/> into a graph (TensorFlow's <c>tf.function</c>): the first call for each input
    /// signature runs the C# body with symbolic tensors and records its ops into an optimized graph; later calls
    /// with tensors of the same dtypes and shapes (and equal C# values) run the graph. Tensor arguments are inputs,
    /// variables are captured by reference, other C# values are constants of the trace.
    /// </summary>
    /// <param name="function">The C# function to trace.</param>
    /// <param name="inputSignature">The specs of the tensor arguments, in order: one trace for every call they cover (a null dimension matches any size).</param>
    /// <param name="reduceRetracing">Whether a new shape relaxes the trace (dimensions that differ become unknown) instead of adding one per shape.</param>
    /// <param name="name">The function's name in graphs and messages (by default the C# method's).</param>
    public static PolymorphicFunction<Func<T1, T2, TResult>> Function<T1, T2, TResult>(
        Func<T1, T2, TResult> function, TensorSpec[]? inputSignature = null, bool reduceRetracing = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var core = new FunctionCore(function, a => function((T1)a[0]!, (T2)a[1]!), inputSignature, reduceRetracing, name);
        return new PolymorphicFunction<Func<T1, T2, TResult>>(core, (T1 a1, T2 a2) => (TResult)core.Call([a1, a2])!);
    }

    /// <summary>
    /// Traces <paramref name="function"/> into a graph (TensorFlow's <c>tf.function</c>): the first call for each input
    /// signature runs the C# body with symbolic tensors and records its ops into an optimized graph; later calls
    /// with tensors of the same dtypes and shapes (and equal C# values) run the graph. Tensor arguments are inputs,
    /// variables are captured by reference, other C# values are constants of the trace.
    /// </summary>
    /// <param name="function">The C# function to trace.</param>
    /// <param name="inputSignature">The specs of the tensor arguments, in order: one trace for every call they cover (a null dimension matches any size).</param>
    /// <param name="reduceRetracing">Whether a new shape relaxes the trace (dimensions that differ become unknown) instead of adding one per shape.</param>
    /// <param name="name">The function's name in graphs and messages (by default the C# method's).</param>
    public static PolymorphicFunction<Func<T1, T2, T3, TResult>> Function<T1, T2, T3, TResult>(
        Func<T1, T2, T3, TResult> function, TensorSpec[]? inputSignature = null, bool reduceRetracing = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var core = new FunctionCore(function, a => function((T1)a[0]!, (T2)a[1]!, (T3)a[2]!), inputSignature, reduceRetracing, name);
        return new PolymorphicFunction<Func<T1, T2, T3, TResult>>(core, (T1 a1, T2 a2, T3 a3) => (TResult)core.Call([a1, a2, a3])!);
    }

    /// <summary>
    /// Traces <paramref name="function"/> into a graph (TensorFlow's <c>tf.function</c>): the first call for each input
    /// signature runs the C# body with symbolic tensors and records its ops into an optimized graph; later calls
    /// with tensors of the same dtypes and shapes (and equal C# values) run the graph. Tensor arguments are inputs,
    /// variables are captured by reference, other C# values are constants of the trace.
    /// </summary>
    /// <param name="function">The C# function to trace.</param>
    /// <param name="inputSignature">The specs of the tensor arguments, in order: one trace for every call they cover (a null dimension matches any size).</param>
    /// <param name="reduceRetracing">Whether a new shape relaxes the trace (dimensions that differ become unknown) instead of adding one per shape.</param>
    /// <param name="name">The function's name in graphs and messages (by default the C# method's).</param>
    public static PolymorphicFunction<Func<T1, T2, T3, T4, TResult>> Function<T1, T2, T3, T4, TResult>(
        Func<T1, T2, T3, T4, TResult> function, TensorSpec[]? inputSignature = null, bool reduceRetracing = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var core = new FunctionCore(function, a => function((T1)a[0]!, (T2)a[1]!, (T3)a[2]!, (T4)a[3]!), inputSignature, reduceRetracing, name);
        return new PolymorphicFunction<Func<T1, T2, T3, T4, TResult>>(core, (T1 a1, T2 a2, T3 a3, T4 a4) => (TResult)core.Call([a1, a2, a3, a4])!);
    }

    /// <summary>
    /// Traces <paramref name="function"/> into a graph (TensorFlow's <c>tf.function</c>): the first call for each input
    /// signature runs the C# body with symbolic tensors and records its ops into an optimized graph; later calls
    /// with tensors of the same dtypes and shapes (and equal C# values) run the graph. Tensor arguments are inputs,
    /// variables are captured by reference, other C# values are constants of the trace.
    /// </summary>
    /// <param name="function">The C# function to trace.</param>
    /// <param name="inputSignature">The specs of the tensor arguments, in order: one trace for every call they cover (a null dimension matches any size).</param>
    /// <param name="reduceRetracing">Whether a new shape relaxes the trace (dimensions that differ become unknown) instead of adding one per shape.</param>
    /// <param name="name">The function's name in graphs and messages (by default the C# method's).</param>
    public static PolymorphicFunction<Func<T1, T2, T3, T4, T5, TResult>> Function<T1, T2, T3, T4, T5, TResult>(
        Func<T1, T2, T3, T4, T5, TResult> function, TensorSpec[]? inputSignature = null, bool reduceRetracing = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var core = new FunctionCore(function, a => function((T1)a[0]!, (T2)a[1]!, (T3)a[2]!, (T4)a[3]!, (T5)a[4]!), inputSignature, reduceRetracing, name);
        return new PolymorphicFunction<Func<T1, T2, T3, T4, T5, TResult>>(core, (T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => (TResult)core.Call([a1, a2, a3, a4, a5])!);
    }

    /// <summary>
    /// Traces <paramref name="function"/> into a graph (TensorFlow's <c>tf.function</c>): the first call for each input
    /// signature runs the C# body with symbolic tensors and records its ops into an optimized graph; later calls
    /// with tensors of the same dtypes and shapes (and equal C# values) run the graph. Tensor arguments are inputs,
    /// variables are captured by reference, other C# values are constants of the trace.
    /// </summary>
    /// <param name="function">The C# function to trace.</param>
    /// <param name="inputSignature">The specs of the tensor arguments, in order: one trace for every call they cover (a null dimension matches any size).</param>
    /// <param name="reduceRetracing">Whether a new shape relaxes the trace (dimensions that differ become unknown) instead of adding one per shape.</param>
    /// <param name="name">The function's name in graphs and messages (by default the C# method's).</param>
    public static PolymorphicFunction<Func<T1, T2, T3, T4, T5, T6, TResult>> Function<T1, T2, T3, T4, T5, T6, TResult>(
        Func<T1, T2, T3, T4, T5, T6, TResult> function, TensorSpec[]? inputSignature = null, bool reduceRetracing = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var core = new FunctionCore(function, a => function((T1)a[0]!, (T2)a[1]!, (T3)a[2]!, (T4)a[3]!, (T5)a[4]!, (T6)a[5]!), inputSignature, reduceRetracing, name);
        return new PolymorphicFunction<Func<T1, T2, T3, T4, T5, T6, TResult>>(core, (T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => (TResult)core.Call([a1, a2, a3, a4, a5, a6])!);
    }

    /// <summary>
    /// Traces <paramref name="function"/> into a graph (TensorFlow's <c>tf.function</c>): the first call for each input
    /// signature runs the C# body with symbolic tensors and records its ops into an optimized graph; later calls
    /// with tensors of the same dtypes and shapes (and equal C# values) run the graph. Tensor arguments are inputs,
    /// variables are captured by reference, other C# values are constants of the trace.
    /// </summary>
    /// <param name="function">The C# function to trace.</param>
    /// <param name="inputSignature">The specs of the tensor arguments, in order: one trace for every call they cover (a null dimension matches any size).</param>
    /// <param name="reduceRetracing">Whether a new shape relaxes the trace (dimensions that differ become unknown) instead of adding one per shape.</param>
    /// <param name="name">The function's name in graphs and messages (by default the C# method's).</param>
    public static PolymorphicFunction<Action<T1>> Function<T1>(
        Action<T1> function, TensorSpec[]? inputSignature = null, bool reduceRetracing = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var core = new FunctionCore(function, a =>
        {
            function((T1)a[0]!);
            return null;
        }, inputSignature, reduceRetracing, name);
        return new PolymorphicFunction<Action<T1>>(core, (T1 a1) => core.Call([a1]));
    }

    /// <summary>
    /// Traces <paramref name="function"/> into a graph (TensorFlow's <c>tf.function</c>): the first call for each input
    /// signature runs the C# body with symbolic tensors and records its ops into an optimized graph; later calls
    /// with tensors of the same dtypes and shapes (and equal C# values) run the graph. Tensor arguments are inputs,
    /// variables are captured by reference, other C# values are constants of the trace.
    /// </summary>
    /// <param name="function">The C# function to trace.</param>
    /// <param name="inputSignature">The specs of the tensor arguments, in order: one trace for every call they cover (a null dimension matches any size).</param>
    /// <param name="reduceRetracing">Whether a new shape relaxes the trace (dimensions that differ become unknown) instead of adding one per shape.</param>
    /// <param name="name">The function's name in graphs and messages (by default the C# method's).</param>
    public static PolymorphicFunction<Action<T1, T2>> Function<T1, T2>(
        Action<T1, T2> function, TensorSpec[]? inputSignature = null, bool reduceRetracing = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var core = new FunctionCore(function, a =>
        {
            function((T1)a[0]!, (T2)a[1]!);
            return null;
        }, inputSignature, reduceRetracing, name);
        return new PolymorphicFunction<Action<T1, T2>>(core, (T1 a1, T2 a2) => core.Call([a1, a2]));
    }

    /// <summary>
    /// Traces <paramref name="function"/> into a graph (TensorFlow's <c>tf.function</c>): the first call for each input
    /// signature runs the C# body with symbolic tensors and records its ops into an optimized graph; later calls
    /// with tensors of the same dtypes and shapes (and equal C# values) run the graph. Tensor arguments are inputs,
    /// variables are captured by reference, other C# values are constants of the trace.
    /// </summary>
    /// <param name="function">The C# function to trace.</param>
    /// <param name="inputSignature">The specs of the tensor arguments, in order: one trace for every call they cover (a null dimension matches any size).</param>
    /// <param name="reduceRetracing">Whether a new shape relaxes the trace (dimensions that differ become unknown) instead of adding one per shape.</param>
    /// <param name="name">The function's name in graphs and messages (by default the C# method's).</param>
    public static PolymorphicFunction<Action<T1, T2, T3>> Function<T1, T2, T3>(
        Action<T1, T2, T3> function, TensorSpec[]? inputSignature = null, bool reduceRetracing = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var core = new FunctionCore(function, a =>
        {
            function((T1)a[0]!, (T2)a[1]!, (T3)a[2]!);
            return null;
        }, inputSignature, reduceRetracing, name);
        return new PolymorphicFunction<Action<T1, T2, T3>>(core, (T1 a1, T2 a2, T3 a3) => core.Call([a1, a2, a3]));
    }

    /// <summary>
    /// Traces <paramref name="function"/> into a graph (TensorFlow's <c>tf.function</c>): the first call for each input
    /// signature runs the C# body with symbolic tensors and records its ops into an optimized graph; later calls
    /// with tensors of the same dtypes and shapes (and equal C# values) run the graph. Tensor arguments are inputs,
    /// variables are captured by reference, other C# values are constants of the trace.
    /// </summary>
    /// <param name="function">The C# function to trace.</param>
    /// <param name="inputSignature">The specs of the tensor arguments, in order: one trace for every call they cover (a null dimension matches any size).</param>
    /// <param name="reduceRetracing">Whether a new shape relaxes the trace (dimensions that differ become unknown) instead of adding one per shape.</param>
    /// <param name="name">The function's name in graphs and messages (by default the C# method's).</param>
    public static PolymorphicFunction<Action<T1, T2, T3, T4>> Function<T1, T2, T3, T4>(
        Action<T1, T2, T3, T4> function, TensorSpec[]? inputSignature = null, bool reduceRetracing = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var core = new FunctionCore(function, a =>
        {
            function((T1)a[0]!, (T2)a[1]!, (T3)a[2]!, (T4)a[3]!);
            return null;
        }, inputSignature, reduceRetracing, name);
        return new PolymorphicFunction<Action<T1, T2, T3, T4>>(core, (T1 a1, T2 a2, T3 a3, T4 a4) => core.Call([a1, a2, a3, a4]));
    }

}
