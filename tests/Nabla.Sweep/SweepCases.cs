using System.Reflection;

namespace Nabla.Sweep;

/// <summary>One call of the sweep: a method (or constructor), an optional receiver, and one candidate per parameter.</summary>
internal sealed record SweepCase(int Id, MethodBase Target, Candidate? Receiver, Candidate[] Arguments)
{
    public string Describe() =>
        $"{SweepCases.Name(Target)}({(Receiver is null ? string.Empty : Receiver.Label + "; ")}{string.Join(", ", Arguments.Select(a => a.Label))})";
}

/// <summary>
/// Enumerates the sweep's cases, in an order that depends only on the public surface (the child process restarted
/// after a crash finds the same case at the same number). The public surface is found by reflection: every public
/// method of <see cref="Tf"/> and its nested classes, and the constructors, methods and properties of
/// <see cref="Tensor"/>, <see cref="Variable"/>, <see cref="Shape"/> and <see cref="GradientTape"/>. A new op joins
/// the sweep by being public.
/// </summary>
internal static class SweepCases
{
    /// <summary>At most this many cases per method (one-at-a-time variations, then dtype pairs).</summary>
    private const int MaxCasesPerMethod = 160;

    // Generic methods are closed over these element types (those whose constraints refuse one are skipped).
    private static readonly Type[] s_genericArguments = [typeof(float), typeof(int), typeof(long), typeof(double), typeof(bool), typeof(Half)];

    // Global switches whose hostile values would change how every later case runs (they are not ops).
    private static readonly HashSet<string> s_excluded =
    [
        "Tf.Config.RunFunctionsEagerly", "Tf.Config.set_PrintOutput", "Tf.Config.set_WarningOutput", "Tf.Random.SetSeed",
    ];

    public static List<SweepCase> All()
    {
        var cases = new List<SweepCase>();
        foreach (MethodBase method in Targets())
        {
            foreach ((Candidate? receiver, Candidate[] arguments) in ArgumentSets(method))
            {
                cases.Add(new SweepCase(cases.Count, method, receiver, arguments));
            }
        }

        return cases;
    }

    public static string Name(MethodBase method) => $"{TypeName(method.DeclaringType!)}.{(method is ConstructorInfo ? "new" : method.Name)}";

    private static string TypeName(Type type) => type.DeclaringType is { } outer ? TypeName(outer) + "." + type.Name : type.Name;

    private static IEnumerable<MethodBase> Targets()
    {
        var methods = new List<MethodBase>();
        foreach (Type type in StaticClasses(typeof(Tf)))
        {
            methods.AddRange(type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly));
        }

        foreach (Type type in new[] { typeof(Tensor), typeof(Variable), typeof(Shape), typeof(GradientTape) })
        {
            methods.AddRange(type.GetConstructors());
            methods.AddRange(type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly));
        }

        return methods
            .SelectMany(Close)
            .Where(m => !s_excluded.Contains(Name(m)) && m.GetParameters().All(p => !p.ParameterType.IsByRef && !p.ParameterType.IsPointer && !p.ParameterType.IsByRefLike))
            .OrderBy(Signature, StringComparer.Ordinal);
    }

    private static IEnumerable<Type> StaticClasses(Type type)
    {
        yield return type;
        foreach (Type nested in type.GetNestedTypes(BindingFlags.Public).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (nested.IsAbstract && nested.IsSealed)
            {
                foreach (Type inner in StaticClasses(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static IEnumerable<MethodBase> Close(MethodBase method)
    {
        if (method is not MethodInfo { IsGenericMethodDefinition: true } generic)
        {
            yield return method;
            yield break;
        }

        if (generic.GetGenericArguments().Length != 1)
        {
            yield break;
        }

        foreach (Type argument in s_genericArguments)
        {
            MethodInfo? closed = null;
            try
            {
                closed = generic.MakeGenericMethod(argument);
            }
            catch (ArgumentException)
            {
                // the constraints refuse this element type
            }

            if (closed is not null)
            {
                yield return closed;
            }
        }
    }

    private static string Signature(MethodBase method) =>
        Name(method) + "(" + string.Join(",", method.GetParameters().Select(p => p.ParameterType.ToString())) + ")" +
        (method.IsGenericMethod ? "<" + method.GetGenericArguments()[0].Name + ">" : string.Empty);

    private static IEnumerable<(Candidate? Receiver, Candidate[] Arguments)> ArgumentSets(MethodBase method)
    {
        ParameterInfo[] parameters = method.GetParameters();
        IReadOnlyList<Candidate>[] pools = parameters.Select(ArgumentPools.For).ToArray();
        IReadOnlyList<Candidate?> receivers = method.IsStatic || method is ConstructorInfo ? [null] : Receivers(method.DeclaringType!);
        int count = 0;
        foreach (Candidate? receiver in receivers)
        {
            Candidate[] baseline = pools.Select(p => p[0]).ToArray();
            if (count++ < MaxCasesPerMethod)
            {
                yield return (receiver, baseline);
            }

            // Only the first receiver gets the per-parameter variations: the others test the receiver itself.
            if (!ReferenceEquals(receiver, receivers[0]))
            {
                continue;
            }

            for (int i = 0; i < pools.Length; i++)
            {
                for (int j = 1; j < pools[i].Count && count < MaxCasesPerMethod; j++, count++)
                {
                    Candidate[] arguments = (Candidate[])baseline.Clone();
                    arguments[i] = pools[i][j];
                    yield return (receiver, arguments);
                }
            }

            // Every dtype pair for the first two tensor operands (binary ops, MatMul, Where...).
            int[] tensorSlots = Enumerable.Range(0, parameters.Length).Where(i => parameters[i].ParameterType == typeof(Tensor)).ToArray();
            if (tensorSlots.Length < 2)
            {
                continue;
            }

            foreach (Candidate first in ArgumentPools.TypedTensors)
            {
                foreach (Candidate second in ArgumentPools.TypedTensors)
                {
                    if (first == second || count++ >= MaxCasesPerMethod)
                    {
                        continue;
                    }

                    Candidate[] arguments = (Candidate[])baseline.Clone();
                    arguments[tensorSlots[0]] = first;
                    arguments[tensorSlots[1]] = second;
                    yield return (receiver, arguments);
                }
            }
        }
    }

    private static IReadOnlyList<Candidate?> Receivers(Type type)
    {
        if (type == typeof(Tensor))
        {
            return [.. ArgumentPools.Tensors.Where(c => c.Label != "null")];
        }

        if (type == typeof(Variable))
        {
            return [ArgumentPools.Tensors[^1], new("variable i32", () => new Variable(new[] { int.MinValue, int.MaxValue })), new("variable scalar f64", () => new Variable(double.NaN))];
        }

        if (type == typeof(Shape))
        {
            return [.. ArgumentPools.ForType(typeof(Shape))];
        }

        if (type == typeof(GradientTape))
        {
            return
            [
                new("tape", () => new GradientTape()),
                new("persistent tape", () => new GradientTape(persistent: true)),
                new("disposed tape", () =>
                {
                    var tape = new GradientTape();
                    tape.Dispose();
                    return tape;
                }),
            ];
        }

        return [null];
    }
}
