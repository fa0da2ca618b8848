using Nabla.Backends;
using Nabla.Tests.Ops;
using Nabla.Tests.TestUtils;

namespace Nabla.Tests.Backends;

/// <summary>
/// The backend seam: the CPU kernels registered a second time under another name run the whole strided-input
/// catalog, eagerly and traced, with the same values and every kernel passing through it; a backend that takes one
/// op sees it eagerly, in a plan and with its attributes, and leaves the rest to the CPU.
/// </summary>
[Collection(BackendSwitch.Name)]
public class BackendSeamTests
{
    private static readonly CpuTwin Twin = Registered(new CpuTwin());
    private static readonly ExpOnly OnlyExp = Registered(new ExpOnly());

    public static TheoryData<string> Names() => new(StridedInputTests.Rows.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void CatalogRow_OnTheCpuTwin_EqualsTheCpu(string name)
    {
        StridedInputTests.Row row = StridedInputTests.Rows.Single(r => r.Name == name);
        Tensor[] inputs = GradientCheck.RandomInputs(7, [.. row.Shapes.Select(s => new Shape(s))], row.Low, row.High);
        double[] onCpu = AssertTensor.ToDoubles(row.F(inputs));
        var traced = Tf.Function((Tensor[] x) => row.F(x));
        double[] tracedOnCpu = AssertTensor.ToDoubles(traced.Invoke(inputs));

        using (BackendRegistry.Use(Twin.Name))
        {
            Assert.Same(Twin, BackendRegistry.Active);
            CpuTwin.Calls = 0;
            Assert.Equal(onCpu, AssertTensor.ToDoubles(row.F(inputs)));
            Assert.True(CpuTwin.Calls > 0, $"{name}: no kernel reached the active backend eagerly");
            CpuTwin.Calls = 0;
            Assert.Equal(tracedOnCpu, AssertTensor.ToDoubles(traced.Invoke(inputs)));
            Assert.True(CpuTwin.Calls > 0, $"{name}: no kernel of the plan reached the active backend");
        }

        Assert.Same(BackendRegistry.Cpu, BackendRegistry.Active);
    }

    [Fact]
    public void ABackendTakingOneOp_RunsIt_EagerlyAndInAPlan_AndLeavesTheRestToTheCpu()
    {
        Tensor x = Tf.Constant(new[] { 0f, 1f, 2f });
        using (BackendRegistry.Use(OnlyExp.Name))
        {
            Assert.Equal(new[] { 42f, 42f, 42f }, Tf.Exp(x).ToArray<float>());
            Assert.Equal(new[] { 1f, 2f, 3f }, (x + 1f).ToArray<float>()); // declined: the CPU kernel ran
            var f = Tf.Function((Tensor t) => Tf.MatMul(Tf.Reshape(Tf.Exp(t), [1, 3]), Tf.Ones([3, 1]), transposeA: false));
            Assert.Equal(new[] { 126f }, f.Invoke(x).ToArray<float>());
            Assert.Equal(false, OnlyExp.LastMatMulAttributes!["transpose_a"]);
        }

        Assert.Equal(new[] { 1f, MathF.E, MathF.Exp(2f) }, Tf.Exp(x).ToArray<float>(), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void Selection_AndRegistration_ReportClearErrors()
    {
        var unknown = Assert.Throws<ArgumentException>(() => BackendRegistry.Use("tpu"));
        Assert.Contains("No backend named 'tpu'", unknown.Message);
        Assert.Contains("cpu", unknown.Message);
        var twice = Assert.Throws<ArgumentException>(() => BackendRegistry.Register(new CpuTwin()));
        Assert.Contains("'cpu-twin' is registered already", twice.Message);
        Assert.Equal("cpu", BackendRegistry.Registered[0].Name);

        IDisposable outer = BackendRegistry.Use(Twin.Name);
        using (BackendRegistry.Use("cpu"))
        {
            Assert.Same(BackendRegistry.Cpu, BackendRegistry.Active);
        }

        Assert.Same(Twin, BackendRegistry.Active);
        outer.Dispose();
        outer.Dispose(); // a second Dispose restores nothing more
        Assert.Same(BackendRegistry.Cpu, BackendRegistry.Active);
    }

    [Fact]
    public void KernelInvocationSpans_CheckTheElementType()
    {
        using (BackendRegistry.Use(OnlyExp.Name))
        {
            OnlyExp.WrongTypeError = null;
            OnlyExp.TryWrongType = true;
            try
            {
                Tf.Exp(Tf.Constant(new[] { 1f }));
            }
            finally
            {
                OnlyExp.TryWrongType = false;
            }
        }

        Assert.NotNull(OnlyExp.WrongTypeError);
        Assert.Contains("float32", OnlyExp.WrongTypeError);
    }

    private static T Registered<T>(T backend)
        where T : IBackend
    {
        BackendRegistry.Register(backend);
        return backend;
    }

    private sealed class CpuTwin : IBackend
    {
        // Per thread: tests in other collections may run ops on their own threads meanwhile.
        [ThreadStatic]
        private static int t_calls;

        public static int Calls
        {
            get => t_calls;
            set => t_calls = value;
        }

        public string Name => "cpu-twin";

        public bool TryRun(KernelInvocation invocation)
        {
            t_calls++;
            invocation.RunOnCpu();
            return true;
        }
    }

    // Writes 42 for every float32 Exp (so the test sees it ran), records MatMul's attributes, declines the rest.
    private sealed class ExpOnly : IBackend
    {
        public string Name => "exp-only";

        public IReadOnlyDictionary<string, object>? LastMatMulAttributes { get; private set; }

        public bool TryWrongType { get; set; }

        public string? WrongTypeError { get; set; }

        public bool TryRun(KernelInvocation invocation)
        {
            if (invocation.OpType == "MatMul")
            {
                LastMatMulAttributes = invocation.Attributes;
            }

            if (invocation.OpType != "Exp" || invocation.Output.DType != DType.Float32)
            {
                return false;
            }

            if (TryWrongType)
            {
                try
                {
                    _ = invocation.InputSpan<double>(0).Length;
                }
                catch (InvalidOperationException e)
                {
                    WrongTypeError = e.Message;
                }
            }

            invocation.OutputSpan<float>().Fill(42f);
            return true;
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(float obj) => 0;
    }
}

/// <summary>Switching the process-wide backend runs apart from every other test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BackendSwitch
{
    public const string Name = "Backend switch";
}
