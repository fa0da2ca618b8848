#!/usr/bin/env bash
# Runs the full benchmark suite (issue 5) and records the results in benchmarks/results/:
# BenchmarkDotNet's *-report-github.md (and the *-report-brief.json the summary is made from), the
# peak-memory result of case h, run-info.txt (when, which commit, the machine's load), and SUMMARY.md.
#
# Run it on a quiet machine: every other process steals time from the measurement. It takes roughly
# 30-60 minutes (BenchmarkDotNet's default job, one process per case, 1 and 2 threads).
#
#   benchmarks/run-all.sh                         # everything
#   benchmarks/run-all.sh --filter '*MatMul*'     # a subset (the other results already there are kept)
#   benchmarks/run-all.sh --job short             # any other BenchmarkDotNet argument is passed on
set -euo pipefail
cd "$(dirname "$0")/.."

results=${RESULTS_DIR:-benchmarks/results}
artifacts=benchmarks/BenchmarkDotNet.Artifacts
app=benchmarks/Nabla.Benchmarks/bin/Release/net10.0/Nabla.Benchmarks.dll

args=("$@")
user_filter=0
for a in "$@"; do
  if [[ "$a" == --filter ]]; then user_filter=1; fi
done
if [[ $user_filter -eq 0 ]]; then
  args+=(--filter '*')
fi

echo "== build"
dotnet build benchmarks/Nabla.Benchmarks -c Release --nologo -v quiet

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== correctness (both libraries must agree before their speed is compared)"
dotnet "$app" --check

echo "== BenchmarkDotNet"
rm -rf "$artifacts"
# Out of process (BenchmarkDotNet builds a child project once; on a busy machine that copy of libtorch
# can take minutes, hence the long build timeout).
dotnet "$app" "${args[@]}" --buildTimeout 1800 --artifacts "$artifacts"

mkdir -p "$results"
cp "$artifacts"/results/*-report-github.md "$artifacts"/results/*-report-brief.json "$results"/

# Case h runs with the full suite, or alone with PEAK_MEMORY=1 beside a filter.
if [[ $user_filter -eq 0 || "${PEAK_MEMORY:-0}" == 1 ]]; then
  echo "== h. peak memory"
  dotnet "$app" --peak-memory --out "$results/peak-memory.json" | tee "$results/peak-memory.txt"
fi

# The MatMul diagnostic (both libraries timed alternately in one process) runs with the full suite, or
# alone with PAIRED_MATMUL=1 beside a filter.
if [[ $user_filter -eq 0 || "${PAIRED_MATMUL:-0}" == 1 ]]; then
  echo "== d. MatMul, paired (diagnostic)"
  dotnet "$app" --paired-matmul --out "$results/paired-matmul.md"
fi

{
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src benchmarks ':!benchmarks/results' || echo ' (with uncommitted changes)')"
  echo "Kernel: $(uname -sr); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) logical cores"
  echo "Load average before the run: ${load_before}; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "BenchmarkDotNet arguments: ${args[*]}"
} > "$results/run-info.txt"

echo "== summary"
dotnet "$app" --summarize "$results"
