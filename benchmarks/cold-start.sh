#!/usr/bin/env bash
# Cold start, Main → ModelFile.Load → first prediction, in fresh processes: publishes NeuralCore.ColdStart as a
# consumer would (JIT, ReadyToRun, NativeAOT for the instruction set README's NativeAOT section documents for the
# 512-bit path) and runs the quick-cold harness with the three beside NeuralCore.Benchmarks' own rows and ONNX Runtime's.
#   benchmarks/cold-start.sh [runs=9] [IlcInstructionSet=x86-64-v4]
# NativeAOT needs clang and zlib1g-dev (README, "NativeAOT"). COLD_OUT=folder keeps the published programs.
set -euo pipefail
runs=${1:-9}
isa=${2:-x86-64-v4}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${COLD_OUT:-$(mktemp -d)}
app="$root/benchmarks/NeuralCore.ColdStart"
dotnet build "$root/benchmarks/NeuralCore.Benchmarks" -c Release -warnaserror -v q -nologo
dotnet publish "$app" -c Release -r linux-x64 --self-contained false -v q -nologo -o "$out/jit"
dotnet publish "$app" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -v q -nologo -o "$out/r2r"
programs=("app-jit=$out/jit/NeuralCore.ColdStart" "app-r2r=$out/r2r/NeuralCore.ColdStart")
if command -v clang >/dev/null; then
  dotnet publish "$app" -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet="$isa" -v q -nologo -o "$out/aot"
  "$out/aot/NeuralCore.ColdStart" --info
  programs+=("aot-$isa=$out/aot/NeuralCore.ColdStart")
else
  echo "no clang: the NativeAOT row is skipped (apt-get install clang zlib1g-dev)" >&2
fi
dotnet "$root/benchmarks/NeuralCore.Benchmarks/bin/Release/net10.0/NeuralCore.Benchmarks.dll" --quick-cold "$runs" "${programs[@]}"
