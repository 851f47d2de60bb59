#!/usr/bin/python3
"""Writes a model file the way a NumPy implementation of seed 003 would (weights [out, in], biases [out, 1]) and the
predictions NumPy computes for it, so the tests can check that NeuralCore loads it and predicts the same.

Run with Debian's python3-numpy: /usr/bin/python3 generate.py (numpy 1.24.2 wrote the committed files).
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
arch = [
    {"input_dim": 2, "output_dim": 4, "activation": "relu"},
    {"input_dim": 4, "output_dim": 6, "activation": "tanh"},
    {"input_dim": 6, "output_dim": 1, "activation": "sigmoid"},
]
rng = np.random.default_rng(99)
params = {}
for i, layer in enumerate(arch, start=1):
    params[f"W{i}"] = rng.normal(size=(layer["output_dim"], layer["input_dim"])) * 0.5
    params[f"b{i}"] = rng.normal(size=(layer["output_dim"], 1)) * 0.1   # seed 003 stores biases as columns

X = rng.uniform(-2, 2, size=(7, 2))
A = X.T                                                                  # seed 003: features x samples
for i, layer in enumerate(arch, start=1):
    Z = params[f"W{i}"] @ A + params[f"b{i}"]
    A = {"relu": lambda z: np.maximum(0, z), "tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[layer["activation"]](Z)

np.savez(os.path.join(HERE, "numpy_model.npz"),
         architecture=np.frombuffer(json.dumps(arch).encode("utf-8"), dtype=np.uint8), **params)
np.save(os.path.join(HERE, "numpy_model_x.npy"), X)
np.save(os.path.join(HERE, "numpy_model_y.npy"), A.T)
