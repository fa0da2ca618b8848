#!/usr/bin/env bash
# CI smoke run of the benchmark suite: proves it builds, that TorchSharp loads (the Debian 12 patch of its
# native shim is applied in-process, see Infrastructure/TorchSharpNative.cs), that both libraries agree,
# and that every case runs once (BenchmarkDotNet's dry job, in-process). Timings from it mean nothing.
# Expects a Release build of the solution (.ci/run builds it first). Artifacts go to $1 (default: a temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."

app=benchmarks/Nabla.Benchmarks/bin/Release/net10.0/Nabla.Benchmarks.dll
artifacts=${1:-$(mktemp -d)}
mkdir -p "$artifacts"
if [[ ! -f "$app" ]]; then
  dotnet build benchmarks/Nabla.Benchmarks -c Release --nologo -v quiet
fi

start=$SECONDS
dotnet "$app" --check
dotnet "$app" --filter '*' --job dry --inProcess --artifacts "$artifacts" > "$artifacts/dry-run.log" 2>&1 || {
  tail -n 60 "$artifacts/dry-run.log"
  echo "The benchmark dry run failed (log: $artifacts/dry-run.log)." >&2
  exit 1
}
grep -E '^\| (Method|[A-Za-z0-9]+_(Nabla|Torch)|Triad|Fma)' "$artifacts/dry-run.log" | cut -c1-120 || true
dotnet "$app" --peak-memory --steps 5
dotnet "$app" --paired-matmul --sizes 64 --threads 1,2 --rounds 2
echo "Benchmark smoke run passed in $((SECONDS - start)) s (dry job: every case once; the timings are not measurements)."
