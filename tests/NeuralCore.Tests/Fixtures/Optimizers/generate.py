#!/usr/bin/python3
"""PyTorch's RMSprop and AdamW on fixed parameters and gradients, a few steps with a different learning rate each
(as a schedule gives), in float32 and float64. The test (Elementwise/OptimizerFixtureTests.cs) runs
ParameterUpdates.RmsProp / AdamW from the same start on every kernel path and compares every step.

The float32 runs get the hyper-parameters rounded to float32 first, as NeuralCore's float kernels take them: PyTorch
forms 1 - alpha, 1 - lr*weight_decay and the bias corrections in double from the values it is given, so this keeps
the rounding of the given values themselves out of the comparison.

Run with Debian's python3-torch: /usr/bin/python3 generate.py (torch 1.13, numpy 1.24.2 wrote optimizers.json).
"""
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
N, STEPS = 19, 5
LEARNING_RATES = [0.01, 0.02, 0.015, 0.005, 0.0025]

rng = np.random.default_rng(2024)
start = rng.standard_normal(N)
gradients = [rng.standard_normal(N) * scale for scale in (1.0, 0.5, 2.0, 1.0, 0.1)]

CASES = [
    ("rmsprop", dict(alpha=0.99, eps=1e-8, weight_decay=0.0)),
    ("rmsprop", dict(alpha=0.9, eps=1e-6, weight_decay=0.1)),
    ("adamw", dict(betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)),
    ("adamw", dict(betas=(0.8, 0.99), eps=1e-6, weight_decay=0.5)),
]


def rounded(value, dtype):
    if isinstance(value, tuple):
        return tuple(rounded(v, dtype) for v in value)
    return float(np.float32(value)) if dtype == torch.float32 else value


def run(name, settings, dtype):
    settings = {k: rounded(v, dtype) for k, v in settings.items()}
    p = torch.tensor(start, dtype=dtype, requires_grad=True)
    if name == "rmsprop":
        optimizer = torch.optim.RMSprop([p], lr=rounded(LEARNING_RATES[0], dtype), momentum=0, centered=False, foreach=False, **settings)
    else:
        optimizer = torch.optim.AdamW([p], lr=rounded(LEARNING_RATES[0], dtype), foreach=False, **settings)
    after = []
    for step in range(STEPS):
        for group in optimizer.param_groups:
            group["lr"] = rounded(LEARNING_RATES[step], dtype)
        p.grad = torch.tensor(gradients[step], dtype=dtype)
        optimizer.step()
        after.append([float(v) for v in p.detach().numpy()])
    return after


cases = []
for name, settings in CASES:
    case = {"optimizer": name}
    case.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in settings.items()})
    case["float32"] = run(name, settings, torch.float32)
    case["float64"] = run(name, settings, torch.float64)
    cases.append(case)

fixture = {
    "torch": torch.__version__,
    "learning_rates": LEARNING_RATES,
    "start": [float(v) for v in start],
    "gradients": [[float(v) for v in g] for g in gradients],
    "cases": cases,
}
with open(os.path.join(HERE, "optimizers.json"), "w", encoding="utf-8") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
