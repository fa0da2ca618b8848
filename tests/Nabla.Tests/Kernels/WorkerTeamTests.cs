using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>Tests of the persistent GEMM worker team, its barrier and the parallel driver built on them.</summary>
[Collection("Gemm parallelism")]
public class WorkerTeamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void TryRun_EveryMemberRunsOncePerPhase_AndPhasesDoNotOverlap(int members)
    {
        var team = new WorkerTeam();
        for (int call = 0; call < 20; call++)
        {
            var job = new PhaseJob(members, phases: 50);
            Assert.True(team.TryRun(job, members));
            Assert.Equal(0, job.Violations);
            Assert.Equal(members * 50, job.Total);
        }
    }

    [Fact]
    public void TryRun_WhileTheTeamIsBusy_ReturnsFalse()
    {
        var team = new WorkerTeam();
        var nested = new NestedJob(team);
        Assert.True(team.TryRun(nested, 2));
        Assert.False(nested.NestedResult);
    }

    // Shapes chosen to cross every block boundary: several KC slices (k > 384), several NB blocks (n > 512),
    // edge tiles in both directions, few rows (column split) and all transpose combinations.
    [Theory]
    [InlineData(260, 190, 450, false, false)]
    [InlineData(257, 1031, 777, false, false)]
    [InlineData(131, 523, 1000, true, false)]
    [InlineData(97, 600, 389, false, true)]
    [InlineData(13, 1500, 401, true, true)]
    [InlineData(25, 700, 300, false, false)]
    public void Multiply_TwoThreads_IdenticalToOneThread(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var random = new Random(42);
        float[] a = GemmTests.RandomFloats(random, m * k);
        float[] b = GemmTests.RandomFloats(random, k * n);
        float[] single = GemmTests.Filled(m * n, float.NaN);
        float[] parallel = GemmTests.Filled(m * n, float.NaN);
        int saved = Gemm.MaxDegreeOfParallelism;
        try
        {
            Gemm.MaxDegreeOfParallelism = 1;
            Gemm.Multiply(a, b, single, m, n, k, transposeA, transposeB);
            Gemm.MaxDegreeOfParallelism = 2;
            Gemm.Multiply(a, b, parallel, m, n, k, transposeA, transposeB);
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }

        Assert.Equal(single, parallel);
        if ((long)m * n * k > 30_000_000)
        {
            return; // the one-thread path is checked against the reference elsewhere; keep the suite fast
        }

        GemmTests.AssertClose(GemmTests.ToDouble(a), GemmTests.ToDouble(b), GemmTests.ToDouble(single), m, n, k, transposeA, transposeB, 1e-5);
    }

    [Fact]
    public void Multiply_ConcurrentCallersOnTwoThreads_AllCorrect()
    {
        const int M = 200, N = 210, K = 300;
        var random = new Random(42);
        float[] a = GemmTests.RandomFloats(random, M * K);
        float[] b = GemmTests.RandomFloats(random, K * N);
        float[] expected = new float[M * N];
        int saved = Gemm.MaxDegreeOfParallelism;
        try
        {
            Gemm.MaxDegreeOfParallelism = 1;
            Gemm.Multiply(a, b, expected, M, N, K, false, false);
            Gemm.MaxDegreeOfParallelism = 2;
            float[][] results = new float[4][];
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            {
                float[] c = new float[M * N];
                for (int repeat = 0; repeat < 5; repeat++)
                {
                    Gemm.Multiply(a, b, c, M, N, K, false, false);
                }

                results[i] = c;
            });
            foreach (float[] result in results)
            {
                Assert.Equal(expected, result);
            }
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }
    }

    private sealed class PhaseJob : TeamJob
    {
        private readonly int[] _counts;
        private readonly int _phases;
        private int _violations;

        public PhaseJob(int members, int phases)
        {
            _counts = new int[members];
            _phases = phases;
        }

        public int Violations => _violations;

        public int Total
        {
            get
            {
                int total = 0;
                foreach (int count in _counts)
                {
                    total += count;
                }

                return total;
            }
        }

        public override void Run(int member, int members, TeamBarrier barrier)
        {
            for (int phase = 0; phase < _phases; phase++)
            {
                Interlocked.Increment(ref _counts[member]);
                barrier.SignalAndWait();

                // After the barrier every member has finished this phase and none has started the next.
                for (int other = 0; other < members; other++)
                {
                    if (Volatile.Read(ref _counts[other]) != phase + 1)
                    {
                        Interlocked.Increment(ref _violations);
                    }
                }

                barrier.SignalAndWait();
            }
        }
    }

    private sealed class NestedJob(WorkerTeam team) : TeamJob
    {
        public bool NestedResult { get; private set; } = true;

        public override void Run(int member, int members, TeamBarrier barrier)
        {
            if (member == 0)
            {
                NestedResult = team.TryRun(new PhaseJob(1, 1), 1);
            }
        }
    }
}
