// MPI jobs take both cores: one at a time, so their timings (fault detection within a bound) mean something.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
