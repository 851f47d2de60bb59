#!/usr/bin/python3
"""Seed 003's training loop, written the way the seed writes it (features x samples, dA from the explicit BCE
derivative -(Y/Y_hat - (1-Y)/(1-Y_hat)), dW = dZ A_prev^T / m, db = sum(dZ) / m, plain SGD), in float64 on a small
relu/sigmoid net, from a fixed starting point. The test runs `neuralcore train --init` with full-batch SGD and
--shuffle false from the same starting point and compares the parameters.

Run with Debian's python3-numpy: /usr/bin/python3 generate_seed003_sgd.py (numpy 1.24.2 wrote the committed files).
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ARCH = [{"input_dim": 2, "output_dim": 4, "activation": "relu"},
        {"input_dim": 4, "output_dim": 6, "activation": "relu"},
        {"input_dim": 6, "output_dim": 1, "activation": "sigmoid"}]
EPOCHS, LR = 20, 0.1


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def relu(Z):
    return np.maximum(0, Z)


def sigmoid_backward(dA, Z):
    sig = sigmoid(Z)
    return dA * sig * (1 - sig)


def relu_backward(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


rng = np.random.default_rng(3)
params = {}
for i, layer in enumerate(ARCH, start=1):
    params["W" + str(i)] = rng.standard_normal((layer["output_dim"], layer["input_dim"])) * 0.5
    params["b" + str(i)] = rng.standard_normal((layer["output_dim"], 1)) * 0.1
arch_bytes = np.frombuffer(json.dumps(ARCH).encode("utf-8"), dtype=np.uint8)
np.savez(os.path.join(HERE, "seed003_init.npz"), architecture=arch_bytes, **params)

X = rng.standard_normal((2, 64))                                    # features x samples, as in the seed
Y = (X[0:1, :] * X[1:2, :] > 0).astype(np.float64)
np.save(os.path.join(HERE, "seed003_x.npy"), X.T)                  # samples x features for the CLI
np.save(os.path.join(HERE, "seed003_y.npy"), Y.T)

m = X.shape[1]
for epoch in range(EPOCHS):
    memory = {"A0": X}
    A = X
    for i, layer in enumerate(ARCH, start=1):
        Z = params["W" + str(i)] @ A + params["b" + str(i)]
        A = relu(Z) if layer["activation"] == "relu" else sigmoid(Z)
        memory["Z" + str(i)], memory["A" + str(i)] = Z, A
    Y_hat = A
    dA_prev = -(np.divide(Y, Y_hat) - np.divide(1 - Y, 1 - Y_hat))
    grads = {}
    for i in reversed(range(1, len(ARCH) + 1)):
        dA = dA_prev
        Z, A_prev = memory["Z" + str(i)], memory["A" + str(i - 1)]
        dZ = relu_backward(dA, Z) if ARCH[i - 1]["activation"] == "relu" else sigmoid_backward(dA, Z)
        grads["dW" + str(i)] = np.dot(dZ, A_prev.T) / m
        grads["db" + str(i)] = np.sum(dZ, axis=1, keepdims=True) / m
        dA_prev = np.dot(params["W" + str(i)].T, dZ)
    for i in range(1, len(ARCH) + 1):
        params["W" + str(i)] -= LR * grads["dW" + str(i)]
        params["b" + str(i)] -= LR * grads["db" + str(i)]

np.savez(os.path.join(HERE, "seed003_after20.npz"), architecture=arch_bytes, **params)
