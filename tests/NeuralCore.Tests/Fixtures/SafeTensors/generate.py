#!/usr/bin/python3
"""safetensors fixtures: PyTorch nn.Sequential state_dicts NeuralCore must load, and the check that files NeuralCore
writes load into PyTorch.

    /usr/bin/python3 generate.py           # writes torch_*.safetensors, arch.json, x.npy and PyTorch's predictions y_*.npy
    /usr/bin/python3 generate.py --verify  # loads neuralcore_*.safetensors into torch.nn.Sequential.load_state_dict
                                           # (strict) and compares with NeuralCore's predictions neuralcore_*_y.npy

Debian's python3 with torch 1.13 and numpy 1.24 wrote the committed files. There is no safetensors package here, so
the format is written and read by hand below (8-byte little-endian header length, JSON header, raw little-endian
C-order data), as the reference implementation lays it out.

The model is nn.Sequential(Linear, ReLU, Dropout, Linear, Sigmoid, Linear, Tanh, Linear, Linear, LeakyReLU(0.2), ...):
a Dropout and a Linear without an activation give Linear indices 0, 3, 5, 7, 8, 10, ... (not contiguous, not every
other one), as a real state_dict has. The files:

    torch_f32.safetensors        F32   0.weight …             __metadata__ with the architecture   padded header
    torch_f32_plain.safetensors  F32   0.weight …             no __metadata__                      unpadded, spaced JSON
    torch_f64.safetensors        F64   layers.0.weight …      __metadata__ with the architecture   unpadded header
    torch_f16.safetensors        F16   0.weight …             no __metadata__                      padded header
    torch_bf16.safetensors       BF16  model.net.0.weight …   no architecture in __metadata__      unpadded, data in reverse order

    x.npy                        float64 inputs (x.astype(float32) for the float32 models)
    y_f32.npy, y_f64.npy         the float32 / float64 model's predictions
    y_f16_f32.npy, y_f16_f64.npy the model with its weights rounded to float16, run in float32 / float64
    y_bf16_f32.npy, y_bf16_f64.npy  the same for bfloat16
    arch.json                    the architecture in NeuralCore's JSON (for the files without it in __metadata__)

The NeuralCore side (written by the CLI, committed beside these; see README.md):

    neuralcore convert torch_f64.safetensors neuralcore_f64.safetensors
    neuralcore convert torch_f64.safetensors neuralcore_f32.safetensors --dtype float32
    neuralcore predict --model neuralcore_f64.safetensors --x x.npy --out neuralcore_f64_y.npy --dtype float64
    neuralcore predict --model neuralcore_f32.safetensors --x x.npy --out neuralcore_f32_y.npy --dtype float32

Output of --verify on the committed files:

    neuralcore_f32.safetensors: header padded to 277x8 bytes, metadata keys ['format', 'neuralcore.architecture']
      state_dict keys: 0.weight 0.bias 2.weight 2.bias 4.weight 4.bias 6.weight 6.bias 7.weight 7.bias 9.weight 9.bias 11.weight 11.bias 13.weight 13.bias 15.weight 15.bias 17.weight 17.bias 19.weight 19.bias
      load_state_dict(strict=True): ok; max |torch - neuralcore| = 4.17e-07 (tolerance 1e-06)
    neuralcore_f64.safetensors: header padded to 278x8 bytes, metadata keys ['format', 'neuralcore.architecture']
      state_dict keys: 0.weight 0.bias 2.weight 2.bias 4.weight 4.bias 6.weight 6.bias 7.weight 7.bias 9.weight 9.bias 11.weight 11.bias 13.weight 13.bias 15.weight 15.bias 17.weight 17.bias 19.weight 19.bias
      load_state_dict(strict=True): ok; max |torch - neuralcore| = 8.88e-16 (tolerance 1e-12)
    verified
"""
import json
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))

# NeuralCore's architecture JSON: every activation the state_dict mapping has to place.
ARCH = [
    {"input_dim": 3, "output_dim": 8, "activation": "relu"},
    {"input_dim": 8, "output_dim": 8, "activation": "sigmoid"},
    {"input_dim": 8, "output_dim": 7, "activation": "tanh"},
    {"input_dim": 7, "output_dim": 7, "activation": "linear"},
    {"input_dim": 7, "output_dim": 6, "activation": "leaky_relu", "negative_slope": 0.2},
    {"input_dim": 6, "output_dim": 6, "activation": "gelu"},
    {"input_dim": 6, "output_dim": 6, "activation": "gelu_tanh"},
    {"input_dim": 6, "output_dim": 5, "activation": "elu", "alpha": 0.5},
    {"input_dim": 5, "output_dim": 5, "activation": "silu"},
    {"input_dim": 5, "output_dim": 4, "activation": "softplus"},
    {"input_dim": 4, "output_dim": 3, "activation": "softmax"},
]

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}
TORCH_DTYPES = {v: k for k, v in DTYPES.items()}


def activation_module(layer):
    """The torch module for a NeuralCore activation; None for linear (no module in nn.Sequential)."""
    name = layer["activation"]
    return {
        "linear": lambda: None,
        "relu": torch.nn.ReLU,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
        "leaky_relu": lambda: torch.nn.LeakyReLU(layer.get("negative_slope", 0.01)),
        "gelu": torch.nn.GELU,
        "gelu_tanh": lambda: torch.nn.GELU(approximate="tanh"),
        "elu": lambda: torch.nn.ELU(layer.get("alpha", 1.0)),
        "silu": torch.nn.SiLU,
        "softplus": torch.nn.Softplus,
        "softmax": lambda: torch.nn.Softmax(dim=1),
    }[name]()


def sequential(arch, dropout_after_first=False):
    modules = []
    for i, layer in enumerate(arch):
        modules.append(torch.nn.Linear(layer["input_dim"], layer["output_dim"]))
        act = activation_module(layer)
        if act is not None:
            modules.append(act)
        if i == 0 and dropout_after_first:
            modules.append(torch.nn.Dropout(0.5))  # identity in eval(); holds an index of its own
    return torch.nn.Sequential(*modules).eval()


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    a = t.numpy()
    return a.astype(a.dtype.newbyteorder("<")).tobytes()


def write_safetensors(path, tensors, metadata=None, pad=True, reverse_data=False, compact=True):
    """tensors: name -> torch tensor, in header order; reverse_data lays the bytes out last tensor first;
    compact=False writes json.dumps' default ", " and ": " separators (whitespace inside the header)."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    blobs = {name: tensor_bytes(t) for name, t in tensors.items()}
    offset = 0
    order = list(tensors)[::-1] if reverse_data else list(tensors)
    offsets = {}
    for name in order:
        offsets[name] = [offset, offset + len(blobs[name])]
        offset += len(blobs[name])
    for name, t in tensors.items():
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": offsets[name]}
    text = json.dumps(header, separators=(",", ":") if compact else None).encode("utf-8")
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    else:
        assert len(text) % 8 != 0, f"{path}: the unpadded header happens to be a multiple of 8; change the fixture"
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name in order:
            f.write(blobs[name])


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = TORCH_DTYPES[info["dtype"]]
        np_dtype = {torch.float32: "<f4", torch.float64: "<f8"}[dtype]
        tensors[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype=np_dtype).reshape(info["shape"]).copy())
    return n, metadata, tensors


def predict(model, x):
    with torch.no_grad():
        return model(x).numpy()


def generate():
    torch.manual_seed(12)
    model = sequential(ARCH, dropout_after_first=True)
    with torch.no_grad():
        for m in model:
            if isinstance(m, torch.nn.Linear):
                m.weight.mul_(4.0)       # livelier activations than the default init
                m.bias.uniform_(-0.5, 0.5)
    x = np.random.default_rng(12).uniform(-2, 2, size=(16, 3))
    arch_json = json.dumps(ARCH)
    with_arch = {"format": "pt", "neuralcore.architecture": arch_json}

    sd32 = model.state_dict()
    model64 = sequential(ARCH, dropout_after_first=True).double()
    model64.load_state_dict({k: v.double() for k, v in sd32.items()})
    sd64 = model64.state_dict()

    write_safetensors(os.path.join(HERE, "torch_f32.safetensors"), sd32, with_arch, pad=True)
    write_safetensors(os.path.join(HERE, "torch_f32_plain.safetensors"), sd32, None, pad=False, compact=False)

    wrapper = torch.nn.Module()
    wrapper.layers = model64
    write_safetensors(os.path.join(HERE, "torch_f64.safetensors"), wrapper.state_dict(), with_arch, pad=False)

    sd16 = {k: v.half() for k, v in sd32.items()}
    write_safetensors(os.path.join(HERE, "torch_f16.safetensors"), sd16, None, pad=True)

    outer = torch.nn.Module()
    outer.model = torch.nn.Module()
    outer.model.net = sequential(ARCH, dropout_after_first=True).to(torch.bfloat16)
    outer.model.net.load_state_dict({k: v.bfloat16() for k, v in sd32.items()})
    write_safetensors(os.path.join(HERE, "torch_bf16.safetensors"), outer.state_dict(), {"format": "pt", "source": "generate.py"}, pad=False, reverse_data=True)

    with open(os.path.join(HERE, "arch.json"), "w") as f:
        f.write(json.dumps(ARCH, indent=2) + "\n")
    np.save(os.path.join(HERE, "x.npy"), x)
    np.save(os.path.join(HERE, "y_f32.npy"), predict(model, torch.from_numpy(x.astype(np.float32))))
    np.save(os.path.join(HERE, "y_f64.npy"), predict(model64, torch.from_numpy(x)))
    for short, dtype in (("f16", torch.float16), ("bf16", torch.bfloat16)):
        rounded = {k: v.to(dtype) for k, v in sd32.items()}
        as32 = sequential(ARCH, dropout_after_first=True)
        as32.load_state_dict({k: v.float() for k, v in rounded.items()})
        as64 = sequential(ARCH, dropout_after_first=True).double()
        as64.load_state_dict({k: v.double() for k, v in rounded.items()})
        np.save(os.path.join(HERE, f"y_{short}_f32.npy"), predict(as32, torch.from_numpy(x.astype(np.float32))))
        np.save(os.path.join(HERE, f"y_{short}_f64.npy"), predict(as64, torch.from_numpy(x)))


def verify():
    x = np.load(os.path.join(HERE, "x.npy"))
    ok = True
    for short, np_dtype, torch_dtype, tolerance in (("f32", np.float32, torch.float32, 1e-6), ("f64", np.float64, torch.float64, 1e-12)):
        path = os.path.join(HERE, f"neuralcore_{short}.safetensors")
        n, metadata, tensors = read_safetensors(path)
        assert n % 8 == 0, f"{path}: header length {n} is not padded to a multiple of 8"
        arch = json.loads(metadata["neuralcore.architecture"])
        model = sequential(arch).to(torch_dtype)
        model.load_state_dict(tensors, strict=True)  # raises on a missing, extra or misshapen tensor
        expected = np.load(os.path.join(HERE, f"neuralcore_{short}_y.npy"))
        got = predict(model, torch.from_numpy(x.astype(np_dtype)))
        diff = float(np.max(np.abs(got - expected)))
        print(f"{os.path.basename(path)}: header padded to {n // 8}x8 bytes, metadata keys {sorted(metadata)}")
        print(f"  state_dict keys: {' '.join(tensors)}")
        print(f"  load_state_dict(strict=True): ok; max |torch - neuralcore| = {diff:.3g} (tolerance {tolerance:g})")
        ok = ok and diff <= tolerance
    print("verified" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--verify"]:
        sys.exit(verify())
    generate()
