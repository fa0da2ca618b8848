/* Open MPI's own MPI_Allreduce, called from C: the baseline for Nabla.Distributed's managed layer.
 * Same sizes, repetitions and timing rule as Nabla.Distributed.Benchmarks' "allreduce" mode:
 * float32 sums in place, a barrier before each size, 3 untimed calls, then the mean over the timed calls.
 * Prints "c-blocking <bytes> <microseconds>" and "c-nonblocking <bytes> <microseconds>" (MPI_Iallreduce + MPI_Test
 * polling, the call pattern of the managed layer) on rank 0. Usage: allreduce [max_bytes] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int repetitions(long bytes) {
  long r = (1L << 30) / bytes; /* about 1 GiB moved per size, at least 20 calls */
  return (int)(r < 20 ? 20 : r > 4000 ? 4000 : r);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  long max_bytes = argc > 1 ? atol(argv[1]) : 64L << 20;
  float *data = malloc(max_bytes);
  for (long i = 0; i < max_bytes / 4; i++) data[i] = (float)(i % 7) * 0.25f;
  for (int nonblocking = 0; nonblocking < 2; nonblocking++) {
    for (long bytes = 1024; bytes <= max_bytes; bytes *= 4) {
      int count = (int)(bytes / 4), reps = repetitions(bytes);
      MPI_Barrier(MPI_COMM_WORLD);
      double start = 0;
      for (int i = -3; i < reps; i++) {
        if (i == 0) start = MPI_Wtime();
        if (nonblocking) {
          MPI_Request request;
          int done = 0;
          MPI_Iallreduce(MPI_IN_PLACE, data, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request);
          while (!done) MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        } else {
          MPI_Allreduce(MPI_IN_PLACE, data, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        }
        /* Keep the values bounded: the sum doubles them on two ranks. */
        if (i % 16 == 0) for (int k = 0; k < count; k += 1024) data[k] = 1.0f;
      }
      double us = (MPI_Wtime() - start) / reps * 1e6;
      if (rank == 0) printf("%s %ld %.2f\n", nonblocking ? "c-nonblocking" : "c-blocking", bytes, us);
    }
  }
  free(data);
  MPI_Finalize();
  return 0;
}
