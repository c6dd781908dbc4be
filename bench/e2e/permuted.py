# numpy's side of permuted.buf
import sys
import numpy as np

reps = int(sys.argv[1])
rng = np.random.default_rng(1)
T = rng.random((40, 20, 40, 20))
V = rng.random((40, 40, 40, 40))
R = np.zeros((20, 20, 40, 40))
for _ in range(reps):
    R = np.einsum("aibj,cadb->ijcd", T, V, optimize=True)
print(R.sum())
