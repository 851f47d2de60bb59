"""PyTorch's quantize_dynamic (FBGEMM, int8 weights per tensor, 7-bit reduce_range activations on x86) on the same
weights as a NeuralCore model: its speed and its agreement with the fp32 model, side by side with NeuralCore's int8.

    /usr/bin/python3 torch_quantize_dynamic.py MODEL.npz X.npy Y.npy [OURS_INT8_PREDICTIONS.npy]

MODEL.npz is a NeuralCore fp32 model file (W1, b1, ... [out, in] and the architecture JSON); Y holds class ids.
Prints one line per engine: the report figures as QuantizationReport defines them (SQNR on the outputs, arg-max
agreement with fp32, accuracy), and the median time of one call at batch 1 and batch 1024 on one thread.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)
model_path, x_path, y_path = sys.argv[1:4]
ours_path = sys.argv[4] if len(sys.argv) > 4 else None
archive = np.load(model_path)
layers = json.loads(bytes(archive["architecture"]).decode())
modules = []
activations = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "softmax": lambda: nn.Softmax(dim=1)}
for i, spec in enumerate(layers, start=1):
    linear = nn.Linear(spec["input_dim"], spec["output_dim"])
    linear.weight.data = torch.from_numpy(archive[f"W{i}"].astype(np.float32))
    linear.bias.data = torch.from_numpy(archive[f"b{i}"].astype(np.float32).reshape(-1))
    modules.append(linear)
    if spec["activation"] != "linear":
        modules.append(activations[spec["activation"]]())
fp32 = nn.Sequential(*modules).eval()
int8 = torch.quantization.quantize_dynamic(fp32, {nn.Linear}, dtype=torch.qint8)
x = torch.from_numpy(np.load(x_path).astype(np.float32))
y = np.load(y_path).reshape(-1)

with torch.no_grad():
    reference = fp32(x).numpy().astype(np.float64)


def report(name, predictions):
    d = predictions.astype(np.float64) - reference
    sqnr = 10 * np.log10((reference ** 2).sum() / (d ** 2).sum()) if (d ** 2).sum() > 0 else float("inf")
    agree = (predictions.argmax(1) == reference.argmax(1)).mean()
    accuracy = (predictions.argmax(1) == y).mean()
    return f"{name}: max |Δ| {np.abs(d).max():.4g}, mean |Δ| {np.abs(d).mean():.4g}, SQNR {sqnr:.1f} dB, class agreement {agree * 100:.2f}%, accuracy {accuracy:.6f}"


def median_seconds(module, batch, repeats):
    sample = x[:batch] if batch <= len(x) else x.repeat((batch + len(x) - 1) // len(x), 1)[:batch]
    times = []
    with torch.no_grad():
        for _ in range(10):
            module(sample)
        for _ in range(repeats):
            start = time.perf_counter()
            module(sample)
            times.append(time.perf_counter() - start)
    return float(np.median(times))


with torch.no_grad():
    torch_int8 = int8(x).numpy()
print(f"fp32 accuracy {(reference.argmax(1) == y).mean():.6f} on {len(y)} samples")
for name, module, predictions in (("torch fp32", fp32, reference), ("torch quantize_dynamic int8", int8, torch_int8)):
    t1 = median_seconds(module, 1, 2000)
    t1024 = median_seconds(module, 1024, 50)
    print(f"{report(name, predictions)}; batch 1 {t1 * 1e6:.1f} µs, batch 1024 {t1024 * 1e3:.2f} ms (1 thread)")
if ours_path:
    ours = np.load(ours_path).astype(np.float64)
    print(report("NeuralCore int8", ours))
    print(f"NeuralCore int8 vs torch int8: class agreement {(ours.argmax(1) == torch_int8.argmax(1)).mean() * 100:.2f}%, max |Δ| {np.abs(ours - torch_int8).max():.4g}")
