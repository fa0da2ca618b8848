using Nabla;
using System.Reflection;
using System.Runtime.CompilerServices;
using Nabla.Sweep;

// The sweep's child process: runs the cases from --from on, one result line per case on standard output
// ("§ id kind case detail"), so the parent (tests/Nabla.Tests/Hardening/SweepTests.cs) knows the case that was
// running when the process crashed or hung, records it, and restarts this program after it.
int from = args.Length >= 2 && args[0] == "--from" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };

// Ops that print (Tf.Print, warnings) must not mix with the protocol.
Console.SetOut(TextWriter.Null);
Console.SetError(TextWriter.Null);

List<SweepCase> cases = SweepCases.All();
if (args.Length == 1 && args[0] == "--types")
{
    // Lists the parameter types the pools know nothing about (they get only null or default), to extend the pools.
    foreach (var group in cases.SelectMany(c => c.Target.GetParameters()).Where(p => ArgumentPools.ForType(p.ParameterType).Count <= 2)
        .GroupBy(p => p.ParameterType.ToString()).OrderBy(g => g.Key, StringComparer.Ordinal))
    {
        output.WriteLine($"{group.Key}\t{group.Count()}");
    }

    return 0;
}

output.WriteLine($"§\tcount\t{cases.Count}");
for (int id = from; id < cases.Count; id++)
{
    SweepCase sweepCase = cases[id];
    (string kind, string detail) = CaseRunner.Run(sweepCase);
    output.WriteLine(kind == "clean" ? $"§\t{id}\tclean" : $"§\t{id}\t{kind}\t{sweepCase.Describe()}\t{detail}");
}

output.WriteLine("§\tdone");
return 0;

/// <summary>Runs one case and classifies it: clean, unclean (an exception outside the promised types), message (a
/// clean exception whose parameter name is not the method's), wrong (a result that breaks a tensor's invariants).</summary>
internal static class CaseRunner
{
    private const string UserException = "thrown by the user's function";

    public static (string Kind, string Detail) Run(SweepCase sweepCase)
    {
        var made = new List<object?>();
        try
        {
            object? receiver = Make(sweepCase.Receiver, made);
            ParameterInfo[] parameters = sweepCase.Target.GetParameters();
            object?[] arguments = new object?[parameters.Length];
            for (int i = 0; i < parameters.Length; i++)
            {
                arguments[i] = Make(sweepCase.Arguments[i], made);
                if (arguments[i] is { } value && !parameters[i].ParameterType.IsInstanceOfType(value))
                {
                    return ("skipped", "the generated value does not fit the parameter's type");
                }
            }

            object? result;
            try
            {
                result = sweepCase.Target is ConstructorInfo constructor
                    ? constructor.Invoke(BindingFlags.DoNotWrapExceptions, null, arguments, null)
                    : sweepCase.Target.Invoke(receiver, BindingFlags.DoNotWrapExceptions, null, arguments, null);
            }
            catch (Exception exception)
            {
                return Classify(exception, sweepCase.Target, arguments);
            }

            made.Add(result);
            string? problem = CheckResult(result, depth: 0);
            return problem is null ? ("clean", string.Empty) : ("wrong", problem);
        }
        catch (Exception exception)
        {
            // Making an argument or checking a result failed: report it, it is the sweep's own problem or a defect.
            return ("unclean", "while preparing or checking: " + Describe(exception));
        }
        finally
        {
            foreach (object? value in made)
            {
                if (value is IDisposable disposable)
                {
                    try
                    {
                        disposable.Dispose();
                    }
                    catch (Exception)
                    {
                        // a disposal's own failure is not this case's subject
                    }
                }
            }
        }
    }

    private static object? Make(Candidate? candidate, List<object?> made)
    {
        object? value = candidate?.Make();
        made.Add(value);
        return value;
    }

    private static (string, string) Classify(Exception exception, MethodBase target, object?[] arguments)
    {
        if (exception.Message.Contains(UserException, StringComparison.Ordinal) || exception.InnerException?.Message.Contains(UserException, StringComparison.Ordinal) == true)
        {
            return ("clean", string.Empty); // the user's own exception came back to the user
        }

        bool promised = exception is ArgumentException or InvalidOperationException or IndexOutOfRangeException;
        if (!promised)
        {
            return ("unclean", Describe(exception));
        }

        if (string.IsNullOrWhiteSpace(exception.Message))
        {
            return ("message", "empty message: " + Describe(exception));
        }

        if (exception is ArgumentException { ParamName: { } name } && !NamesAParameter(target, name))
        {
            return ("message", $"parameter name '{name}' is not one of {SweepCases.Name(target)}'s: " + Describe(exception));
        }

        // A null check must name the argument that was null (Atan2 once named y for a null x).
        if (exception is ArgumentNullException { ParamName: { } nullName } &&
            Array.FindIndex(target.GetParameters(), p => p.Name == nullName) is int position and >= 0 &&
            arguments[position] is { } given && !ContainsNull(given))
        {
            return ("message", $"null check names '{nullName}', which was not null: " + Describe(exception));
        }

        return ("clean", string.Empty);
    }

    // A list with a null element is rightly named by the list's parameter.
    private static bool ContainsNull(object value)
        => value is System.Collections.IEnumerable items and not string && items.Cast<object?>().Any(item => item is null);

    private static bool NamesAParameter(MethodBase target, string name)
        => target.GetParameters().Any(p => p.Name == name) || (target.IsSpecialName && name == "value");

    private static string Describe(Exception exception)
    {
        string frame = exception.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? string.Empty;
        return $"{exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")} [{frame}]";
    }

    // A returned tensor must describe itself consistently: rank within the limit, non-negative dimensions, an element
    // count its shape can hold and that equals its size, and a printable value (the formatter reads every element
    // it shows). A wrapped element count (Zeros of 2^64 elements returning an empty tensor) fails here.
    private static string? CheckResult(object? result, int depth)
    {
        switch (result)
        {
            case Tensor tensor:
                return CheckTensor(tensor);
            case string or null:
                return null;
            case ITuple tuple when depth < 2:
                for (int i = 0; i < tuple.Length; i++)
                {
                    if (CheckResult(tuple[i], depth + 1) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case System.Collections.IEnumerable items and (Array or System.Collections.IList) when depth < 2:
                foreach (object? item in items)
                {
                    if (CheckResult(item, depth + 1) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string? CheckTensor(Tensor tensor)
    {
        Shape shape = tensor.Shape;
        if (shape.Rank > 254 || shape.Any(d => d < 0))
        {
            return $"result has an impossible shape {shape}";
        }

        int size;
        try
        {
            size = shape.Size;
        }
        catch (ArgumentException exception)
        {
            return $"result of shape {shape} cannot exist: {exception.Message}";
        }

        if (size != tensor.Size)
        {
            return $"result of shape {shape} reports {tensor.Size} elements, its shape holds {size}";
        }

        _ = tensor.ToString();
        return null;
    }
}
