"""Plots: response curves with bands over runs, time unit on every axis.

Colours are the Okabe-Ito palette (safe for the common colour-vision
deficiencies); matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from ._io import atomic_path

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["PALETTE", "response_curves", "save_figure"]

#: Okabe & Ito (2008) colour-blind safe palette, black last.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")


def _pyplot():
    import matplotlib

    if not os.environ.get("DISPLAY") and matplotlib.get_backend().lower() not in (
            "agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def response_curves(curves: Mapping[str, pd.DataFrame], *, unit: str = "hours",
                    ax: Axes | None = None, title: str | None = None,
                    logx: bool = False) -> Axes:
    """Draw fraction turned against time, one line (median) and band per curve.

    Parameters
    ----------
    curves : mapping name -> DataFrame
        As returned by :meth:`swarm.Result.curve` (columns ``time``,
        ``median``, ``lo``, ``hi``).
    unit : str
        Time unit, shown on the x axis.
    ax : matplotlib Axes, optional
    title : str, optional
    logx : bool
        Logarithmic time axis (for structures that differ by orders of magnitude).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import swarm
    >>> res = swarm.simulate(swarm.hierarchy(100), swarm.Cascade(), runs=5, seed=1)
    >>> ax = response_curves({"hierarchy": res.curve()})
    >>> ax.get_xlabel()
    'time (hours)'
    """
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    for k, (name, c) in enumerate(curves.items()):
        colour = PALETTE[k % len(PALETTE)]
        ax.fill_between(c["time"], 100 * c["lo"], 100 * c["hi"], color=colour, alpha=0.2,
                        linewidth=0, step="post")
        ax.step(c["time"], 100 * c["median"], where="post", color=colour, linewidth=2,
                label=name)
    ax.set_xlabel(f"time ({unit})")
    ax.set_ylabel("staff turned (%)")
    ax.set_ylim(0, 101)
    if logx:
        ax.set_xscale("symlog", linthresh=max(1e-3, _first_positive(curves)))
    else:
        ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.legend(title="median, 5-95 % of runs", loc="lower right", frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _first_positive(curves) -> float:
    vals = [c["time"][c["time"] > 0].min() for c in curves.values() if (c["time"] > 0).any()]
    return float(min(vals)) if vals else 1.0


def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: int = 120) -> None:
    """Write ``fig`` to ``path`` atomically (a crash leaves no half-written file)."""
    fmt = os.path.splitext(os.fspath(path))[1].lstrip(".") or "png"
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=fmt)
