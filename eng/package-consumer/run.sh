#!/usr/bin/env bash
# Packs every assembly under src/ into a local folder feed, then builds and runs eng/package-consumer against the
# packages (PackageReference, never ProjectReference), as a user on a clean machine would: the app is copied
# outside the repository (so none of the repository's Directory.Build.* files apply) and restores into its own
# empty package folder (so no package left in ~/.nuget/packages by an earlier run can stand in for the new one).
#
# Usage: eng/package-consumer/run.sh [WORKDIR]   (WORKDIR/feed holds the .nupkg files, WORKDIR/app the built app;
# it must lie outside the repository. Default: a temp dir, removed at the end.)
# Expects nothing built: pack builds what it needs (Release). Exit status: 0 only if the consumer's checks pass.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [[ $# -ge 1 ]]; then
  work=$1
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
case "$work/" in
  "$repo"/*) echo "WORKDIR must be outside the repository (its Directory.Build files would apply): $work" >&2; exit 2 ;;
esac
rm -rf "$work/feed" "$work/app" "$work/packages"
mkdir -p "$work/feed" "$work/app"

start=$SECONDS
for project in "$repo"/src/*/*.csproj; do
  dotnet pack "$project" -c Release -o "$work/feed" --nologo -v quiet -p:ContinuousIntegrationBuild=true
done
echo "Packed in $((SECONDS - start)) s:"
(cd "$work/feed" && ls -1 ./*.nupkg ./*.snupkg)

cp "$repo/eng/package-consumer/PackageConsumer.csproj" "$repo/eng/package-consumer/Program.cs" "$work/app/"
# The local feed first; the machine's own sources (nuget.org or its mirror) stay, for Nabla's dependencies.
cat > "$work/app/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="nabla-local" value="$work/feed" />
  </packageSources>
</configuration>
EOF

start=$SECONDS
dotnet restore "$work/app" --packages "$work/packages" --nologo -v quiet
dotnet build "$work/app" -c Release --no-restore --nologo -v quiet
echo "Consumer restored and built in $((SECONDS - start)) s"
dotnet "$work/app/bin/Release/net10.0/PackageConsumer.dll"
