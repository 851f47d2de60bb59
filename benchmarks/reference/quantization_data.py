"""Writes the data sets of the quantization accuracy report (benchmarks/quantization-accuracy.sh).

digits: scikit-learn's 8x8 digits (1797 samples), pixels scaled to [0, 1], a seeded 75/25 split.
digits784: the same digits resized to 28x28 (scipy.ndimage.zoom, order 1) = 784 features, for a
784-256-128-10 classifier of the MNIST shape (MNIST itself is not reachable from this machine).

Run with Debian's python3 (python3-sklearn, python3-scipy): /usr/bin/python3 quantization_data.py OUT_DIR
"""
import sys
import os

import numpy as np
from scipy import ndimage
from sklearn.datasets import load_digits

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
digits = load_digits()
x = (digits.data / 16.0).astype(np.float32)
y = digits.target.astype(np.int64)
order = np.random.default_rng(1203).permutation(len(y))
x, y = x[order], y[order]
split = int(0.75 * len(y))
x784 = np.stack([ndimage.zoom(img.reshape(8, 8), 3.5, order=1) for img in x]).reshape(len(y), 784).clip(0, 1).astype(np.float32)
for name, data in (("digits", x), ("digits784", x784)):
    np.save(os.path.join(out, f"{name}-train-x.npy"), data[:split])
    np.save(os.path.join(out, f"{name}-test-x.npy"), data[split:])
np.save(os.path.join(out, "train-y.npy"), y[:split])
np.save(os.path.join(out, "test-y.npy"), y[split:])
print(f"wrote {out}: {split} train / {len(y) - split} test samples, 64 and 784 features")
