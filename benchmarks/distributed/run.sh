#!/usr/bin/env bash
# Nabla.Distributed's measurements on 2 MPI processes of this machine: the float32 all-reduce from 1 KiB to 64 MiB,
# through the managed layer and through Open MPI's MPI_Allreduce called from C (same runtime, same sizes, same timing
# rule), as a markdown table with the ratio; then the MLP 784-256-10 per epoch on 1 and 2 workers (2 with and without
# the all-reduce overlapped with the backward pass).
#   bash benchmarks/distributed/run.sh [--smoke] [OUT_DIR]
# --smoke: sizes up to 64 KiB, one round and one training epoch, to prove it runs (CI); its times mean nothing.
# Needs Open MPI (openmpi-bin, libopenmpi-dev: mpicc) and a Release build of the solution. Run it alone on the machine
# (under the CPU lock): two processes spin on the two cores.
#
# Rounds: the C program and the managed one run alternately, 5 times each (one process pair at a time), and the table
# gives each time's median over the rounds (allreduce.txt keeps every round), so one descheduled moment does not decide
# a ratio. glibc's malloc: Open MPI allocates a message-sized scratch buffer inside MPI_Allreduce, and above glibc's
# largest mmap threshold (32 MiB) every call gets it from a fresh mmap, whose first touch page-faults; in this VM a
# page fault costs ~11 µs (64 MiB: ~190 ms, 10 times the data's time, and most of the run-to-run spread). Both
# programs, C and managed, run with the threshold raised (MALLOC_MMAP_THRESHOLD_), so the 64 MiB row times MPI's data
# path on both sides alike; without it, both pay the same faults.
set -euo pipefail
cd "$(dirname "$0")/../.."
max=$((64 << 20)); epochs=2; rounds=5
if [[ "${1:-}" == "--smoke" ]]; then max=$((64 << 10)); epochs=1; rounds=1; shift; fi
out=${1:-$(mktemp -d)}
mkdir -p "$out"
app=benchmarks/Nabla.Distributed.Benchmarks/bin/Release/net10.0/Nabla.Distributed.Benchmarks.dll
[[ -f "$app" ]] || dotnet build benchmarks/Nabla.Distributed.Benchmarks -c Release --nologo -v quiet
mpicc -O2 -o "$out/allreduce" benchmarks/distributed/allreduce.c
mpi=(mpirun --allow-run-as-root --oversubscribe --mca btl self,vader -np 2)
malloc=(-x MALLOC_MMAP_THRESHOLD_=$((256 << 20)) -x MALLOC_TRIM_THRESHOLD_=$((1 << 30)))
export TERM=dumb
: > "$out/allreduce.txt"
for round in $(seq "$rounds"); do
  "${mpi[@]}" "${malloc[@]}" "$out/allreduce" "$max" >> "$out/allreduce.txt"
  "${mpi[@]}" "${malloc[@]}" dotnet "$app" allreduce "$max" >> "$out/allreduce.txt"
done

# "variant bytes median min max" over the rounds.
for key in $(awk '{ print $1 "@" $2 }' "$out/allreduce.txt" | sort -u); do
  awk -v v="${key%@*}" -v b="${key#*@}" '$1 == v && $2 == b { print $3 }' "$out/allreduce.txt" | sort -g |
    awk -v v="${key%@*}" -v b="${key#*@}" '{ x[NR] = $1 } END { print v, b, x[int((NR + 1) / 2)], x[1], x[NR] }'
done > "$out/medians.txt"
{
  echo "| bytes | C MPI_Allreduce (µs) | C MPI_Iallreduce+Test (µs) | managed buffer (µs) | managed, no agreement check (µs) | strategy.AllReduce tensor (µs) | managed / C blocking | no check / C blocking | tensor / C blocking | bytes allocated per tensor call | page faults per tensor call | GB/s (managed) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for b in $(awk '{ print $2 }' "$out/medians.txt" | sort -nu); do
    awk -v b="$b" '$2 == b { t[$1] = $3 }
      END { printf "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f | %d | %d | %.2f |\n", b, t["c-blocking"], t["c-nonblocking"],
        t["managed-buffer"], t["managed-buffer-unchecked"], t["strategy-tensor"], t["managed-buffer"] / t["c-blocking"],
        t["managed-buffer-unchecked"] / t["c-blocking"], t["strategy-tensor"] / t["c-blocking"], t["strategy-tensor-allocated"],
        t["strategy-tensor-faults"], b / t["managed-buffer"] / 1000 }' "$out/medians.txt"
  done
  echo
  echo "Spread over the $rounds rounds, fastest-slowest (µs): how far apart rounds of the same program are."
  echo
  echo "| bytes | C MPI_Allreduce | managed buffer | managed, no agreement check | strategy.AllReduce tensor |"
  echo "|---:|---:|---:|---:|---:|"
  for b in $(awk '{ print $2 }' "$out/medians.txt" | sort -nu); do
    awk -v b="$b" '$2 == b { lo[$1] = $4; hi[$1] = $5 }
      END { printf "| %d | %.1f-%.1f | %.1f-%.1f | %.1f-%.1f | %.1f-%.1f |\n", b, lo["c-blocking"], hi["c-blocking"], lo["managed-buffer"],
        hi["managed-buffer"], lo["managed-buffer-unchecked"], hi["managed-buffer-unchecked"], lo["strategy-tensor"], hi["strategy-tensor"] }' "$out/medians.txt"
  done
} | tee "$out/allreduce.md"
dotnet "$app" train-mlp "$epochs" | tee "$out/train.txt"
"${mpi[@]}" dotnet "$app" train-mlp "$epochs" | tee -a "$out/train.txt"
"${mpi[@]}" dotnet "$app" train-mlp "$epochs" --no-overlap | tee -a "$out/train.txt"
