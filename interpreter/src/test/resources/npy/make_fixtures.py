"""Writes the .npy fixtures NpyTest reads (run once, from this folder: python3 make_fixtures.py).
numpy writes them, so the test checks bufdsl against numpy's own format, in both orders and types."""
import numpy as np

a = np.arange(1, 7, dtype=np.float64).reshape(2, 3)  # [[1, 2, 3], [4, 5, 6]]
np.save("c_f8.npy", a)                               # C order
np.save("fortran_f8.npy", np.asfortranarray(a))       # Fortran order
np.save("c_f4.npy", a.astype(np.float32))
np.save("cube_f8.npy", np.arange(24, dtype=np.float64).reshape(2, 3, 4))
