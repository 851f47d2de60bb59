#!/usr/bin/env bash
# Pack → install → run, as a user would, after a Release build of the solution (.ci/run builds first):
#  - `dotnet pack` of the library (NeuralCore: .nupkg + .snupkg, package validation) and of the tool (NeuralCore.Tool)
#    into a temporary local feed; the library's nuspec declares the System.Numerics.Tensors floor, the README and the
#    repository; its PDB carries SourceLink to the repository URL (and /_/ paths when CI=true);
#  - `dotnet tool install --tool-path` of NeuralCore.Tool from that feed, then `neuralcore --version` and `info`;
#  - a new console app that references NeuralCore from the feed and System.Numerics.Tensors at the floor (so a NU1605
#    downgrade would fail its warnings-as-errors build), builds, and predicts one sample.
# A private NuGet cache, so a package of the same version from an earlier run is never used instead; the feed's
# packages are compared byte for byte with the ones restored. Sources are the machine's NuGet config plus the local feed, nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
feed="$root/feed"; tools="$root/tools"; app="$root/app"
export NUGET_PACKAGES="$root/packages"

fail() { echo "error: $*" >&2; exit 1; }
prop() { dotnet msbuild src/NeuralCore/NeuralCore.csproj -getProperty:"$1"; }
version=$(prop Version)
floor=$(prop NeuralCoreTensorsFloor)
repository=$(prop NeuralCoreRepositoryUrl)
echo "version $version, System.Numerics.Tensors floor $floor, feed $feed"

for project in src/NeuralCore/NeuralCore.csproj src/NeuralCore.Cli/NeuralCore.Cli.csproj; do
  dotnet pack "$project" -c Release --no-build -warnaserror -o "$feed" >"$root/pack.log" 2>&1 \
    || { cat "$root/pack.log"; fail "dotnet pack $project failed"; }
done
for f in "NeuralCore.$version.nupkg" "NeuralCore.$version.snupkg" "NeuralCore.Tool.$version.nupkg"; do
  [ -f "$feed/$f" ] || { ls "$feed" >&2; fail "dotnet pack made no $f"; }
done

# The library package's facts, read back from what was packed.
mkdir "$root/lib" "$root/sym"
(cd "$root/lib" && unzip -q "$feed/NeuralCore.$version.nupkg")
(cd "$root/sym" && unzip -q "$feed/NeuralCore.$version.snupkg")
nuspec="$root/lib/NeuralCore.nuspec"
grep -q "<dependency id=\"System.Numerics.Tensors\" version=\"$floor\"" "$nuspec" || { cat "$nuspec"; fail "the nuspec does not declare System.Numerics.Tensors >= $floor"; }
grep -q "<license type=\"expression\">MIT</license>" "$nuspec" || fail "the nuspec has no MIT license expression"
grep -q "<readme>README.md</readme>" "$nuspec" && [ -f "$root/lib/README.md" ] || fail "the package has no README.md"
grep -Eq "<repository type=\"git\" url=\"$repository\"[^>]* commit=\"[0-9a-f]{40}\"" "$nuspec" || { cat "$nuspec"; fail "the nuspec has no repository URL and commit"; }
[ -f "$root/lib/lib/net10.0/NeuralCore.dll" ] && [ -f "$root/lib/lib/net10.0/NeuralCore.xml" ] || fail "the package lacks lib/net10.0/NeuralCore.dll or its XML docs"
pdb="$root/sym/lib/net10.0/NeuralCore.pdb"
[ -f "$pdb" ] || fail "the symbols package has no NeuralCore.pdb"
# Portable PDBs keep the SourceLink JSON uncompressed: {"documents":{"<source root>/*":"<raw URL>/<commit>/*"}}, the
# source root being /_/ in a deterministic CI build (ContinuousIntegrationBuild) and the clone's path otherwise.
raw=${repository/github.com/raw.githubusercontent.com}
sourcelink=$(grep -ao '{"documents":{[^}]*}' "$pdb" || true)
echo "$sourcelink" | grep -q "\"$raw/[0-9a-f]\{40\}/\*\"" || fail "NeuralCore.pdb has no SourceLink to $raw/<commit>/* (found: $sourcelink)"
if [ "${CI:-}" = true ]; then
  echo "$sourcelink" | grep -q '"/_/\*"' || fail "CI=true, yet NeuralCore.pdb's sources are not under the deterministic /_/ root: $sourcelink"
fi
echo "NeuralCore.$version.nupkg: Tensors >= $floor, MIT, README, repository+commit, XML docs; .snupkg with SourceLink"

# The tool, installed from the feed and run.
dotnet tool install --tool-path "$tools" NeuralCore.Tool --add-source "$feed" --version "$version" >"$root/tool.log" 2>&1 \
  || { cat "$root/tool.log"; fail "dotnet tool install NeuralCore.Tool failed"; }
cmp -s "$feed/NeuralCore.Tool.$version.nupkg" "$tools/.store/neuralcore.tool/$version/neuralcore.tool/$version/neuralcore.tool.$version.nupkg" \
  || fail "the installed NeuralCore.Tool $version is not the package just packed"
"$tools/neuralcore" --version | tee "$root/version.txt"
grep -q "^$version" "$root/version.txt" || fail "neuralcore --version does not print $version"
"$tools/neuralcore" info | tee "$root/info.txt"
grep -q '^kernel path ' "$root/info.txt" || fail "the installed neuralcore info printed no kernel path"

# A new app on the floor, with NeuralCore from the feed.
mkdir -p "$app"
cat >"$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="neuralcore-local-feed" value="$feed" />
  </packageSources>
</configuration>
XML
cat >"$app/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="NeuralCore" Version="$version" />
    <PackageReference Include="System.Numerics.Tensors" Version="$floor" />
  </ItemGroup>
</Project>
XML
cat >"$app/Program.cs" <<'CS'
using NeuralCore;

var architecture = NetworkArchitecture.FromJson("""
    [{"input_dim": 2, "output_dim": 4, "activation": "relu"},
     {"input_dim": 4, "output_dim": 1, "activation": "sigmoid"}]
    """);
using var network = new NeuralNetwork<float>(architecture, Initialization.He(seed: 2));
Span<float> p = stackalloc float[1];
network.Predict([0.5f, -0.25f], p);
Console.WriteLine($"consumer prediction {p[0]} on kernel path {Kernels.GetName(Kernels.Default)}");
return float.IsFinite(p[0]) && p[0] > 0 && p[0] < 1 ? 0 : 1;
CS
dotnet build "$app/Consumer.csproj" -c Release -o "$app/out" >"$root/app.log" 2>&1 \
  || { cat "$root/app.log"; fail "the consumer app (NeuralCore $version, System.Numerics.Tensors $floor) did not build"; }
cmp -s "$feed/NeuralCore.$version.nupkg" "$NUGET_PACKAGES/neuralcore/$version/neuralcore.$version.nupkg" \
  || fail "the consumer restored NeuralCore $version from somewhere other than the local feed"
dotnet "$app/out/Consumer.dll"
echo "pack → install → run: passed"
