"""Test data shared by the charges tests: a methanol-like geometry (Å): C, O, H(C) x3, H(O)."""

import numpy as np

ELEMENTS = ["C", "O", "H", "H", "H", "H"]
COORDS = np.array(
    [
        [-0.3669, 0.0098, 0.0139],
        [0.9716, -0.3834, -0.1755],
        [-0.9878, -0.8906, 0.0575],
        [-0.4592, 0.5844, 0.9428],
        [-0.7210, 0.6301, -0.8165],
        [1.5633, 0.0497, -0.0222],
    ]
)
