# numpy's side of chain.buf
import sys
import numpy as np

reps = int(sys.argv[1])
rng = np.random.default_rng(1)
A = rng.random((600, 600))
B = rng.random((600, 30, 30))
C = rng.random((30, 30, 600))
D = rng.random((600, 600))
W = np.zeros((600, 600))
for _ in range(reps):
    W = np.einsum("ij,jkl,lkm,mn->in", A, B, C, D, optimize=True)
print(W.sum())
