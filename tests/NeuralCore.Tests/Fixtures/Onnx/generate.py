#!/usr/bin/python3
"""Writes the ONNX fixtures: PyTorch 1.13's torch.onnx.export of small nn.Sequential models, with the inputs and
PyTorch's own predictions beside them, so the tests check that NeuralCore imports what PyTorch writes and predicts
the same.

Run with Debian's python3-torch and python3-onnx: /usr/bin/python3 generate.py (torch 1.13.0a0, onnx 1.12.0 and
numpy 1.24.2 wrote the committed files).

Files:
  {act}_{form}_op{opset}_{dtype}.onnx   Linear(4, 6) -> act -> Linear(6, 3) -> act, for every supported activation,
                                         opsets 13 and 17, float32 and float64, in two forms:
                                         gemm:   nn.Linear on a 2-D input, which torch exports as Gemm (transB=1);
                                         matmul: a module computing x @ W.T + b explicitly, which torch exports as
                                                 MatMul by the constant-folded [in, out] initializer, then Add (the
                                                 second layer writes b + x @ W.T, so the Add has the bias first).
  variants_{dtype}.onnx                  Flatten -> Linear -> ReLU -> Linear, edited with the onnx package: an
                                         Identity after the first Gemm, initializers moved from raw_data to
                                         float_data/double_data, and a fixed batch dimension of 7.
  gemm_attrs_f64.onnx                    one Gemm written with onnx.helper: alpha 0.5, beta 2, transB 0, C of [1, 3];
                                         its prediction is computed with NumPy from the formula in the ONNX spec.
  x_{dtype}.npy                          the input, [7, 4], shared by every model of that dtype.
  predictions.npz                        PyTorch's (or, for gemm_attrs, NumPy's) output for each model, by file stem.
"""
import os

import numpy as np
import onnx
import onnx.helper as helper
import onnx.numpy_helper as numpy_helper
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))

ACTIVATIONS = {
    "relu": lambda: nn.ReLU(),
    "sigmoid": lambda: nn.Sigmoid(),
    "tanh": lambda: nn.Tanh(),
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "softmax": lambda: nn.Softmax(dim=1),
    "elu": lambda: nn.ELU(alpha=0.5),
    "softplus": lambda: nn.Softplus(),
    "gelu": lambda: nn.GELU(),
    "gelu_tanh": lambda: nn.GELU(approximate="tanh"),
    "silu": lambda: nn.SiLU(),
}


class MatMulLinear(nn.Module):
    """x @ W.T + b written out, so torch exports MatMul + Add instead of Gemm."""

    def __init__(self, linear, bias_first):
        super().__init__()
        self.weight = nn.Parameter(linear.weight.detach().clone())
        self.bias = nn.Parameter(linear.bias.detach().clone())
        self.bias_first = bias_first

    def forward(self, x):
        y = x @ self.weight.t()
        return self.bias + y if self.bias_first else y + self.bias


def export(model, x, path, opset, dynamic=True):
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}} if dynamic else None)


def main():
    torch.manual_seed(1213)
    predictions = {}
    x64 = torch.rand(7, 4, dtype=torch.float64) * 6 - 3       # [-3, 3): both sides of every activation's knee
    x32 = x64.float()
    np.save(os.path.join(HERE, "x_f32.npy"), x32.numpy())
    np.save(os.path.join(HERE, "x_f64.npy"), x64.numpy())

    for name, make in ACTIVATIONS.items():
        l1, l2 = nn.Linear(4, 6), nn.Linear(6, 3)
        with torch.no_grad():
            l1.weight.mul_(2.0)                                 # pre-activations spread over [-4, 4]
        for dtype, x in (("f32", x32), ("f64", x64)):
            gemm = nn.Sequential(l1, make(), l2, make())
            matmul = nn.Sequential(MatMulLinear(l1, False), make(), MatMulLinear(l2, True), make())
            for form, model in (("gemm", gemm), ("matmul", matmul)):
                model = model.double() if dtype == "f64" else model.float()
                with torch.no_grad():
                    y = model(x).numpy()
                for opset in (13, 17):
                    stem = f"{name}_{form}_op{opset}_{dtype}"
                    export(model, x, os.path.join(HERE, stem + ".onnx"), opset)
                    predictions[stem] = y

    # Flatten, Identity, typed data fields, fixed batch.
    l1, l2 = nn.Linear(4, 5), nn.Linear(5, 2)
    for dtype, x in (("f32", x32), ("f64", x64)):
        model = nn.Sequential(nn.Flatten(), l1, nn.ReLU(), l2)
        model = model.double() if dtype == "f64" else model.float()
        path = os.path.join(HERE, f"variants_{dtype}.onnx")
        export(model, x, path, 13, dynamic=False)
        with torch.no_grad():
            predictions[f"variants_{dtype}"] = model(x).numpy()
        m = onnx.load(path)
        gemm = next(n for n in m.graph.node if n.op_type == "Gemm")
        gemm_out = gemm.output[0]
        gemm.output[0] = gemm_out + "_pre_identity"
        index = list(m.graph.node).index(gemm)
        m.graph.node.insert(index + 1, helper.make_node("Identity", [gemm.output[0]], [gemm_out], name="/identity"))
        for t in m.graph.initializer:
            values = numpy_helper.to_array(t).ravel()
            t.ClearField("raw_data")
            if t.data_type == onnx.TensorProto.FLOAT:
                t.float_data.extend(values.tolist())
            else:
                t.double_data.extend(values.tolist())
        onnx.checker.check_model(m, full_check=True)
        onnx.save(m, path)

    # Gemm with alpha, beta and transB = 0, written directly (torch never emits these).
    rng = np.random.default_rng(7)
    b = rng.normal(size=(4, 3))                                 # [in, out]: transB = 0
    c = rng.normal(size=(1, 3))
    node = helper.make_node("Gemm", ["input", "B", "C"], ["output"], name="gemm", alpha=0.5, beta=2.0, transA=0, transB=0)
    graph = helper.make_graph(
        [node], "gemm_attrs",
        [helper.make_tensor_value_info("input", onnx.TensorProto.DOUBLE, ["N", 4])],
        [helper.make_tensor_value_info("output", onnx.TensorProto.DOUBLE, ["N", 3])],
        [numpy_helper.from_array(b, "B"), numpy_helper.from_array(c, "C")])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="generate.py")
    m.ir_version = 7
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, os.path.join(HERE, "gemm_attrs_f64.onnx"))
    predictions["gemm_attrs_f64"] = 0.5 * (x64.numpy() @ b) + 2.0 * c

    np.savez(os.path.join(HERE, "predictions.npz"), **predictions)


if __name__ == "__main__":
    main()
