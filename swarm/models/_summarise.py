"""``keep="summary"`` for the cascade: each run reduced to its metrics inside the batch.

The reduction kernel (``_kernels/summary.py``) works in the kernel's agent
numbering; every metric it keeps is blind to the order of agents (counts,
extremes, order statistics), so only the sets are mapped here: who is
present, and who belongs to each department and level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._kernels.cascade import _cascade_runs
from .._kernels.summary import _summary_blocks
from ..results.summary import GroupStats, Summary
from ._runner import BATCH, entropy_of, run_batches

if TYPE_CHECKING:
    from ..organisation import Organisation

__all__ = ["POINTS", "rank", "summarise"]

#: Times on the default response-curve grid.
POINTS = 200


def rank(q: float, total: int) -> int:
    """The 0-based rank whose value is the time a fraction ``q`` of ``total`` had turned.

    The rank ``metrics.time_to_fraction`` and ``metrics.per_run`` read.
    """
    return max(int(np.ceil(q * total - 1e-9)), 1) - 1


def _threads() -> int:
    from numba import get_num_threads

    return get_num_threads()


def _default_grid(args, k_origins, keys, present_k) -> np.ndarray:
    """``POINTS`` times from 0 to twice the last turn of run 0 (run once more, alone)."""
    n = present_k.shape[0]
    times = np.empty((1, n))
    informed = np.empty((1, n), dtype=np.int32)
    _cascade_runs(*args, k_origins[:1], keys[:1], times, informed)
    t = times[0][present_k]
    t = t[np.isfinite(t)]
    end = 2.0 * float(t.max()) if t.size else 0.0
    return np.linspace(0.0, end if end > 0 else 1.0, POINTS)


def _groups(org: Organisation, present_k: np.ndarray, order):
    """(kind, names, ptr, idx, ks, sizes) of departments and levels, kernel numbering."""
    kinds = []
    if org.department is not None:
        kinds.append(("department", org.department, list(org.department_names)))
    if org.level is not None:
        kinds.append(("level", org.level, list(range(int(org.level.max()) + 1))))
    out, ptr, idx, ks = [], [0], [], []
    for kind, codes, names in kinds:
        codes_k = codes if order is None else codes[order]
        kept, sizes = [], []
        for c, nm in enumerate(names):
            members = np.flatnonzero((codes_k == c) & present_k).astype(np.int32)
            if members.size == 0:
                continue  # as Result's breakdowns: a group nobody is in has no row
            kept.append(nm)
            sizes.append(members.size)
            idx.append(members)
            ptr.append(ptr[-1] + members.size)
            ks.append((rank(0.5, members.size), rank(0.9, members.size)))
        out.append((kind, kept, np.array(sizes, dtype=np.int64)))
    idx = np.concatenate(idx) if idx else np.empty(0, dtype=np.int32)
    ks = np.array(ks, dtype=np.int64).reshape(-1, 2)
    return out, np.array(ptr, dtype=np.int64), idx, ks


def summarise(
    org: Organisation, model, shock, ss, args, origins, k_origins, keys, grid, progress
) -> Summary:
    """Run the cascades of ``simulate(..., keep="summary")`` and keep their metrics."""
    g = org._kernel
    order = g["order"]
    runs = keys.shape[0]
    present = np.ones(org.n, dtype=bool) if org.absent is None else ~org.absent
    present_k = present if order is None else present[order]
    total = int(present.sum())
    ks = np.array([rank(q, total) for q in (0.1, 0.5, 0.9)], dtype=np.int64)
    if grid is None:
        grid = _default_grid(args, k_origins, keys, present_k)
    grid = np.asarray(grid, dtype=np.float64).ravel()
    if grid.size == 0 or np.isnan(grid).any():
        raise ValueError(f"grid must be a non-empty array of times (no nan), got {grid!r}")
    sort = np.argsort(grid, kind="stable")
    sorted_grid = np.ascontiguousarray(grid[sort])
    kinds, grp_ptr, grp_idx, grp_ks = _groups(org, present_k, order)
    groups = grp_ks.shape[0]

    q_out = np.empty((runs, 3))
    turned = np.empty(runs, dtype=np.int64)
    last = np.empty(runs)
    curve = np.empty((runs, grid.size), dtype=np.int64)
    g_count = np.empty((runs, groups), dtype=np.int64)
    g_first = np.empty((runs, groups))
    g_q = np.empty((runs, groups, 2))

    def step(lo: int, hi: int) -> None:
        _summary_blocks(
            *args,
            k_origins[lo:hi],
            keys[lo:hi],
            max(1, min(hi - lo, _threads())),
            present_k,
            ks,
            sorted_grid,
            grp_ptr,
            grp_idx,
            grp_ks,
            q_out[lo:hi],
            turned[lo:hi],
            last[lo:hi],
            curve[lo:hi],
            g_count[lo:hi],
            g_first[lo:hi],
            g_q[lo:hi],
        )

    run_batches(
        runs, step, batch=max(BATCH, 4 * _threads()), progress=progress, desc=org.name or "runs"
    )
    turned_by = np.empty_like(curve)
    turned_by[:, sort] = curve
    stats, start = {}, 0
    for kind, names, sizes in kinds:
        sl = slice(start, start + len(names))
        stats[kind] = GroupStats(
            names=names,
            agents=sizes,
            turned=g_count[:, sl],
            first=g_first[:, sl],
            t50=g_q[:, sl, 0],
            t90=g_q[:, sl, 1],
        )
        start += len(names)
    return Summary(
        organisation=org,
        model=model,
        shock=shock,
        seed=entropy_of(ss),
        origins=origins,
        n=org.n,
        present=total,
        quantiles=q_out,
        t_all=last,
        turned=turned,
        grid=grid,
        turned_by=turned_by,
        groups=stats,
    )
