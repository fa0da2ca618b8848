using System.Runtime.CompilerServices;

// The unit tests reach the bucket packing, the sharding arithmetic and the float16 sum operation directly.
[assembly: InternalsVisibleTo("Nabla.Distributed.Tests")]

// The MPI test scenarios check that the overlapped exchange did send buckets during the backward pass.
[assembly: InternalsVisibleTo("Nabla.Distributed.TestWorker")]

// The all-reduce benchmark times the collective layer on a plain buffer, against Open MPI called from C.
[assembly: InternalsVisibleTo("Nabla.Distributed.Benchmarks")]
