"""How a response time grows with head count: a log law and a power law, fitted.

Two laws are fitted to times ``t(n)`` measured at several head counts:

- the **log law** ``t = a + b ln n``: what a tree or a small world gives,
  whose hop distances grow as ``log n``;
- the **power law** ``t = a + b (n**alpha - 1) / alpha``, whose exponent
  ``alpha`` is the quantity of interest: ``1/2`` for a flat 2-D map of local
  neighbourhoods (hops grow as ``sqrt(n)``), ``1/3`` in 3-D. This is the
  Box-Cox form (Box & Cox 1964, J. R. Stat. Soc. B 26:211): it tends to the
  log law as ``alpha -> 0``, so one exponent with its confidence interval
  tells the laws apart, and the offset ``a`` absorbs what does not grow
  (the first hop, the last stragglers) instead of biasing ``alpha``.

Fits are weighted least squares. When the residuals are larger than the
given errors explain (reduced chi-square above 1), the covariance is scaled
up by it (the Birge ratio), so the interval also covers a law that fits
only approximately.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import optimize, stats

__all__ = ["fit_growth", "median_error"]


def _box_cox(n, a, b, alpha):
    ln = np.log(n)
    small = abs(alpha) < 1e-8
    return a + b * (ln if small else np.expm1(alpha * ln) / alpha)


def median_error(lo, hi, runs) -> np.ndarray:
    """Standard error of a median over ``runs`` runs from its 5-95 % range.

    For a roughly normal spread the 5-95 % range is ``3.29`` standard
    deviations, and the median's standard error ``sqrt(pi / 2) sigma /
    sqrt(runs)`` (e.g. Kendall & Stuart, *The Advanced Theory of
    Statistics*, vol. 1, 10.10).

    Examples
    --------
    >>> round(float(median_error(0.0, 3.29, 100)), 4)
    0.1253
    """
    sigma = (np.asarray(hi, dtype=float) - np.asarray(lo, dtype=float)) / 3.29
    return math.sqrt(math.pi / 2) * sigma / np.sqrt(np.asarray(runs, dtype=float))


def fit_growth(
    sizes: Sequence[float], times: Sequence[float], errors=None, *, level: float = 0.95
) -> dict[str, float]:
    """Fit the log law and the power law to times measured at several head counts.

    Parameters
    ----------
    sizes : sequence of float
        Head counts (> 1), at least four distinct.
    times : sequence of float
        The time at each head count (e.g. the median t90); finite and > 0.
    errors : sequence of float, optional
        Standard error of each time (default: equal weights, errors taken
        from the scatter).
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    dict
        ``log_slope`` (``b`` of the log law, time per e-fold of head count)
        with ``log_slope_lo``/``_hi``; ``exponent`` (``alpha`` of the power
        law) with ``exponent_lo``/``_hi``; ``log_chi2`` and ``power_chi2``
        (weighted residual sums of squares) and ``points``.

    Examples
    --------
    >>> import numpy as np
    >>> n = np.array([1e2, 1e3, 1e4, 1e5, 1e6])
    >>> fit = fit_growth(n, 2 + 0.5 * np.sqrt(n), errors=0.01 * np.sqrt(n))
    >>> round(fit["exponent"], 3)
    0.5
    """
    n = np.asarray(sizes, dtype=float)
    t = np.asarray(times, dtype=float)
    if n.ndim != 1 or n.shape != t.shape or np.unique(n).size < 4:
        raise ValueError(
            f"sizes and times must be 1-D of the same length with at least 4 "
            f"distinct head counts, got {n.size} sizes and {t.size} times"
        )
    if np.any(n <= 1) or not np.all(np.isfinite(t)) or np.any(t <= 0):
        raise ValueError(
            "sizes must be > 1 and times finite and > 0; drop cells where the "
            "time is inf (not enough people reached)"
        )
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    given = errors is not None
    sigma = np.broadcast_to(np.asarray(errors, dtype=float), t.shape) if given else np.ones_like(t)
    if given and not np.all(sigma > 0):
        raise ValueError("errors must be > 0")
    z = stats.norm.ppf(0.5 + level / 2)
    out: dict[str, float] = {"points": float(n.size)}

    # log law: linear weighted least squares
    X = np.column_stack([np.ones_like(n), np.log(n)]) / sigma[:, None]
    coef, *_ = np.linalg.lstsq(X, t / sigma, rcond=None)
    resid = t / sigma - X @ coef
    chi2 = float(resid @ resid)
    dof = n.size - 2
    cov = np.linalg.inv(X.T @ X)
    scale = chi2 / dof if not given else max(1.0, chi2 / dof)
    q = stats.t.ppf(0.5 + level / 2, dof) if not given else z
    half = q * math.sqrt(cov[1, 1] * scale)
    out.update(
        log_slope=float(coef[1]),
        log_slope_lo=float(coef[1] - half),
        log_slope_hi=float(coef[1] + half),
        log_chi2=chi2,
    )

    # power law (Box-Cox), started from the log law
    best = None
    for start in (0.05, 0.3, 0.6):
        try:
            p, pcov = optimize.curve_fit(
                _box_cox,
                n,
                t,
                p0=[coef[0], coef[1], start],
                sigma=sigma,
                absolute_sigma=True,
                bounds=([-np.inf, -np.inf, -1.0], [np.inf, np.inf, 2.0]),
                maxfev=20000,
            )
        except (RuntimeError, ValueError):
            continue
        r = (t - _box_cox(n, *p)) / sigma
        c2 = float(r @ r)
        if best is None or c2 < best[2]:
            best = (p, pcov, c2)
    if best is None:
        raise ValueError("the power law could not be fitted to these times")
    p, pcov, c2 = best
    dof = n.size - 3
    if dof > 0:
        scale = c2 / dof if not given else max(1.0, c2 / dof)
        q = stats.t.ppf(0.5 + level / 2, dof) if not given else z
        half = q * math.sqrt(max(pcov[2, 2], 0.0) * scale)
    else:
        half = math.inf
    out.update(
        exponent=float(p[2]),
        exponent_lo=float(p[2] - half),
        exponent_hi=float(p[2] + half),
        power_chi2=c2,
    )
    return out
