using Nabla;
using Nabla.Keras;
using Walkthrough;
using static Walkthrough.Notebook;

// The seed notebook ("Differentiation & Gradient") cell by cell: each Cell call names the notebook's cell and holds its
// Python; the C# below the call, up to the next cell, is its twin (the walkthrough prints it, then what it outputs).
// `dotnet run --project samples/Walkthrough -- --transcript cells.json` also writes the cells for the tests.
Start(args);

Markdown("""
    # Differentiation & Gradient
    """);

Cell("In [30]", """
    import numpy as np

    import tensorflow as tf
    """);
// using Nabla;        (at the top of this file: tensors, ops, tapes)
// using Nabla.Keras;  (layers and models)

Markdown("""
    ## Tensor Basics
    """);

Markdown("""
    ### Tensor Variable
    - Weights(kernel) has random value & Bias with zero
    - Shape is determined by the initial value. But the tensor can't reshape a vector into matrix
    """);

Cell("In [2]", """
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(1, input_shape=(1,))
    ])

    model.variables
    """);
var model = new Sequential(
    new Dense(1, inputShape: [1])
);

Display(model.Variables);

Cell("In [3]", """
    tf.Variable(initial_value=[1,2])
    """);
Display(new Variable(new[] { 1, 2 }));

Cell("In [4]", """
    tf.Variable(initial_value=[1,2], dtype=tf.float32)
    """);
Display(new Variable(new[] { 1, 2 }, DType.Float32));

Cell("In [5]", """
    tf.Variable(initial_value=[1, 2, 3, 4], dtype=tf.float32, shape=(2, 2))
    """);
ShowError(() => new Variable(new[] { 1, 2, 3, 4 }, DType.Float32, shape: [2, 2]));

Cell("In [None]", """
    tf.Variable(initial_value=[[1, 2], [3, 4]], dtype=tf.float32)
    """);
Display(new Variable(new[,] { { 1, 2 }, { 3, 4 } }, DType.Float32));

Markdown("""
    ### Tensor Constant
    """);

Markdown("""
    - Constant tensor cannot be updated
    - Reshape can be performed
    """);

Cell("In [None]", """
    tf.constant([1, 2, 3])
    """);
Display(Tf.Constant(new[] { 1, 2, 3 }));

Cell("In [None]", """
    tf.constant([[1, 2], [3, 4]], shape=(2, 2))
    """);
Display(Tf.Constant(new[,] { { 1, 2 }, { 3, 4 } }, shape: [2, 2]));

Cell("In [None]", """
    tf.constant(-1, shape=(2, 2))
    """);
Display(Tf.Constant(-1, shape: [2, 2]));

Markdown("""
    ### Tensor Operations
    """);

{
    Cell("In [6]", """
        x = np.arange(25)
        x
        """);
    long[] x = [.. Enumerable.Range(0, 25).Select(i => (long)i)];   // a .NET array is C#'s NumPy array
    Display(x);

    Cell("In [7]", """
        tf.constant(x)
        """);
    Display(Tf.Constant(x));

    Cell("In [8]", """
        tf.square(x)
        """);
    Display(Tf.Square(x));

    Cell("In [9]", """
        tf.reshape(x, (5, 5))
        """);
    Display(Tf.Reshape(x, [5, 5]));

    Cell("In [10]", """
        tf.cast(x, tf.float32)
        """);
    Display(Tf.Cast(x, DType.Float32));

    Cell("In [11]", """
        tf.multiply(
            tf.constant(x),
            tf.constant(x)
        )
        """);
    Display(Tf.Multiply(
        Tf.Constant(x),
        Tf.Constant(x)
    ));

    Cell("In [12]", """
        tf.constant(x) + tf.constant(x)
        """);
    Display(Tf.Constant(x) + Tf.Constant(x));
}

Markdown("""
    ### Eager-Based
    """);

Markdown("""
    - Tensorflow works on both Eager & Graph based modes
    - Eager mode is `on` by default
    - Eager mode can be switched `off` and can be executed in Graph-based mode
    """);

Extra("Graph mode, Nabla's own cell (the notebook has none): Tf.Function traces C# into a graph");
// Traced once per input signature, then the graph runs: the C# body runs only while tracing, so it prints once.
var squareSum = Tf.Function((Tensor t) =>
{
    Console.WriteLine($"tracing; executing eagerly: {Tf.ExecutingEagerly()}");
    return Tf.ReduceSum(t * t);
});

Display(squareSum.Invoke(Tf.Constant(new[] { 1f, 2f, 3f })));
Display(squareSum.Invoke(Tf.Constant(new[] { 4f, 5f, 6f })));   // same signature: the graph runs, no tracing
Console.WriteLine(squareSum.GetConcreteFunction(Tf.Constant(new[] { 1f, 2f, 3f })).Graph);

Markdown("""
    #### Tensor Evaluation
    """);

Markdown("""
    - Since eager mode is default any print statement gets evaluated on its own
    """);

Cell("In [13]", """
    print(f'Hello {tf.square(5)}')
    """);
Console.WriteLine($"Hello {Tf.Square(5)}");

Markdown("""
    #### Broadcast values
    """);

Cell("In [14]", """
    tf.add(
        tf.constant([1, 2, 3, 4]),
        1
    )
    """);
Display(Tf.Add(
    Tf.Constant(new[] { 1, 2, 3, 4 }),
    1
));

Markdown("""
    #### Overload Operators
    """);

Cell("In [15]", """
    tf.constant([1, 2, 3]) ** 2
    """);
Display(Tf.Constant(new[] { 1, 2, 3 }).Pow(2));   // C# has no ** operator

Markdown("""
    #### Compatability with NumPy
    """);

Cell("In [16]", """
    np.multiply(
        tf.constant(5),
        tf.constant(5)
    )
    """);
Display(Tf.Multiply(
    Tf.Constant(5),
    Tf.Constant(5)
).Item<int>());

Cell("In [17]", """
    ndarray = np.ones([3, 3])
    print(ndarray)

    tensor = tf.multiply(ndarray, 5)
    print(tensor)

    tensor.numpy()
    """);
var ndarray = (double[,])Tf.Ones([3, 3], DType.Float64).ToArray();
Console.WriteLine($"{Tf.Constant(ndarray)}");   // interpolation prints the values, as NumPy's print does

var tensor = Tf.Multiply(ndarray, 5);
Console.WriteLine(tensor);                      // print(tensor): TensorFlow's print form

Display(tensor.ToArray());                      // tensor.numpy(): a double[,]

Markdown("""
    ### Evaluting Variables
    """);

Cell("In [18]", """
    tf.Variable(1) + 1
    """);
Display(new Variable(1) + 1);

Cell("In [19]", """
    tf.Variable(1).assign_add(3)
    """);
Display(new Variable(1).AssignAdd(3));   // TensorFlow shows 'UnreadVariable': its assign_add returns a handle, Nabla the variable

Cell("In [20]", """
    tf.Variable(1) \
        .assign_add(1) \
        .read_value() \
        .numpy()
    """);
Display(new Variable(1)
    .AssignAdd(1)
    .ReadValue()
    .Item<int>());

Cell("In [21]", """
    class MyLayer(tf.keras.layers.Layer):

        def __init__(self):
            super(MyLayer, self).__init__()
            self.my_var = tf.Variable(10)
            self.my_list = [tf.Variable(i) for i in range(3)]

    m = MyLayer()

    [variable.numpy() for variable in m.variables]
    """, alsoShow: "MyLayer.cs");
var m = new MyLayer();

Display(m.Variables.Select(variable => variable.Item<int>()));

Markdown("""
    ### Change Data Type
    """);

Cell("In [23]", """
    tf.cast(tf.constant(5), dtype=tf.float32).dtype
    """);
Display(Tf.Cast(Tf.Constant(5), dtype: DType.Float32).DType);

Markdown("""
    ## Gradient Tape
    """);

{
    Cell("In [25]", """
        x = np.arange(-1, 5)
        y = 2*x - 1

        y
        """);
    long[] x = [.. Enumerable.Range(-1, 6).Select(i => (long)i)];
    long[] y = [.. x.Select(v => (2 * v) - 1)];

    Display(y);

    Cell("In [34]", """
        # Trainable parameters

        w = tf.Variable(np.random.random(), trainable=True)
        b = tf.Variable(np.random.random(), trainable=True)

        # Loss Function

        def simple_loss(y_pred, y_true):
            return tf.abs(y_pred- y_true)

        # Learning rate
        LEARNING_RATE = 0.001

        # Train on data
        def fit_data(x, y_true):

            with tf.GradientTape(persistent=True) as tape:
                # Make prediction
                y_pred = w * x + b

                # Compute Loss
                reg_loss = simple_loss(y_pred, y_true)

            # Calculate gradients
            w_gradient = tape.gradient(reg_loss, w)
            b_gradient = tape.gradient(reg_loss, b)

            # Update variables
            w.assign_sub(LEARNING_RATE * w_gradient)
            b.assign_sub(LEARNING_RATE * b_gradient)

            return reg_loss

        # Trainning Loop
        for i in range(1000):
            loss = fit_data(x, y)

            if i % 100 == 99:
                print(f'Loss {loss} @ iteration {i}')

        # New weight & bias
        print(f'Weight {w} Bias {b}')
        """);
    // Trainable parameters: a Python float is float32 in TensorFlow, so these are float32 too. The values are the
    // notebook's own np.random.random() draws, recovered from the losses it printed, so the output below is its output.

    var w = new Variable(0.58207077f, trainable: true);
    var b = new Variable(0.6968186f, trainable: true);

    // Loss Function

    Tensor SimpleLoss(Tensor yPred, Tensor yTrue) => Tf.Abs(yPred - yTrue);

    // Learning rate
    const float LearningRate = 0.001f;

    // Train on data
    Tensor FitData(long[] x, long[] yTrue)
    {
        var tape = new GradientTape(persistent: true);
        Tensor regLoss;
        using (tape)
        {
            // Make prediction
            var yPred = (w * x) + b;

            // Compute Loss
            regLoss = SimpleLoss(yPred, yTrue);
        }

        // Calculate gradients
        var wGradient = tape.Gradient(regLoss, w)!;
        var bGradient = tape.Gradient(regLoss, b)!;

        // Update variables
        w.AssignSub(LearningRate * wGradient);
        b.AssignSub(LearningRate * bGradient);

        return regLoss;
    }

    // Trainning Loop
    for (int i = 0; i < 1000; i++)
    {
        var loss = FitData(x, y);

        if (i % 100 == 99)
        {
            Console.WriteLine($"Loss {loss} @ iteration {i}");
        }
    }

    // New weight & bias: Python's f-string shows a variable's repr; in C# {w:r} asks for it ({w} is its value)
    Console.WriteLine($"Weight {w:r} Bias {b:r}");

    Extra("Graph mode, Nabla's own cell: the same training step as a Tf.Function, from the same initial weights");
    // The step is traced once (x and y become graph constants) and the graph runs 1,000 times: same final weights.
    var wGraph = new Variable(0.58207077f, trainable: true);
    var bGraph = new Variable(0.6968186f, trainable: true);
    var fitStep = Tf.Function(() =>
    {
        using var graphTape = new GradientTape();
        Tensor loss = SimpleLoss((wGraph * x) + bGraph, y);
        Tensor?[] gradients = graphTape.Gradient(loss, wGraph, bGraph);
        wGraph.AssignSub(LearningRate * gradients[0]!);
        bGraph.AssignSub(LearningRate * gradients[1]!);
        return loss;
    });
    for (int i = 0; i < 1000; i++)
    {
        fitStep.Invoke();
    }

    Console.WriteLine(fitStep.GetConcreteFunction().Graph);
    Console.WriteLine($"Weight {wGraph:r} Bias {bGraph:r}");
    Console.WriteLine($"Same as eager: {wGraph.Item<float>() == w.Item<float>() && bGraph.Item<float>() == b.Item<float>()}");
}

Markdown("""
    ### `persistent=True` & Higher Order Gradients
    """);

{
    Cell("In [47]", """
        x = tf.Variable(3, dtype=tf.float32)

        with tf.GradientTape(persistent=True) as tape:

            tape.watch(x)

            y = x * x
            z = y * y

        dz_dx = tape.gradient(z, x)
        dy_dx = tape.gradient(y, x)

        print(dz_dx, dy_dx)

        del tape # Since persistence is used tape needs to be deleted(or garbage collected) manually
        """);
    var x = new Variable(3, dtype: DType.Float32);

    var tape = new GradientTape(persistent: true);
    Tensor y, z;
    using (tape)
    {
        tape.Watch(x);

        y = x * x;
        z = y * y;
    }

    var dzDx = tape.Gradient(z, x);
    var dyDx = tape.Gradient(y, x);

    Console.WriteLine(string.Join(" ", dzDx, dyDx));   // print(a, b): each one's print form

    // no `del tape`: the garbage collector frees a persistent tape like any object
}

Markdown("""
    $ y = x^3 $
    """);

Markdown("""
    $ \frac{\partial y}{\partial x} = 3x^2 $
    """);

Markdown("""
    $ \frac{\partial^2 y}{\partial x^2} = 6x $
    """);

{
    Cell("In [48]", """
        x = tf.Variable(3, dtype=tf.float32)

        with tf.GradientTape() as tape1:
            with tf.GradientTape() as tape2:
                y = x * x * x
            dy_dx = tape2.gradient(y, x)
        d2y_dx2 = tape1.gradient(dy_dx, x)

        dy_dx, d2y_dx2
        """);
    var x = new Variable(3, dtype: DType.Float32);

    Tensor dyDx;
    var tape1 = new GradientTape();
    using (tape1)
    {
        var tape2 = new GradientTape();
        Tensor y;
        using (tape2)
        {
            y = x * x * x;
        }

        dyDx = tape2.Gradient(y, x)!;
    }

    var d2yDx2 = tape1.Gradient(dyDx, x)!;

    Display((dyDx, d2yDx2));
}

End();
