"""50-digit values of the activations defined through Φ, σ, log and exp, and of their derivatives, at fixed points
(the table in tests/NeuralCore.Tests/Elementwise/ActivationReferenceTests.cs). Needs mpmath (python3-mpmath).

    python3 activation_values.py
"""
import mpmath as mp

mp.mp.dps = 50

POINTS = [-30, -10, -5, -3, -2, -0.625, -0.125, -2**-17, 2**-17, 0.125, 0.625, 1.5, 3, 5, 10]  # exact in float too
C = mp.sqrt(2 / mp.pi)
K = mp.mpf("0.044715")


def gelu_tanh(z):
    return z / 2 * (1 + mp.tanh(C * (z + K * z**3)))


def silu(z):
    return z / (1 + mp.exp(-z))


KINDS = [
    ("Activation.Gelu", lambda z: z * mp.ncdf(z), lambda z: mp.ncdf(z) + z * mp.npdf(z)),
    ("Activation.GeluTanh", gelu_tanh, lambda z: mp.diff(gelu_tanh, z)),
    ("Activation.Silu", silu, lambda z: mp.diff(silu, z)),
    ("Activation.Softplus", lambda z: mp.log(1 + mp.exp(z)), lambda z: 1 / (1 + mp.exp(-z))),
    ("Activation.Elu", lambda z: z if z > 0 else mp.exp(z) - 1, lambda z: 1 if z > 0 else mp.exp(z)),
    ("Activation.CreateElu(1.7)", lambda z: z if z > 0 else mp.mpf(1.7) * (mp.exp(z) - 1), lambda z: 1 if z > 0 else mp.mpf(1.7) * mp.exp(z)),
]

for name, f, d in KINDS:
    for z in POINTS:
        x = mp.mpf(z)
        print(f"        ({name}, {z!r}, {float(f(x))!r}, {float(d(x))!r}),")
