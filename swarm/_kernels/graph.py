"""Graph preparation kernels: renumbering and reversing a CSR in linear time.

Reversing the watch graph (who watches me, rather than whom I watch) is a
counting sort by column: one pass to count, one to scatter. An argsort of
the edges costs several times more at 10^7 edges.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def _permute_csr(indptr, indices, order, inverse):
    """Rows and columns renumbered: new row q is old row ``order[q]``.

    Returns (indptr, indices, edge) where ``edge[s]`` is the old position of
    new entry ``s``; each new row is sorted by column.
    """
    n = order.shape[0]
    nnz = indices.shape[0]
    new_ptr = np.empty(n + 1, dtype=np.int64)
    new_idx = np.empty(nnz, dtype=np.int32)
    edge = np.empty(nnz, dtype=np.int64)
    new_ptr[0] = 0
    pos = 0
    for q in range(n):
        old = order[q]
        start = pos
        for s in range(indptr[old], indptr[old + 1]):
            col = inverse[indices[s]]
            j = pos  # insertion sort: rows are short
            while j > start and new_idx[j - 1] > col:
                new_idx[j] = new_idx[j - 1]
                edge[j] = edge[j - 1]
                j -= 1
            new_idx[j] = col
            edge[j] = s
            pos += 1
        new_ptr[q + 1] = pos
    return new_ptr, new_idx, edge


@njit(cache=True)
def _reverse_csr(indptr, indices, out_slot):
    """The transpose of a CSR, with each entry's position in the original.

    Returns (out_ptr, out_idx): row ``j`` of the result lists the rows ``i``
    whose entry ``s`` points at ``j``, in increasing ``i``; ``out_slot`` (one
    per entry, int32 or int64 as the caller allocated it) receives that ``s``.
    Per-edge values follow with a gather ``values[out_slot]`` where they are
    needed at all (a unit scale or a single channel is never gathered).
    """
    n = indptr.shape[0] - 1
    nnz = indices.shape[0]
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    for s in range(nnz):
        out_ptr[indices[s] + 1] += 1
    for j in range(n):
        out_ptr[j + 1] += out_ptr[j]
    fill = out_ptr[:-1].copy()
    out_idx = np.empty(nnz, dtype=np.int32)
    for i in range(n):
        for s in range(indptr[i], indptr[i + 1]):
            j = indices[s]
            p = fill[j]
            fill[j] = p + 1
            out_idx[p] = i
            out_slot[p] = s
    return out_ptr, out_idx


@njit(cache=True)
def _first_self_watch(indptr, indices):
    """The first row ``i`` holding an entry ``i`` (self-watching), or -1.

    The check without materialising a row index per entry (8 bytes an edge).
    """
    n = indptr.shape[0] - 1
    for i in range(n):
        for s in range(indptr[i], indptr[i + 1]):
            if indices[s] == i:
                return i
    return -1
