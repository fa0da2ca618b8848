using System.Reflection;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Nabla.Tests.Architecture;

/// <summary>
/// ARCHITECTURE.md §3.3/P8: only the execution layer records on the tapes. Every <c>TapeStack.Record*</c> method
/// counts (op calls, variable reads, any added later), so a new recording entry point cannot bypass the rule.
/// </summary>
public class TapeRecordingLayeringTests
{
    private static readonly Assembly s_nabla = typeof(Tensor).Assembly;

    [Fact]
    public void TapeStackRecordMethods_AreCalledOnlyByTheExecutionContext()
    {
        using AssemblyDefinition assembly = AssemblyDefinition.ReadAssembly(s_nabla.Location);
        var callers = new List<string>();
        foreach (TypeDefinition type in assembly.MainModule.GetTypes())
        {
            foreach (MethodDefinition method in type.Methods.Where(m => m.HasBody))
            {
                foreach (Instruction instruction in method.Body.Instructions)
                {
                    if ((instruction.OpCode == OpCodes.Call || instruction.OpCode == OpCodes.Callvirt || instruction.OpCode == OpCodes.Ldftn)
                        && instruction.Operand is MethodReference target
                        && target.DeclaringType.FullName == "Nabla.TapeStack"
                        && target.Name.StartsWith("Record", StringComparison.Ordinal))
                    {
                        callers.Add(Outermost(type).FullName + " -> TapeStack." + target.Name);
                    }
                }
            }
        }

        // Both recording entry points are in use, so the rule is checked on each.
        Assert.Contains(callers, c => c.EndsWith("TapeStack.Record", StringComparison.Ordinal));
        Assert.Contains(callers, c => c.EndsWith("TapeStack.RecordVariableRead", StringComparison.Ordinal));
        string[] outsideExecution = callers.Where(c => !IsExecutionType(assembly, c[..c.IndexOf(' ', StringComparison.Ordinal)])).Distinct().ToArray();
        Assert.True(outsideExecution.Length == 0, "TapeStack.Record called outside Execution: " + string.Join(", ", outsideExecution));
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static bool IsExecutionType(AssemblyDefinition assembly, string fullName)
    {
        // The execution layer is ExecutionContext and its subclasses (Eager today, Tracing later).
        TypeDefinition? type = assembly.MainModule.GetType(fullName);
        for (; type is not null; type = type.BaseType?.Resolve())
        {
            if (type.FullName == "Nabla.ExecutionContext")
            {
                return true;
            }

            if (type.BaseType is null || type.BaseType.Scope.Name != assembly.MainModule.Name)
            {
                break;
            }
        }

        return false;
    }
}
