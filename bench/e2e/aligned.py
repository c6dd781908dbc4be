# numpy's side of aligned.buf: the same contraction, REPS times, as a numpy user writes it
import sys
import numpy as np

reps = int(sys.argv[1])
rng = np.random.default_rng(1)
A = rng.random((20, 20, 40, 40))
B = rng.random((40, 40, 40, 40))
E = np.zeros((20, 20, 40, 40))
for _ in range(reps):
    E = np.einsum("ijab,abcd->ijcd", A, B, optimize=True)
print(E.sum())
