#!/usr/bin/env python3
"""Writes the .npy/.npz fixtures of Nabla's NumPy tests with the real NumPy.

Run from this folder with Debian's NumPy (apt-get install python3-numpy; these were made by NumPy 1.24.2):
    /usr/bin/python3 make_fixtures.py
The tests never run Python: they read the committed files. Every array's values follow a formula of the
element's C-order flat index i, which the tests compute independently (NumPyFixtureTests.Expected):
    bool:            (i * 7) % 23 % 3 == 0
    int8:            ((i * 7) % 23 - 11) * 11
    uint8:           ((i * 7) % 23) * 11
    int16:           ((i * 7) % 23 - 11) * 2900
    int32:           ((i * 7) % 23 - 11) * 100003
    int64:           ((i * 7) % 23 - 11) * 1000000000007
    float16/32/64:   ((i * 7) % 23 - 11) / 4
"""
import numpy as np

DTYPES = {"bool": "b1", "int8": "i1", "uint8": "u1", "int16": "i2", "int32": "i4", "int64": "i8", "float16": "f2", "float32": "f4", "float64": "f8"}
SHAPES = {"scalar": (), "0x3": (0, 3), "5": (5,), "2x3x4": (2, 3, 4)}


def values(name, shape):
    i = np.arange(int(np.prod(shape, dtype=np.int64)), dtype=np.int64)
    k = (i * 7) % 23 - 11
    if name == "bool":
        v = (i * 7) % 23 % 3 == 0
    elif name == "int8":
        v = k * 11
    elif name == "uint8":
        v = ((i * 7) % 23) * 11
    elif name == "int16":
        v = k * 2900
    elif name == "int32":
        v = k * 100003
    elif name == "int64":
        v = k * 1000000000007
    else:
        v = k / 4
    return v.reshape(shape)


for name, code in DTYPES.items():
    for shape_name, shape in SHAPES.items():
        for order in ("C", "F"):
            for endian in ("<", ">"):
                if name in ("bool", "int8", "uint8") and endian == ">":
                    continue  # one byte: no byte order ('|b1', '|i1', '|u1')
                a = np.array(values(name, shape), dtype=np.dtype(endian + code), order=order)
                if order == "F" and a.ndim > 1 and a.size > 0:
                    assert a.flags.f_contiguous and not a.flags.c_contiguous
                np.save(f"{name}_{shape_name}_{order}_{'be' if endian == '>' else 'le'}.npy", a)

# bfloat16 has no NumPy dtype; ml_dtypes's bfloat16 arrays are saved as 2-byte voids: the top half of a float32.
largest = np.array([0x7F7F0000], dtype=np.uint32).view(np.float32)[0]  # the largest finite bfloat16
f = np.array([1.5, -2.0, 0.15625, largest, -0.0, 65280.0], dtype=np.float32).reshape(2, 3)
np.save("bfloat16_2x3_C_le.npy", (f.view(np.uint32) >> 16).astype("<u2").view("V2"))

arrays = {"weights": values("float32", (2, 3, 4)).astype(np.float32), "counts": values("int64", (5,)),
          "mask": values("bool", (5,)), "scalar": values("float64", ())}
np.savez("stored.npz", **arrays)
np.savez_compressed("deflated.npz", **arrays)
np.savez("positional.npz", values("int32", (5,)).astype(np.int32), np.asfortranarray(values("float64", (2, 3, 4))))
