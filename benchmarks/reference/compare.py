#!/usr/bin/env python3
"""Runs the standard workloads in plain NumPy (numpy_nn.py, written the way the seeds do it) and through
`neuralcore bench --json`, and prints the ratios.

    python3 benchmarks/reference/compare.py            # from the repository root
    python3 benchmarks/reference/compare.py --quick    # fewer epochs on the NumPy side (projected)

NumPy comes from Debian: `apt-get install python3-numpy libopenblas0-pthread` (it installs for /usr/bin/python3).
Without libopenblas0-pthread Debian's NumPy runs on the reference BLAS (~7 GFLOPS here instead of ~120), which
would flatter NeuralCore: the script measures NumPy's matrix multiply first and warns when it is that slow.
Both sides run float32 on one thread (OPENBLAS_NUM_THREADS=1 is set before NumPy loads)."""
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
try:
    import numpy as np
except ImportError:
    sys.exit("NumPy is not installed for this Python. Install it with:\n    apt-get install python3-numpy libopenblas0-pthread\n"
             "then run this script with /usr/bin/python3.")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import numpy_nn as nn  # noqa: E402

MOONS = [{"input_dim": 2, "output_dim": 4, "activation": "relu"}, {"input_dim": 4, "output_dim": 6, "activation": "relu"},
         {"input_dim": 6, "output_dim": 6, "activation": "relu"}, {"input_dim": 6, "output_dim": 4, "activation": "relu"},
         {"input_dim": 4, "output_dim": 1, "activation": "sigmoid"}]
AUTOENCODER = [{"input_dim": 64, "output_dim": 16, "activation": "sigmoid"}, {"input_dim": 16, "output_dim": 64, "activation": "sigmoid"},
               {"input_dim": 64, "output_dim": 64, "activation": "linear"}]
MLP = [{"input_dim": 784, "output_dim": 256, "activation": "relu"}, {"input_dim": 256, "output_dim": 128, "activation": "relu"},
       {"input_dim": 128, "output_dim": 10, "activation": "softmax"}]


def cast(params):
    return {k: v.astype(np.float32) for k, v in params.items()}


def time_epochs(X, Y, arch, loss, lr, epochs):
    params = cast(nn.init_layers(arch))
    nn.train_step(X, Y, params, arch, loss, lr)  # warm-up
    start = time.perf_counter()
    for _ in range(epochs):
        nn.train_step(X, Y, params, arch, loss, lr)
    return time.perf_counter() - start


def numpy_figures(quick):
    rng = np.random.default_rng(1)
    scale = 10 if quick else 1
    figures = {}
    X = rng.standard_normal((2, 900)).astype(np.float32)
    Y = (rng.random((1, 900)) > 0.5).astype(np.float32)
    epochs = 10_000 // scale
    figures["moons 10 000 full-batch epochs"] = time_epochs(X, Y, MOONS, "bce", 0.01, epochs) * scale

    X = rng.random((64, 256)).astype(np.float32)
    epochs = 2000 // scale
    figures["autoencoder 2 000 epochs"] = time_epochs(X, X, AUTOENCODER, "mse", 0.1, epochs) * scale

    X = rng.random((784, 128)).astype(np.float32)
    Y = np.eye(10, dtype=np.float32)[:, rng.integers(0, 10, 128)]
    steps = 200 // scale
    figures["MLP 784-256-128-10 training"] = 128 * steps / time_epochs(X, Y, MLP, "ce", 0.01, steps)

    params = cast(nn.init_layers(MLP))
    x = rng.random((784, 1)).astype(np.float32)
    nn.forward(x, params, MLP)
    runs = 20_000 // scale
    start = time.perf_counter()
    for _ in range(runs):
        nn.forward(x, params, MLP)
    figures["MLP 784-256-128-10 single-sample inference"] = (time.perf_counter() - start) / runs * 1e6
    return figures


def neuralcore_figures():
    binary = os.path.join(ROOT, "src", "NeuralCore.Cli", "bin", "Release", "net10.0", "neuralcore")
    if not os.path.exists(binary):
        subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "NeuralCore.Cli"), "-c", "Release"], check=True,
                       stdout=subprocess.DEVNULL)
    out = subprocess.run([binary, "bench", "all", "--json"], check=True, capture_output=True, text=True).stdout
    by_name = {r["name"]: r["value"] for r in json.loads(out)["results"]}
    return {
        "moons 10 000 full-batch epochs": by_name["moons 10 000 full-batch epochs (Fit)"],
        "autoencoder 2 000 epochs": by_name["autoencoder 2 000 epochs (projected)"],
        "MLP 784-256-128-10 training": by_name["MLP 784-256-128-10, batch 128"],
        "MLP 784-256-128-10 single-sample inference": by_name["MLP 784-256-128-10, single sample"],
    }


def blas_gflops():
    a = np.random.default_rng(0).random((512, 512), dtype=np.float32)
    a @ a
    start = time.perf_counter()
    for _ in range(10):
        a @ a
    return 10 * 2 * 512 ** 3 / (time.perf_counter() - start) / 1e9


def main():
    quick = "--quick" in sys.argv
    gflops = blas_gflops()
    print(f"NumPy's BLAS: {gflops:.0f} GFLOPS on a 512x512 float32 product (one thread)")
    if gflops < 30:
        print("warning: that is the reference BLAS; install an optimised one for a fair comparison:\n"
              "    apt-get install libopenblas0-pthread")
    units = {"moons 10 000 full-batch epochs": "s", "autoencoder 2 000 epochs": "s",
             "MLP 784-256-128-10 training": "samples/s", "MLP 784-256-128-10 single-sample inference": "µs"}
    higher_is_better = {"MLP 784-256-128-10 training"}
    print(f"NumPy {np.__version__} (one BLAS thread), workloads written the seed way; NeuralCore via `neuralcore bench --json`.")
    numpy = numpy_figures(quick)
    core = neuralcore_figures()
    print(f"{'workload':46} {'NumPy':>12} {'NeuralCore':>12} {'unit':10} {'speed-up':>9}")
    for name, unit in units.items():
        ratio = core[name] / numpy[name] if name in higher_is_better else numpy[name] / core[name]
        print(f"{name:46} {numpy[name]:12.4g} {core[name]:12.4g} {unit:10} {ratio:8.1f}x")


if __name__ == "__main__":
    main()
