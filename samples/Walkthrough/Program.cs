using Nabla;
using Nabla.Keras;
using Walkthrough;
using static Walkthrough.Notebook;

// The seed notebook ("Differentiation & Gradient"), cell by cell, in C#. Each cell prints its code and result.
Console.WriteLine("# Differentiation & Gradient — the seed notebook in Nabla");

Heading("Tensor Variable");
Cell("In [2]", () => new Sequential(new Dense(1, inputShape: [1])).Variables);
Cell("In [3]", () => new Variable(new[] { 1, 2 }));
Cell("In [4]", () => new Variable(new[] { 1, 2 }, DType.Float32));
Cell("In [5]", () => new Variable(new[] { 1, 2, 3, 4 }, DType.Float32, shape: [2, 2]));
Cell("In [ ]", () => new Variable(new[,] { { 1, 2 }, { 3, 4 } }, DType.Float32));

Heading("Tensor Constant");
Cell("In [ ]", () => Tf.Constant(new[] { 1, 2, 3 }));
Cell("In [ ]", () => Tf.Constant(new[,] { { 1, 2 }, { 3, 4 } }, shape: [2, 2]));
Cell("In [ ]", () => Tf.Constant(-1, shape: [2, 2]));

Heading("Tensor Operations");
long[] x = new long[25];
for (int i = 0; i < x.Length; i++)
{
    x[i] = i;
}

Cell("In [6]", () => Tf.Constant(x).ToString(null, null));
Cell("In [7]", () => Tf.Constant(x));
Cell("In [8]", () => Tf.Square(x));
Cell("In [9]", () => Tf.Reshape(x, [5, 5]));
Cell("In [10]", () => Tf.Cast(x, DType.Float32));
Cell("In [11]", () => Tf.Multiply(Tf.Constant(x), Tf.Constant(x)));
Cell("In [12]", () => Tf.Constant(x) + Tf.Constant(x));

Heading("Eager-Based");
Run("In [13]", () => Console.WriteLine($"Hello {Tf.Square(5)}"));
Cell("In [ ]", () => Tf.ExecutingEagerly());
Cell("In [14]", () => Tf.Add(Tf.Constant(new[] { 1, 2, 3, 4 }), 1));
Cell("In [15]", () => Tf.Constant(new[] { 1, 2, 3 }).Pow(2));
Cell("In [16]", () => Tf.Multiply(Tf.Constant(5), Tf.Constant(5)).Item<int>());
Run("In [17]", () =>
{
    var ndarray = new double[3, 3];
    for (int i = 0; i < 3; i++)
    {
        for (int j = 0; j < 3; j++)
        {
            ndarray[i, j] = 1;
        }
    }

    Console.WriteLine(Tf.Constant(ndarray));
    var tensor = Tf.Multiply(ndarray, 5);
    Console.WriteLine(tensor);
    double[,] back = (double[,])tensor.ToArray();
    Console.WriteLine($"back[2, 2] = {back[2, 2]}");
});

Heading("Evaluating Variables");
Cell("In [18]", () => new Variable(1) + 1);
Cell("In [19]", () => new Variable(1).AssignAdd(3));
Cell("In [20]", () => new Variable(1).AssignAdd(1).ReadValue().Item<int>());
Cell("In [21]", () => new MyLayer().Variables.Select(v => v.Item<int>()));
Cell("In [23]", () => Tf.Cast(Tf.Constant(5), DType.Float32).DType);

Heading("Gradient Tape");
SeedTraining.Run();
