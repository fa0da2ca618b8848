#!/usr/bin/env bash
# Start-up with and without ReadyToRun (issue 15): the seed's first 1,000-step loop, first thing in a fresh process,
# in the package consumer as packed (Nabla and Nabla.Keras as ReadyToRun images from runtimes/linux-x64) and with the
# plain IL of the same packages swapped in; then the walkthrough's wall time with its IL assemblies and with the
# ReadyToRun images swapped in. Processes alternate, ROUNDS each (default 10); medians are printed.
#
# Usage: eng/package-consumer/startup.sh [WORKDIR]
#   WORKDIR: a folder eng/package-consumer/run.sh filled (reused as is: the timing alone takes ~15 s of CPU); without
#   one, run.sh packs into a temp folder first (~1 minute). Expects a Release build of samples/Walkthrough from the
#   same sources. Run on a quiet machine: the numbers are wall times of single cold processes.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${ROUNDS:-10}
if [[ $# -ge 1 && -f "$1/app/bin/Release/net10.0/PackageConsumer.dll" ]]; then
  work=$(cd "$1" && pwd)
else
  work=${1:-$(mktemp -d)}
  bash "$repo/eng/package-consumer/run.sh" "$work" > /dev/null
  work=$(cd "$work" && pwd)
fi

bin=$work/app/bin/Release/net10.0
r2r=$bin/runtimes/linux-x64/lib/net10.0
il=$work/startup-il
rm -rf "$il" "$work/walkthrough-r2r"
cp -r "$bin" "$il"
cp "$bin/Nabla.dll" "$bin/Nabla.Keras.dll" "$il/runtimes/linux-x64/lib/net10.0/"   # the IL from lib/ over the images
walk=$repo/samples/Walkthrough/bin/Release/net10.0
cp -r "$walk" "$work/walkthrough-r2r"
cp "$r2r/Nabla.dll" "$r2r/Nabla.Keras.dll" "$work/walkthrough-r2r/"

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
loop_r2r=() loop_il=() walk_il=() walk_r2r=()
for ((i = 0; i < rounds; i++)); do
  loop_r2r+=("$(dotnet "$bin/PackageConsumer.dll" startup | sed -n 's/^first 1,000-step loop: \([0-9.]*\) ms.*/\1/p')")
  loop_il+=("$(dotnet "$il/PackageConsumer.dll" startup | sed -n 's/^first 1,000-step loop: \([0-9.]*\) ms.*/\1/p')")
  start=$(date +%s.%N); dotnet "$walk/Walkthrough.dll" > /dev/null; walk_il+=("$(awk "BEGIN { print $(date +%s.%N) - $start }")")
  start=$(date +%s.%N); dotnet "$work/walkthrough-r2r/Walkthrough.dll" > /dev/null; walk_r2r+=("$(awk "BEGIN { print $(date +%s.%N) - $start }")")
done

dotnet "$bin/PackageConsumer.dll" startup | sed 's/^/ReadyToRun check: /'
dotnet "$il/PackageConsumer.dll" startup | sed 's/^/IL check: /'
echo "first 1,000-step seed loop in a fresh process, median of $rounds (ms): ReadyToRun $(printf '%s\n' "${loop_r2r[@]}" | median), IL $(printf '%s\n' "${loop_il[@]}" | median); TorchSharp cold: 77 ms (issue 15), goal <= 25.7 ms"
echo "  ReadyToRun: ${loop_r2r[*]}"
echo "  IL:         ${loop_il[*]}"
echo "walkthrough wall time, median of $rounds (s): IL $(printf '%s\n' "${walk_il[@]}" | median), ReadyToRun Nabla/Nabla.Keras $(printf '%s\n' "${walk_r2r[@]}" | median)"
