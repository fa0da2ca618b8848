using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using Nabla.Keras;

namespace Nabla.Tests.Architecture;

/// <summary>
/// ARCHITECTURE.md P11: Nabla.Keras is built on Nabla's public API only. The compiler enforces it as long as
/// Nabla grants Keras no <c>InternalsVisibleTo</c>; this checks that and reads Keras's IL metadata to confirm that
/// every type and member it references in Nabla is public (or protected).
/// </summary>
public class KerasPublicApiTests
{
    private static readonly Assembly s_nabla = typeof(Tensor).Assembly;
    private static readonly Assembly s_keras = typeof(Layer).Assembly;

    [Fact]
    public void Nabla_HasNoInternalsVisibleToKeras()
    {
        string[] friends = s_nabla.GetCustomAttributes<InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName.Split(',')[0].Trim())
            .ToArray();
        Assert.DoesNotContain("Nabla.Keras", friends);

        string csproj = File.ReadAllText(Path.Combine(RepoRoot.Find(), "src", "Nabla", "Nabla.csproj"));
        Assert.DoesNotContain("\"Nabla.Keras\"", csproj, StringComparison.Ordinal);
    }

    [Fact]
    public void Keras_ReferencesOnlyPublicNablaTypesAndMembers()
    {
        using var stream = File.OpenRead(s_keras.Location);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var violations = new List<string>();
        int checkedTypes = 0;

        foreach (TypeReferenceHandle handle in md.TypeReferences)
        {
            if (ResolveNablaType(md, handle) is not { } name)
            {
                continue;
            }

            checkedTypes++;
            Type? type = s_nabla.GetType(name);
            if (type is null || !type.IsVisible)
            {
                violations.Add($"type {name}");
            }
        }

        foreach (MemberReferenceHandle handle in md.MemberReferences)
        {
            MemberReference member = md.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference
                || ResolveNablaType(md, (TypeReferenceHandle)member.Parent) is not { } typeName
                || s_nabla.GetType(typeName) is not { } type)
            {
                continue;
            }

            string memberName = md.GetString(member.Name);
            if (!HasAccessibleMember(type, memberName))
            {
                violations.Add($"member {typeName}.{memberName}");
            }
        }

        Assert.True(checkedTypes > 5, $"Only {checkedTypes} Nabla type references found in Nabla.Keras: is the scan broken?");
        Assert.True(violations.Count == 0, "Nabla.Keras uses Nabla internals: " + string.Join("; ", violations));
    }

    private static bool HasAccessibleMember(Type type, string name)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        for (Type? t = type; t is not null; t = t.BaseType)
        {
            foreach (MemberInfo member in t.GetMember(name, All | BindingFlags.DeclaredOnly))
            {
                if (IsAccessibleFromOutside(member))
                {
                    return true;
                }
            }

            if (name == ".ctor")
            {
                return t.GetConstructors(All).Any(c => c.IsPublic || c.IsFamily || c.IsFamilyOrAssembly);
            }
        }

        return false;
    }

    private static bool IsAccessibleFromOutside(MemberInfo member) => member switch
    {
        MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        _ => false,
    };

    /// <summary>The full reflection name (nested types with '+') of a type reference into Nabla, else null.</summary>
    private static string? ResolveNablaType(MetadataReader md, TypeReferenceHandle handle)
    {
        TypeReference reference = md.GetTypeReference(handle);
        string name = md.GetString(reference.Name);
        string ns = md.GetString(reference.Namespace);
        EntityHandle scope = reference.ResolutionScope;
        if (scope.Kind == HandleKind.TypeReference)
        {
            return ResolveNablaType(md, (TypeReferenceHandle)scope) is { } outer ? outer + "+" + name : null;
        }

        if (scope.Kind != HandleKind.AssemblyReference)
        {
            return null;
        }

        string assembly = md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)scope).Name);
        return assembly == "Nabla" ? (ns.Length == 0 ? name : ns + "." + name) : null;
    }
}
