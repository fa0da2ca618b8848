using System.Reflection;
using NetArchTest.Rules;

namespace Nabla.Tests.Architecture;

/// <summary>ARCHITECTURE.md §3.3/P7: kernels see spans only, never tensors, tapes or <c>Tf</c>.</summary>
public class KernelLayeringTests
{
    private static readonly Assembly s_nabla = typeof(Tensor).Assembly;

    public static TheoryData<string> ForbiddenForKernels => new()
    {
        "Nabla.Tensor",
        "Nabla.Variable",
        "Nabla.GradientTape",
        "Nabla.Tf",
    };

    [Theory]
    [MemberData(nameof(ForbiddenForKernels))]
    public void Kernels_DoNotDependOn_TensorTapeOrTf(string forbidden)
    {
        TestResult result = Types.InAssembly(s_nabla)
            .That().ResideInNamespace("Nabla.Kernels")
            .ShouldNot().HaveDependencyOn(forbidden)
            .GetResult();

        Assert.True(result.IsSuccessful,
            $"Nabla.Kernels types depend on {forbidden}: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Kernels_RuleIsNotVacuous_KernelTypesExistAndOpsDoDependOnTensor()
    {
        Assert.NotEmpty(Types.InAssembly(s_nabla).That().ResideInNamespace("Nabla.Kernels").GetTypes());
        // The same rule applied to the op layer must fail, or the check above could pass for a wrong reason.
        TestResult ops = Types.InAssembly(s_nabla)
            .That().ResideInNamespace("Nabla").And().HaveNameEndingWith("Op")
            .ShouldNot().HaveDependencyOn("Nabla.Tensor")
            .GetResult();
        Assert.False(ops.IsSuccessful);
    }
}
