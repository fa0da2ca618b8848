/* Open MPI's own MPI_Allreduce, called from C: the baseline for Nabla.Distributed's managed layer.
 * Same sizes, repetitions and timing rule as Nabla.Distributed.Benchmarks' "allreduce" mode:
 * float32 sums, a barrier before each size, 3 untimed calls, then the mean over the timed calls.
 * Prints "<variant> <bytes> <microseconds>" on rank 0, for the variants asked (default "bnd"):
 *   b  c-blocking     MPI_Allreduce in place (the baseline of the 5 % goal)
 *   n  c-nonblocking  MPI_Iallreduce + MPI_Test polling, in place (the managed layer's call pattern below 1 MiB)
 *   d  c-distinct     MPI_Allreduce from one buffer into another (both touched before): what an all-reduce into a
 *                     new tensor's storage could at best cost, against an in-place one.
 * Usage: allreduce [max_bytes [min_bytes [bytes_per_size [variants]]]]; bytes_per_size (default 1 GiB) sets the
 * number of timed calls per size (at least 8, at most 4000).
 * Built with -DALLREDUCE_LIBRARY as a shared library, it is the C loop that the managed benchmark's "interleaved"
 * mode calls (nabla_c_allreduce) in its own process, on its own buffer, between blocks of managed calls. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

/* Runs `calls` float32 sum all-reduces of `count` elements (in place when send == recv) and returns their seconds. */
double nabla_c_allreduce(float *send, float *recv, int count, int calls, int nonblocking) {
  const void *from = send == recv ? MPI_IN_PLACE : (const void *)send;
  double start = MPI_Wtime();
  for (int i = 0; i < calls; i++) {
    if (nonblocking) {
      MPI_Request request;
      int done = 0;
      MPI_Iallreduce(from, recv, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request);
      while (!done) MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    } else {
      MPI_Allreduce(from, recv, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    }
    /* Keep the values bounded: an in-place sum doubles them on two ranks. */
    if (i % 16 == 0 && send == recv) for (int k = 0; k < count; k += 1024) recv[k] = 1.0f;
  }
  return MPI_Wtime() - start;
}

#ifndef ALLREDUCE_LIBRARY
static int repetitions(long bytes, long bytes_per_size) {
  long r = bytes_per_size / bytes;
  return (int)(r < 8 ? 8 : r > 4000 ? 4000 : r);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  long max_bytes = argc > 1 ? atol(argv[1]) : 64L << 20;
  long min_bytes = argc > 2 ? atol(argv[2]) : 1024;
  long bytes_per_size = argc > 3 ? atol(argv[3]) : 1L << 30;
  const char *variants = argc > 4 ? argv[4] : "bnd";
  float *data = malloc(max_bytes), *other = malloc(max_bytes);
  for (long i = 0; i < max_bytes / 4; i++) data[i] = other[i] = (float)(i % 7) * 0.25f;
  for (const char *v = variants; *v; v++) {
    int distinct = *v == 'd', nonblocking = *v == 'n';
    const char *name = distinct ? "c-distinct" : nonblocking ? "c-nonblocking" : "c-blocking";
    for (long bytes = min_bytes; bytes <= max_bytes; bytes *= 4) {
      int count = (int)(bytes / 4), calls = repetitions(bytes, bytes_per_size);
      MPI_Barrier(MPI_COMM_WORLD);
      nabla_c_allreduce(data, distinct ? other : data, count, 3, nonblocking);
      double seconds = nabla_c_allreduce(data, distinct ? other : data, count, calls, nonblocking);
      if (rank == 0) printf("%s %ld %.2f\n", name, bytes, seconds / calls * 1e6);
    }
  }
  free(data);
  free(other);
  MPI_Finalize();
  return 0;
}
#endif
