using System.Reflection;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Nabla.Tests.Architecture;

/// <summary>
/// ADDING-AN-OP.md: ops reach their kernels through DTypeDispatch (spans of exactly the tensor's size), never by
/// casting <c>Tensor.Buffer</c>: a graph's arena hands an op an output whose buffer may be longer than the tensor,
/// and a second backend will not have CPU arrays at all. This scans the IL of every op (a type deriving from
/// <c>Nabla.Op</c>, with its nested kernel bodies) for reads of <c>Tensor.Buffer</c>.
/// </summary>
public class OpBufferAccessTests
{
    private static readonly Assembly s_nabla = typeof(Tensor).Assembly;

    // Ops whose kernel is the array-to-array conversion (Conversion.Convert switches on both arrays' element types
    // and is told the element count, so a longer arena buffer is safe).
    private static readonly HashSet<string> s_allowed = ["Nabla.CastOp", "Nabla.RandomOp"];

    [Fact]
    public void Ops_NeverReadTensorBuffer_ExceptTheConversionOps()
    {
        using AssemblyDefinition assembly = AssemblyDefinition.ReadAssembly(s_nabla.Location);
        var readers = new HashSet<string>();
        foreach (TypeDefinition type in assembly.MainModule.GetTypes())
        {
            TypeDefinition owner = Outermost(type);
            if (!IsOp(owner))
            {
                continue;
            }

            foreach (MethodDefinition method in type.Methods.Where(m => m.HasBody))
            {
                if (method.Body.Instructions.Any(ReadsBuffer))
                {
                    readers.Add(owner.FullName);
                }
            }
        }

        // The allowed ops do read it, so the scan finds what it looks for.
        Assert.Contains("Nabla.CastOp", readers);
        string[] others = readers.Where(r => !s_allowed.Contains(r)).Order(StringComparer.Ordinal).ToArray();
        Assert.True(others.Length == 0, "Ops reading Tensor.Buffer (use DTypeDispatch, Read/Write or Alias): " + string.Join(", ", others));
    }

    private static bool ReadsBuffer(Instruction instruction)
        => (instruction.OpCode == OpCodes.Call || instruction.OpCode == OpCodes.Callvirt)
            && instruction.Operand is MethodReference target
            && target.DeclaringType.FullName == "Nabla.Tensor"
            && target.Name == "get_Buffer";

    private static bool IsOp(TypeDefinition type)
    {
        for (TypeReference? t = type.BaseType; t is not null; t = t.Resolve()?.BaseType)
        {
            if (t.FullName == "Nabla.Op")
            {
                return true;
            }

            if (t.Scope.Name != type.Module.Name)
            {
                return false;
            }
        }

        return false;
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }
}
