#!/usr/bin/env bash
# Nabla.Distributed's measurements on 2 MPI processes of this machine: the float32 all-reduce from 1 KiB to 64 MiB,
# through the managed layer and through Open MPI's MPI_Allreduce called from C (same runtime, same sizes, same timing
# rule), as a markdown table with the ratio; then the MLP 784-256-10 per epoch on 1 and 2 workers (2 with and without
# the all-reduce overlapped with the backward pass).
#   bash benchmarks/distributed/run.sh [--smoke] [OUT_DIR]
# --smoke: sizes up to 64 KiB and one training epoch, to prove it runs (CI); its times mean nothing.
# Needs Open MPI (openmpi-bin, libopenmpi-dev: mpicc) and a Release build of the solution.
set -euo pipefail
cd "$(dirname "$0")/../.."
max=$((64 << 20)); epochs=2
if [[ "${1:-}" == "--smoke" ]]; then max=$((64 << 10)); epochs=1; shift; fi
out=${1:-$(mktemp -d)}
mkdir -p "$out"
app=benchmarks/Nabla.Distributed.Benchmarks/bin/Release/net10.0/Nabla.Distributed.Benchmarks.dll
[[ -f "$app" ]] || dotnet build benchmarks/Nabla.Distributed.Benchmarks -c Release --nologo -v quiet
mpicc -O2 -o "$out/allreduce" benchmarks/distributed/allreduce.c
mpi=(mpirun --allow-run-as-root --oversubscribe --mca btl self,vader -np 2)
export TERM=dumb
"${mpi[@]}" "$out/allreduce" "$max" > "$out/c.txt"
"${mpi[@]}" dotnet "$app" allreduce "$max" > "$out/managed.txt"
cat "$out/c.txt" "$out/managed.txt" > "$out/allreduce.txt"
{
  echo "| bytes | C MPI_Allreduce (µs) | C MPI_Iallreduce+Test (µs) | managed buffer (µs) | managed, no agreement check (µs) | strategy.AllReduce tensor (µs) | managed / C blocking | tensor / C blocking | bytes allocated per tensor call | GB/s (managed) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for b in $(awk '{ print $2 }' "$out/allreduce.txt" | sort -nu); do
    awk -v b="$b" '$2 == b { t[$1] = $3 }
      END { printf "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %d | %.2f |\n", b, t["c-blocking"], t["c-nonblocking"],
        t["managed-buffer"], t["managed-buffer-unchecked"], t["strategy-tensor"], t["managed-buffer"] / t["c-blocking"],
        t["strategy-tensor"] / t["c-blocking"], t["strategy-tensor-allocated"], b / t["managed-buffer"] / 1000 }' "$out/allreduce.txt"
  done
} | tee "$out/allreduce.md"
dotnet "$app" train-mlp "$epochs" | tee "$out/train.txt"
"${mpi[@]}" dotnet "$app" train-mlp "$epochs" | tee -a "$out/train.txt"
"${mpi[@]}" dotnet "$app" train-mlp "$epochs" --no-overlap | tee -a "$out/train.txt"
