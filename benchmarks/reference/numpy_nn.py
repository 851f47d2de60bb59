"""The standard workloads written the way the seed tutorials write them: plain NumPy, column-major data
(features x samples), a dict of parameters, forward and backward as loops over the layers (seed 003), full-batch
gradient descent. This is the "slower reference implementation" NeuralCore is measured against; it is kept plain on
purpose (no tricks a tutorial reader would not write)."""
import numpy as np


def init_layers(arch, seed=99, scale=0.1):
    rng = np.random.default_rng(seed)
    params = {}
    for i, layer in enumerate(arch, start=1):
        params["W" + str(i)] = rng.standard_normal((layer["output_dim"], layer["input_dim"])) * scale
        params["b" + str(i)] = rng.standard_normal((layer["output_dim"], 1)) * scale
    return params


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def relu(z):
    return np.maximum(0, z)


def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


FORWARD = {"sigmoid": sigmoid, "relu": relu, "linear": lambda z: z, "softmax": softmax, "tanh": np.tanh}


def backward_activation(name, dA, Z, A):
    if name == "sigmoid":
        return dA * A * (1 - A)
    if name == "relu":
        dZ = np.array(dA, copy=True)
        dZ[Z <= 0] = 0
        return dZ
    if name == "tanh":
        return dA * (1 - A * A)
    return dA  # linear; softmax is handled by the fused cross-entropy gradient


def forward(X, params, arch):
    memory = {"A0": X}
    A = X
    for i, layer in enumerate(arch, start=1):
        Z = params["W" + str(i)] @ A + params["b" + str(i)]
        A = FORWARD[layer["activation"]](Z)
        memory["Z" + str(i)] = Z
        memory["A" + str(i)] = A
    return A, memory


def backward(Y_hat, Y, memory, params, arch, loss):
    grads = {}
    m = Y.shape[1]
    if loss == "mse":
        dA = (Y_hat - Y) / m
    else:  # bce with sigmoid output, ce with softmax output: the fused output error
        dA = None
    for i in reversed(range(1, len(arch) + 1)):
        layer = arch[i - 1]
        if dA is None:
            dZ = (Y_hat - Y) / m
        else:
            dZ = backward_activation(layer["activation"], dA, memory["Z" + str(i)], memory["A" + str(i)])
        grads["W" + str(i)] = dZ @ memory["A" + str(i - 1)].T
        grads["b" + str(i)] = dZ.sum(axis=1, keepdims=True)
        dA = params["W" + str(i)].T @ dZ
    return grads


def update(params, grads, lr):
    for key in params:
        params[key] -= lr * grads[key]


def train_step(X, Y, params, arch, loss, lr):
    Y_hat, memory = forward(X, params, arch)
    grads = backward(Y_hat, Y, memory, params, arch, loss)
    update(params, grads, lr)
