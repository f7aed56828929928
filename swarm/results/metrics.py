"""Response metrics from arrival times (runs x agents, inf = never turned).

All functions are vectorised over runs and take plain arrays, so they serve
results, sweeps and stores alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["METRICS", "fraction_turned", "per_run", "spread", "time_to_fraction"]

#: The per-run metrics every summary reports, in order.
METRICS: tuple[str, ...] = ("t10", "t50", "t90", "t_all", "synchrony", "reach")


def time_to_fraction(times: np.ndarray, q: float, *, total: int | None = None) -> np.ndarray:
    """Per run, the time by which a fraction ``q`` of the agents had turned.

    ``inf`` where fewer than ``q * total`` agents ever turned. ``total``
    defaults to the number of columns.

    Examples
    --------
    >>> time_to_fraction(np.array([[0.0, 1.0, 2.0, np.inf]]), 0.5).tolist()
    [1.0]
    """
    times = np.atleast_2d(times)
    total = times.shape[1] if total is None else total
    if total == 0:
        return np.full(times.shape[0], np.nan)
    k = max(int(np.ceil(q * total - 1e-9)), 1) - 1
    if k >= times.shape[1]:
        return np.full(times.shape[0], np.inf)
    return np.partition(times, k, axis=1)[:, k]


def per_run(times: np.ndarray) -> pd.DataFrame:
    """One row per run: t10, t50, t90, t_all, synchrony (t90 - t10), reach.

    ``t_all`` is the time by which everyone had turned (inf if anyone never
    did); ``reach`` the fraction of agents that ever turned.
    """
    times = np.atleast_2d(times)
    n = times.shape[1]
    if n:  # one partition for the three quantiles: the same values, a third of the work
        ks = [max(int(np.ceil(q * n - 1e-9)), 1) - 1 for q in (0.1, 0.5, 0.9)]
        part = np.partition(times, sorted(set(ks)), axis=1)
        t10, t50, t90 = (part[:, k] for k in ks)
    else:
        t10 = t50 = t90 = np.full(times.shape[0], np.nan)
    # a run that never reaches 90 % has no finite synchrony (inf, not inf - inf)
    with np.errstate(invalid="ignore"):
        sync = np.where(np.isinf(t90), np.inf, t90 - t10)
    return pd.DataFrame(
        {
            "t10": t10,
            "t50": t50,
            "t90": t90,
            "t_all": times.max(axis=1) if times.shape[1] else np.full(times.shape[0], np.nan),
            "synchrony": sync,
            "reach": np.isfinite(times).mean(axis=1) if times.shape[1] else np.nan,
        }
    )


def spread(runs: pd.DataFrame, *, low: float = 0.05, high: float = 0.95) -> dict[str, float]:
    """Median and [low, high] quantiles over runs of each metric, ``reach`` as mean.

    Medians and quantiles stay meaningful when some runs never reach 90 %
    (their t90 is inf), where a mean would not.
    """
    out: dict[str, float] = {}
    for m in METRICS:
        v = runs[m].to_numpy(dtype=float)
        if m == "reach":
            out["reach"] = float(v.mean())
            continue
        lo, med, hi = np.quantile(v, [low, 0.5, high], method="inverted_cdf")
        out[m], out[f"{m}_lo"], out[f"{m}_hi"] = float(med), float(lo), float(hi)
    return out


def fraction_turned(times: np.ndarray, grid: np.ndarray, *, total: int | None = None) -> np.ndarray:
    """Fraction of agents turned by each time of ``grid``, per run (runs x len(grid))."""
    times = np.atleast_2d(times)
    total = times.shape[1] if total is None else total
    s = np.sort(times, axis=1)
    out = np.empty((s.shape[0], grid.size))
    for r in range(s.shape[0]):
        out[r] = np.searchsorted(s[r], grid, side="right")
    return out / max(total, 1)
