#!/usr/bin/env bash
# Regenerates src/NeuralCore/PublicAPI.Unshipped.txt, the library's public API lock (Microsoft.CodeAnalysis.PublicApiAnalyzers:
# RS0016 fails the build for a public member missing from the listing, RS0017 for a listed one that is gone).
# Run it after an intended public API change (or a merge that adds API) and review the diff:
#   bash .ci/public-api.sh && git diff src/NeuralCore/PublicAPI.Unshipped.txt
# It empties Unshipped (Shipped stays: it lists released API) and lets the analyzer's own code fix write every
# missing member, through `dotnet format analyzers`. A member removed from Shipped API is not handled here: mark its
# line in PublicAPI.Shipped.txt with the *REMOVED* prefix by hand (a breaking change). At a release, move the
# Unshipped lines to Shipped.
set -euo pipefail
cd "$(dirname "$0")/.."
project=src/NeuralCore/NeuralCore.csproj
unshipped=src/NeuralCore/PublicAPI.Unshipped.txt

printf '#nullable enable\n' > "$unshipped"
dotnet restore "$project" >/dev/null
dotnet format analyzers "$project" --diagnostics RS0016 --severity info --no-restore >/dev/null
# One order, whatever the fixer's: the header, then the entries sorted ordinally.
{ printf '#nullable enable\n'; grep -v '^#nullable' "$unshipped" | LC_ALL=C sort -u; } > "$unshipped.tmp"
mv "$unshipped.tmp" "$unshipped"
echo "$(grep -vc '^#' "$unshipped") entries in $unshipped"
