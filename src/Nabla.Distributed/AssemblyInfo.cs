using System.Runtime.CompilerServices;

// The unit tests reach the bucket packing, the sharding arithmetic and the float16 sum operation directly.
[assembly: InternalsVisibleTo("Nabla.Distributed.Tests")]
