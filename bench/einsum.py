"""numpy's side of the 4-index benchmark (FourIndexBench): E[i,j,c,d] = A[i,j,a,b] * B[a,b,c,d],
i,j = 20 and a,b,c,d = 40, with einsum(..., optimize=True). Run beside the JMH benchmark:
    python3 bench/einsum.py
numpy is not a build dependency; this script is only for the comparison in the README."""
import time

import numpy as np

rng = np.random.default_rng(1)
A = rng.random((20, 20, 40, 40))
B = rng.random((40, 40, 40, 40))
for _ in range(3):  # warm up
    np.einsum("ijab,abcd->ijcd", A, B, optimize=True)
runs = 10
start = time.perf_counter()
for _ in range(runs):
    np.einsum("ijab,abcd->ijcd", A, B, optimize=True)
print(f"numpy einsum 4-index: {(time.perf_counter() - start) / runs * 1000:.1f} ms/op")
