"""Numba kernels: private, arrays and scalars in, arrays out.

numba's OpenMP threads busy-wait between parallel regions by default; on a
shared two-core machine that burns the other core. Ask for passive waiting
before numba starts its thread pool (the user's own setting wins).
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
