# numpy's side of small.buf: the same small contraction, REPS times, into a preallocated array
import sys

import numpy as np

reps = int(sys.argv[1])
A = np.random.rand(4, 4)
B = np.random.rand(4, 4)
C = np.zeros((4, 4))
for _ in range(reps):
    np.einsum("ij,jk->ik", A, B, out=C)
print(C.sum() > 0)
