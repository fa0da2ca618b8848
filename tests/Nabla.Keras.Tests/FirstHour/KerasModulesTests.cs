using System.Reflection;
using Nabla.Keras;

namespace FirstHour;

/// <summary>
/// One <c>using Nabla.Keras;</c> reaches Keras's modules: <c>Keras.Losses.MeanSquaredError()</c> and
/// <c>Keras.Metrics.MeanSquaredError()</c> side by side, as <c>keras.losses</c> and <c>keras.metrics</c> keep them apart.
/// </summary>
public class KerasModulesTests
{
    [Fact]
    public void LossesAndMetrics_SameNameInTwoModules_AreTheRightTypes()
    {
        var loss = Keras.Losses.MeanSquaredError();
        var metric = Keras.Metrics.MeanSquaredError();
        Assert.IsType<Nabla.Keras.Losses.MeanSquaredError>(loss);
        Assert.IsType<Nabla.Keras.Metrics.MeanSquaredError>(metric);
        Assert.Equal("mean_squared_error", loss.Name);
        Assert.Equal("mean_squared_error", metric.Name);
        Assert.IsType<Nabla.Keras.Optimizers.Adam>(Keras.Optimizers.Get("adam"));
        Assert.IsType<Nabla.Keras.Initializers.HeNormal>(Keras.Initializers.Get("he_normal"));
        Assert.IsType<Nabla.Keras.Callbacks.EarlyStopping>(Keras.Callbacks.EarlyStopping(patience: 2));
    }

    public static TheoryData<Type, string> Modules => new()
    {
        { typeof(Nabla.Keras.Losses.Loss), "Losses" },
        { typeof(Nabla.Keras.Metrics.Metric), "Metrics" },
        { typeof(Nabla.Keras.Optimizers.Optimizer), "Optimizers" },
        { typeof(Nabla.Keras.Callbacks.Callback), "Callbacks" },
        { typeof(Nabla.Keras.Initializers.Initializer), "Initializers" },
        { typeof(Nabla.Keras.Regularizers.Regularizer), "Regularizers" },
    };

    // Every public class of the namespace that a user constructs has a module function of its name taking the
    // constructor's parameters (names, types, defaults) and returning that class: a new loss or metric fails here
    // until its Keras.Xxx function is added.
    [Theory]
    [MemberData(nameof(Modules))]
    public void EveryConstructibleType_HasAModuleFunctionWithTheSameParameters(Type baseType, string module)
    {
        Type moduleType = typeof(Keras).GetNestedType(module)!;
        Assert.NotNull(moduleType);
        Type[] types = [.. typeof(Keras).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == baseType.Namespace && t.IsSubclassOf(baseType) && !t.IsAbstract && !t.IsNested && t.GetConstructors().Length > 0)];
        Assert.NotEmpty(types);
        var problems = new List<string>();
        foreach (Type type in types)
        {
            MethodInfo[] functions = moduleType.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == type.Name).ToArray();
            foreach (ConstructorInfo constructor in type.GetConstructors())
            {
                string wanted = Signature(constructor.GetParameters());
                if (!functions.Any(f => f.ReturnType == type && Signature(f.GetParameters()) == wanted))
                {
                    problems.Add($"Keras.{module}.{type.Name}({wanted}) returning {type.Name}");
                }
            }
        }

        Assert.True(problems.Count == 0, "Missing module functions:\n" + string.Join("\n", problems));
    }

    private static string Signature(ParameterInfo[] parameters) => string.Join(", ", parameters.Select(p =>
        $"{p.ParameterType.Name} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));
}
