using System.Reflection;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Nabla.Tests.Architecture;

/// <summary>ARCHITECTURE.md §3.3/P8: only the execution layer records op calls on the tapes.</summary>
public class TapeRecordingLayeringTests
{
    private static readonly Assembly s_nabla = typeof(Tensor).Assembly;

    [Fact]
    public void TapeStackRecord_IsCalledOnlyByTheExecutionContext()
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
                        && target.Name == "Record")
                    {
                        callers.Add(Outermost(type).FullName);
                    }
                }
            }
        }

        Assert.NotEmpty(callers);
        string[] outsideExecution = callers.Where(c => !IsExecutionType(assembly, c)).Distinct().ToArray();
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
