#!/usr/bin/env bash
# Nabla.Distributed's measurements on 2 MPI processes of this machine: the float32 all-reduce through the managed
# layer against Open MPI's MPI_Allreduce called from C (same runtime, same sizes, same timing rule), then the MLP
# 784-256-10 per epoch on 1 and 2 workers (2 with and without the all-reduce overlapped with the backward pass).
#   bash benchmarks/distributed/run.sh [--smoke] [OUT_DIR]
# --smoke: small sizes, few rounds and one training epoch, to prove it runs (CI); its times mean nothing.
# Needs Open MPI (openmpi-bin, libopenmpi-dev: mpicc) and a Release build of the solution. Run it alone on the machine
# (under the CPU lock): two processes spin on the two cores.
#
# Three measurements, because on this 2-vCPU VM rounds of the *same* C program differ by up to 2x (bimodal, not a
# few outliers), so one number per program cannot settle a 5 % question:
# 1. The sweep (allreduce.md), 1 KiB to 64 MiB: C and managed programs alternate, $rounds rounds, ~1 GiB per size;
#    medians and spreads. It has every variant: C in place, non-blocking and into another buffer; managed with and
#    without the agreement check and strategy.AllReduce on a tensor; and each managed call split into the time inside
#    the MPI call that moves the data and the rest (the layer's own work), per worker, with allocations, page faults
#    and gen-2 collections per tensor call.
# 2. Paired cross-process rounds (paired.md), 1 to 64 MiB, the issue's comparison: $paired rounds, each one C run
#    and one managed run (alternately first), ~256 MiB per size. Round i of the managed program is divided by round i
#    of C, and the paired ratios' median comes with a distribution-free 95 % interval: the 5 % goal is met when the
#    whole interval is at or below 1.05, missed when all of it is above, undecided otherwise.
# 3. Interleaved in one process pair (interleaved.md): allreduce.c built as a library, its loop called by the managed
#    benchmark on its own buffer, alternating with the managed layer's calls (with and without the agreement check)
#    in blocks of ~32 MiB, $blocks rounds per size, the order rotated each round: the same paired ratios, milliseconds
#    apart in the same processes, and the managed calls split into time inside MPI and the layer's own.
# glibc's malloc: Open MPI allocates a message-sized scratch buffer inside MPI_Allreduce, and above glibc's largest
# mmap threshold (32 MiB) every call gets it from a fresh mmap, whose first touch page-faults; in this VM a page fault
# costs ~11 µs (64 MiB: ~190 ms, 10 times the data's time, and most of the run-to-run spread). Every program here, C
# and managed, runs with the threshold raised (MALLOC_MMAP_THRESHOLD_), so the 64 MiB rows time MPI's data path on
# both sides alike; without it, both pay the same faults.
set -euo pipefail
cd "$(dirname "$0")/../.."
max=$((64 << 20)); goal_min=$((1 << 20)); epochs=2; rounds=3; paired=20; blocks=40
if [[ "${1:-}" == "--smoke" ]]; then
  max=$((64 << 10)); goal_min=$((16 << 10)); epochs=1; rounds=1; paired=2; blocks=4; shift
fi
out=${1:-$(mktemp -d)}
mkdir -p "$out"
app=benchmarks/Nabla.Distributed.Benchmarks/bin/Release/net10.0/Nabla.Distributed.Benchmarks.dll
[[ -f "$app" ]] || dotnet build benchmarks/Nabla.Distributed.Benchmarks -c Release --nologo -v quiet
mpicc -O2 -o "$out/allreduce" benchmarks/distributed/allreduce.c
mpicc -O2 -shared -fPIC -DALLREDUCE_LIBRARY -o "$out/liballreduce.so" benchmarks/distributed/allreduce.c
mpi=(mpirun --allow-run-as-root --oversubscribe --mca btl self,vader -np 2
  -x MALLOC_MMAP_THRESHOLD_=$((256 << 20)) -x MALLOC_TRIM_THRESHOLD_=$((1 << 30)))
export TERM=dumb

# 1. The sweep.
: > "$out/allreduce.txt"
for round in $(seq "$rounds"); do
  "${mpi[@]}" "$out/allreduce" "$max" >> "$out/allreduce.txt"
  "${mpi[@]}" dotnet "$app" allreduce "$max" >> "$out/allreduce.txt"
done

# "variant bytes median min max" over the rounds.
for key in $(awk '{ print $1 "@" $2 }' "$out/allreduce.txt" | sort -u); do
  awk -v v="${key%@*}" -v b="${key#*@}" '$1 == v && $2 == b { print $3 }' "$out/allreduce.txt" | sort -g |
    awk -v v="${key%@*}" -v b="${key#*@}" '{ x[NR] = $1 } END { print v, b, x[int((NR + 1) / 2)], x[1], x[NR] }'
done > "$out/medians.txt"
sizes=$(awk '{ print $2 }' "$out/medians.txt" | sort -nu)
{
  echo "Medians over $rounds rounds, µs per call (ratios of medians; see paired.md and interleaved.md for the 5 % question)."
  echo
  echo "| bytes | C MPI_Allreduce | C MPI_Iallreduce+Test | C MPI_Allreduce into another buffer | managed buffer | managed, no agreement check | strategy.AllReduce tensor | managed / C | no check / C | tensor / C | GB/s (managed) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for b in $sizes; do
    awk -v b="$b" '$2 == b { t[$1] = $3 }
      END { printf "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f | %.2f |\n", b, t["c-blocking"], t["c-nonblocking"],
        t["c-distinct"], t["managed-buffer"], t["managed-buffer-unchecked"], t["strategy-tensor"], t["managed-buffer"] / t["c-blocking"],
        t["managed-buffer-unchecked"] / t["c-blocking"], t["strategy-tensor"] / t["c-blocking"], b / t["managed-buffer"] / 1000 }' "$out/medians.txt"
  done
  echo
  echo "Spread over the $rounds rounds, fastest-slowest (µs): how far apart rounds of the same program are."
  echo
  echo "| bytes | C MPI_Allreduce | managed buffer | managed, no agreement check | strategy.AllReduce tensor |"
  echo "|---:|---:|---:|---:|---:|"
  for b in $sizes; do
    awk -v b="$b" '$2 == b { lo[$1] = $4; hi[$1] = $5 }
      END { printf "| %d | %.1f-%.1f | %.1f-%.1f | %.1f-%.1f | %.1f-%.1f |\n", b, lo["c-blocking"], hi["c-blocking"], lo["managed-buffer"],
        hi["managed-buffer"], lo["managed-buffer-unchecked"], hi["managed-buffer-unchecked"], lo["strategy-tensor"], hi["strategy-tensor"] }' "$out/medians.txt"
  done
  echo
  echo "Inside the managed calls (medians over the rounds): µs per call outside the MPI call that moves the data, on"
  echo "worker 0 / worker 1, the values' reset (C does it too) left out: the layer's own work (checks, watchdog, pinning; for a"
  echo "tensor also its copy and its new tensor), and per tensor call the bytes allocated, page faults and gen-2 collections per"
  echo "1,000 calls; beside them a new tensor made alone (Tensor.Create with a copy of the input, no MPI)."
  echo
  echo "| bytes | managed buffer: outside MPI | no check: outside MPI | tensor: inside MPI | tensor: outside MPI | tensor: bytes allocated | tensor: page faults | tensor: gen-2 per 1,000 | a new tensor alone (copy, no MPI) | its page faults |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for b in $sizes; do
    awk -v b="$b" '$2 == b { t[$1] = $3 }
      END { m = "managed-buffer"; u = "managed-buffer-unchecked"; s = "strategy-tensor"
        printf "| %d | %.1f / %.1f | %.1f / %.1f | %.1f | %.1f / %.1f | %d | %d | %.1f | %.1f | %d |\n", b,
          t[m "-outside-mpi-rank0"], t[m "-outside-mpi-rank1"], t[u "-outside-mpi-rank0"], t[u "-outside-mpi-rank1"],
          t[s "-inside-mpi-rank0"], t[s "-outside-mpi-rank0"], t[s "-outside-mpi-rank1"], t[s "-allocated"], t[s "-faults"],
          t[s "-gen2-per-1000"], t["new-tensor"], t["new-tensor-faults"] }' "$out/medians.txt"
  done
} | tee "$out/allreduce.md"

# 2. Paired cross-process rounds, C first in odd rounds and managed first in even ones.
: > "$out/paired.txt"
c_round() { "${mpi[@]}" "$out/allreduce" "$max" "$goal_min" $((256 << 20)) b | awk -v r="$1" '{ print r, $0 }' >> "$out/paired.txt"; }
managed_round() {
  "${mpi[@]}" dotnet "$app" allreduce "$max" "$goal_min" $((256 << 20)) managed-buffer,managed-buffer-unchecked |
    awk -v r="$1" '$1 == "managed-buffer" || $1 == "managed-buffer-unchecked" { print r, $0 }' >> "$out/paired.txt"
}
for round in $(seq "$paired"); do
  if ((round % 2)); then c_round "$round"; managed_round "$round"; else managed_round "$round"; c_round "$round"; fi
done
{ echo; echo "Paired cross-process rounds ($paired), managed round i / C round i:"; echo; dotnet "$app" paired-stats "$out/paired.txt"; } |
  tee "$out/paired.md"

# 3. Interleaved in one process pair.
{ echo; "${mpi[@]}" dotnet "$app" interleaved "$out/liballreduce.so" "$goal_min" "$max" "$blocks"; } | tee "$out/interleaved.md"

echo
dotnet "$app" train-mlp "$epochs" | tee "$out/train.txt"
"${mpi[@]}" dotnet "$app" train-mlp "$epochs" | tee -a "$out/train.txt"
"${mpi[@]}" dotnet "$app" train-mlp "$epochs" --no-overlap | tee -a "$out/train.txt"
