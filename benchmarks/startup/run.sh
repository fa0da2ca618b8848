#!/usr/bin/env bash
# Start-up through the NuGet packages (issues 15 and 11), each number from a fresh process pinned to one core
# (taskset -c 0), none of the package's GC settings, processes alternating, ROUNDS of each (default 10), medians printed:
#   - the seed's first 1,000-step loop with Nabla (benchmarks/startup/NablaStartup, "seed") and with TorchSharp-cpu
#     (TorchStartup: "seed" includes loading libtorch, "seed-loaded" starts the clock after it);
#   - the first call of the MLP 784-256-10 step as a Tf.Function (trace + optimize + first run) and eagerly;
#   - the walkthrough's wall time (samples/Walkthrough: its own IL build, and with the packages' ReadyToRun images);
#   - which methods the JIT still compiles in the seed loop and the traced MLP call (DOTNET_JitStdOutFile), by owner.
#
# Usage: benchmarks/startup/run.sh [WORKDIR]
#   WORKDIR (outside the repository; default a temp dir) gets the packages (WORKDIR/feed, packed by
#   eng/package-consumer/run.sh unless they are already there), the two probe apps and WORKDIR/jit-*.txt.
#   Set REPACK=1 to pack again into an existing WORKDIR. Expects a Release build of samples/Walkthrough for its row
#   (dotnet build samples/Walkthrough -c Release; WALKTHROUGH=DIR takes the build in DIR instead, e.g. an older
#   checkout's for a before/after); the row is skipped without one.
# Run it on a quiet machine: these are wall times of single cold processes (the script prints `uptime` first).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${ROUNDS:-10}
work=${1:-$(mktemp -d)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
case "$work/" in
  "$repo"/*) echo "WORKDIR must be outside the repository (its Directory.Build files would apply): $work" >&2; exit 2 ;;
esac
uptime

if [[ ${REPACK:-0} == 1 || ! -f $work/feed/Nabla.0.1.0-preview.nupkg ]]; then
  bash "$repo/eng/package-consumer/run.sh" "$work" > "$work/package-consumer.txt"
fi

# The probes, outside the repository, each restored into its own fresh package folder from the local feed.
rm -rf "$work/nabla-startup" "$work/torch-startup" "$work/startup-packages"
cp -r "$repo/benchmarks/startup/NablaStartup" "$work/nabla-startup"
cp -r "$repo/benchmarks/startup/TorchStartup" "$work/torch-startup"
cp "$repo/benchmarks/Nabla.Benchmarks/Infrastructure/TorchSharpNative.cs" "$work/torch-startup/"
cat > "$work/nabla-startup/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="nabla-local" value="$work/feed" />
  </packageSources>
</configuration>
XML
for app in nabla-startup torch-startup; do
  dotnet restore "$work/$app" --packages "$work/startup-packages" --nologo -v quiet
  dotnet build "$work/$app" -c Release --no-restore --nologo -v quiet > "$work/$app.build.txt" || { cat "$work/$app.build.txt"; exit 1; }
done
nabla=$work/nabla-startup/bin/Release/net10.0/NablaStartup.dll
torch=$work/torch-startup/bin/Release/net10.0/TorchStartup.dll
if grep -q '"System.GC' "${nabla%.dll}.runtimeconfig.json"; then
  echo "the probe carries GC settings; it must not" >&2; exit 1
fi

walk=${WALKTHROUGH:-$repo/samples/Walkthrough/bin/Release/net10.0}
r2r=$work/nabla-startup/bin/Release/net10.0/runtimes/linux-x64/lib/net10.0
if [[ -f $walk/Walkthrough.dll ]]; then
  rm -rf "$work/walkthrough-r2r"
  cp -r "$walk" "$work/walkthrough-r2r"
  cp "$r2r/Nabla.dll" "$work/walkthrough-r2r/"
  cp "$work/app/bin/Release/net10.0/runtimes/linux-x64/lib/net10.0/Nabla.Keras.dll" "$work/walkthrough-r2r/"
fi

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
first_ms() { sed -n 's/^[a-z-]* \([0-9.]*\) ms.*/\1/p'; }
pinned() { taskset -c 0 dotnet "$@"; }
wall() { local start; start=$(date +%s.%N); taskset -c 0 dotnet "$@" > /dev/null; awk "BEGIN { printf \"%.3f\", $(date +%s.%N) - $start }"; }

declare -A runs
cases=(nabla-seed torch-seed torch-seed-loaded nabla-mlp-traced nabla-mlp-eager)
[[ -f $walk/Walkthrough.dll ]] && cases+=(walkthrough-il walkthrough-r2r)
for ((i = 0; i < rounds; i++)); do
  runs[nabla-seed]+=" $(pinned "$nabla" seed | first_ms)"
  runs[torch-seed]+=" $(pinned "$torch" seed | first_ms)"
  runs[torch-seed-loaded]+=" $(pinned "$torch" seed-loaded | first_ms)"
  runs[nabla-mlp-traced]+=" $(pinned "$nabla" mlp-traced | first_ms)"
  runs[nabla-mlp-eager]+=" $(pinned "$nabla" mlp-eager | first_ms)"
  if [[ -f $walk/Walkthrough.dll ]]; then
    runs[walkthrough-il]+=" $(wall "$walk/Walkthrough.dll")"
    runs[walkthrough-r2r]+=" $(wall "$work/walkthrough-r2r/Walkthrough.dll")"
  fi
done

# One more run of each Nabla case with the JIT's list of what it compiled; counts by the method's owner.
for mode in seed mlp-traced; do
  rm -f "$work/jit-$mode.txt"   # the runtime appends to it
  DOTNET_JitStdOutFile=$work/jit-$mode.txt DOTNET_JitDisasmSummary=1 pinned "$nabla" "$mode" | sed 's/^/check: /'
  printf '  JIT-compiled in %s: %s\n' "$mode" "$(sed -n 's/.*JIT compiled \([^:]*\):.*/\1/p' "$work/jit-$mode.txt" \
    | sed -E 's/^(Nabla|System\.Numerics\.Tensors|Program|System|<PrivateImplementationDetails>).*/\1/' | sort | uniq -c \
    | sort -rn | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')"
done

echo "fresh processes, taskset -c 0, no GC settings, median of $rounds (all runs in brackets); units: ms, walkthrough s"
for c in "${cases[@]}"; do
  # shellcheck disable=SC2086
  printf '%-20s %9s   [%s ]\n' "$c" "$(printf '%s\n' ${runs[$c]} | median)" "${runs[$c]}"
done
uptime
