#!/usr/bin/python3
"""Regenerates the NumPy fixtures beside this script (run with Debian's python3-numpy: /usr/bin/python3 generate.py).

Values are deterministic (arange-based, plus special values), so the tests can rebuild the same arrays in C# and
compare bit for bit. numpy 1.24.2 wrote the committed files.
"""
import io
import os
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def c_matrix(rows, cols, dtype):
    # value (i, j) = i * 10 + j + 0.25, with a few special values the float formats must carry through unchanged.
    a = (np.arange(rows)[:, None] * 10 + np.arange(cols)[None, :] + 0.25).astype(dtype)
    return a


f32 = c_matrix(3, 4, np.float32)
f32[0, 1] = -0.0
f32[1, 2] = np.inf
f32[2, 3] = np.nan
np.save(path("f32_3x4.npy"), f32)

f64 = c_matrix(5, 2, np.float64)
f64[4, 0] = -np.inf
f64[3, 1] = 1e-310  # subnormal
np.save(path("f64_5x2.npy"), f64)

np.save(path("f64_fortran_3x4.npy"), np.asfortranarray(c_matrix(3, 4, np.float64)))
np.save(path("f32_vector_7.npy"), (np.arange(7) * 0.5).astype(np.float32))
np.save(path("f64_empty_0x3.npy"), np.zeros((0, 3), dtype=np.float64))

architecture = '{"layers":[2,3,1],"activations":["tanh","sigmoid"],"note":"µ-test ✓"}'
arch = np.frombuffer(architecture.encode("utf-8"), dtype=np.uint8)
np.savez(path("model_stored.npz"), W1=c_matrix(3, 2, np.float32), b1=np.arange(3, dtype=np.float32), architecture=arch)
np.savez_compressed(path("model_deflated.npz"), W1=c_matrix(3, 2, np.float64), b1=np.arange(3, dtype=np.float64), architecture=arch)

# Version 2.0 and 3.0 headers (NumPy only picks them for huge or non-latin-1 headers, so force them).
with open(path("f32_v2_2x3.npy"), "wb") as f:
    np.lib.format.write_array(f, c_matrix(2, 3, np.float32), version=(2, 0))
with open(path("f32_v3_2x3.npy"), "wb") as f:
    np.lib.format.write_array(f, c_matrix(2, 3, np.float32), version=(3, 0))

# Integer arrays (class ids, counts): every dtype in both byte orders, values 0, 1, 2, 3, min, max of the dtype.
for code in ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"]:
    info = np.iinfo(np.dtype(code))
    values = [0, 1, 2, 3, int(info.min), int(info.max)]
    for order, name in [("<", "le"), (">", "be")]:
        if code[1] == "1" and order == ">":
            continue  # one byte has no byte order
        np.save(path(f"int_{code}_{name}_2x3.npy"), np.array(values, dtype=np.dtype(order + code)).reshape(2, 3))
np.save(path("int_i8_labels_10.npy"), (np.arange(10) % 4).astype(np.int64))  # class ids as np.save writes them
np.save(path("int_i2_fortran_3x4.npy"), np.asfortranarray((np.arange(12) - 6).astype(">i2").reshape(3, 4)))
# 2**53 + 1 is the first integer float64 cannot hold; 2**60 has one significant bit and converts exactly.
np.save(path("int_i8_beyond_double_4.npy"), np.array([0, 2**60, 2**53, 2**53 + 1], dtype=np.int64))

# Files NeuralCore must reject with a clear message.
np.save(path("bad_int64.npy"), np.arange(6, dtype=np.int64).reshape(2, 3))
np.save(path("bad_bigendian.npy"), c_matrix(2, 3, np.dtype(">f4")))
np.save(path("bad_3d.npy"), np.zeros((2, 3, 4), dtype=np.float32))
np.save(path("bad_object.npy"), np.array([1, "a", None], dtype=object), allow_pickle=True)
np.savez(path("bad_member_int64.npz"), W1=c_matrix(2, 2, np.float32), counts=np.arange(3, dtype=np.int64))

print("fixtures written to", HERE)
