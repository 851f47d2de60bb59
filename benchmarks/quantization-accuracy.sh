#!/usr/bin/env bash
# The quantization accuracy report of issue 15: trains a digits classifier (64-32-10) and a 784-256-128-10 classifier
# on the digits resized to 28x28 with the CLI, quantizes both to int8 (dynamic, and static calibrated on the training
# samples) and bf16, and prints NeuralCore's report on the held-out samples next to PyTorch's quantize_dynamic on the
# same weights. Needs Debian's python3 with python3-sklearn, python3-scipy and python3-torch.
#   bash benchmarks/quantization-accuracy.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
dotnet build src/NeuralCore.Cli -c Release -warnaserror >/dev/null
cli="dotnet src/NeuralCore.Cli/bin/Release/net10.0/NeuralCore.Cli.dll"
/usr/bin/python3 benchmarks/reference/quantization_data.py "$work"
$cli train --arch '[{"input_dim": 64, "output_dim": 32, "activation": "relu"}, {"input_dim": 32, "output_dim": 10, "activation": "softmax"}]' \
  --x "$work/digits-train-x.npy" --y "$work/train-y.npy" --optimizer adam --lr 0.01 --epochs 60 --batch-size 32 --seed 1 --out "$work/digits.npz" --force | tail -1
$cli train --arch '[{"input_dim": 784, "output_dim": 256, "activation": "relu"}, {"input_dim": 256, "output_dim": 128, "activation": "relu"}, {"input_dim": 128, "output_dim": 10, "activation": "softmax"}]' \
  --x "$work/digits784-train-x.npy" --y "$work/train-y.npy" --optimizer adam --lr 0.001 --epochs 30 --batch-size 32 --seed 1 --out "$work/mlp784.npz" --force | tail -1
for net in digits:digits mlp784:digits784; do
  model=${net%%:*}; data=${net##*:}
  echo "=== $model on $data-test-x.npy (held out)"
  for mode in int8 bf16; do
    $cli quantize --model "$work/$model.npz" --mode $mode --x "$work/$data-test-x.npy" --y "$work/test-y.npy" --out "$work/$model-$mode.npz" --force
  done
  # Static int8: ranges calibrated on the training samples, reported on the held-out ones.
  $cli quantize --model "$work/$model.npz" --mode int8 --activations static --x "$work/$data-train-x.npy" --out "$work/$model-int8-static.npz" --force | head -1
  $cli predict --model "$work/$model-int8-static.npz" --x "$work/$data-test-x.npy" --out "$work/$model-int8-static.npy" --force >/dev/null
  $cli predict --model "$work/$model-int8.npz" --x "$work/$data-test-x.npy" --out "$work/$model-int8.npy" --force >/dev/null
  echo "--- static int8 on the held-out samples, and PyTorch quantize_dynamic on the same weights"
  /usr/bin/python3 benchmarks/reference/torch_quantize_dynamic.py "$work/$model.npz" "$work/$data-test-x.npy" "$work/test-y.npy" "$work/$model-int8-static.npy" | sed 's/^NeuralCore int8/NeuralCore int8 static/' | grep -v "^torch fp32"
  /usr/bin/python3 benchmarks/reference/torch_quantize_dynamic.py "$work/$model.npz" "$work/$data-test-x.npy" "$work/test-y.npy" "$work/$model-int8.npy" | grep "NeuralCore int8 vs"
done
