using System.Runtime.CompilerServices;

// The unit tests reach the bucket packing, the sharding arithmetic and the float16 sum operation directly.
[assembly: InternalsVisibleTo("Nabla.Distributed.Tests")]

// The all-reduce benchmark times the collective layer on a plain buffer, against Open MPI called from C.
[assembly: InternalsVisibleTo("Nabla.Distributed.Benchmarks")]
