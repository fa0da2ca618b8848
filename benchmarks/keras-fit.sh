#!/usr/bin/env bash
# Case j with and without the GC settings of Nabla's package (issue 15): Keras Fit on MNIST-sized data, eager and
# traced steps, in an application referencing the projects. Run on a quiet machine (about 5 minutes):
#   bash benchmarks/keras-fit.sh            # results in benchmarks/results/keras-fit-*.md and keras-fit-epochs.txt
# 1. BenchmarkDotNet, short job (steady state), child without GC settings, then with them.
# 2. --fit-epochs: three epochs in a fresh process each way, first epoch included.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${RESULTS_DIR:-benchmarks/results}
mkdir -p "$out"
dotnet build benchmarks/Nabla.Benchmarks -c Release --nologo -v quiet
app=benchmarks/Nabla.Benchmarks/bin/Release/net10.0/Nabla.Benchmarks.dll
report=BenchmarkDotNet.Artifacts/results/Nabla.Benchmarks.Cases.KerasFitBenchmarks-report-github.md
dotnet "$app" --filter '*KerasFit*' --job short --envVars DOTNET_TieredPGO:1
cp "$report" "$out/keras-fit-no-gc-settings.md"
dotnet "$app" --filter '*KerasFit*' --job short
cp "$report" "$out/keras-fit-nabla-gc-settings.md"
# This app carries the settings in its runtimeconfig (Directory.Build.targets); a copy without them runs the other way.
plain=$(mktemp /tmp/plain-XXXXXX.runtimeconfig.json)
grep -v '"System.GC\.' "${app%.dll}.runtimeconfig.json" > "$plain"
{
  for mode in eager traced; do
    echo "## $mode, no GC settings"
    dotnet exec --runtimeconfig "$plain" "$app" --fit-epochs "$mode" --epochs 3
    echo "## $mode, Nabla's GC settings"
    dotnet "$app" --fit-epochs "$mode" --epochs 3
  done
} | tee "$out/keras-fit-epochs.txt"
rm -f "$plain"
