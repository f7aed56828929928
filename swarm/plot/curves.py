"""Plots of results: response curves with bands over runs, organisations, breakdowns.

Colours are the Okabe-Ito palette (safe for the common colour-vision
deficiencies); matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._layout import layout
from ._mpl import PALETTE, pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["department_bars", "draw_organisation", "heatmap", "response_curves"]


def response_curves(
    curves: Mapping[str, pd.DataFrame],
    *,
    unit: str = "hours",
    ax: Axes | None = None,
    title: str | None = None,
    logx: bool = False,
) -> Axes:
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
    plt = pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    for k, (name, c) in enumerate(curves.items()):
        colour = PALETTE[k % len(PALETTE)]
        style = ("-", "--", ":")[k // len(PALETTE) % 3]  # a ninth curve repeats a colour
        ax.fill_between(
            c["time"],
            100 * c["lo"],
            100 * c["hi"],
            color=colour,
            alpha=0.2,
            linewidth=0,
            step="post",
        )
        ax.step(
            c["time"],
            100 * c["median"],
            where="post",
            color=colour,
            linestyle=style,
            linewidth=2,
            label=name,
        )
    ax.set_xlabel(f"time ({unit})")
    ax.set_ylabel("staff turned (%)")
    ax.set_ylim(0, 101)
    if logx:
        ax.set_xscale("symlog", linthresh=max(1e-3, _first_positive(curves)))
    else:
        ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.legend(title="median, 5-95 % of runs", loc="best", frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _first_positive(curves) -> float:
    vals = [c["time"][c["time"] > 0].min() for c in curves.values() if (c["time"] > 0).any()]
    return float(min(vals)) if vals else 1.0


def draw_organisation(
    org,
    times: np.ndarray | None = None,
    *,
    ax: Axes | None = None,
    unit: str | None = None,
    max_agents: int = 5000,
    title: str | None = None,
) -> Axes:
    """Draw who watches whom, agents coloured by when they turned.

    Social-space positions where the organisation has them, else a tree
    drawing by level (hierarchies), else a spring layout. Meant for up to a
    few thousand agents.

    Parameters
    ----------
    org : Organisation
    times : array of n floats, optional
        Turn times (e.g. ``result.arrival_times[0]``); never-reached agents
        are drawn as open grey circles.
    ax : matplotlib Axes, optional
    unit : str, optional
        Time unit for the colour bar (default ``org.time_unit``).
    max_agents : int
        Refuse larger organisations (the picture would be a blur).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import swarm
    >>> org = swarm.hierarchy(60)
    >>> res = swarm.simulate(org, swarm.Cascade(), swarm.Shock("top"), seed=1)
    >>> ax = draw_organisation(org, res.arrival_times[0])
    >>> ax.collections[-1].colorbar.ax.get_ylabel()
    'turned after (hours)'
    """
    from matplotlib.collections import LineCollection

    if org.n > max_agents:
        raise ValueError(
            f"org has {org.n} agents; draw_organisation shows at most "
            f"max_agents={max_agents} (raise it, or draw a smaller organisation)"
        )
    plt = pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6), layout="constrained")
    xy = layout(org)
    w = org.watch.tocoo()
    segs = np.stack([xy[w.col], xy[w.row]], axis=1)
    ax.add_collection(LineCollection(segs, colors="#999999", linewidths=0.4, alpha=0.5, zorder=1))
    size = max(4.0, 3000.0 / max(org.n, 1))
    if times is None:
        ax.scatter(xy[:, 0], xy[:, 1], s=size, color=PALETTE[0], zorder=2)
    else:
        times = np.asarray(times, dtype=float)
        if times.shape != (org.n,):
            raise ValueError(
                f"times must hold one value per agent ({org.n}), got shape {times.shape}"
            )
        reached = np.isfinite(times)
        ax.scatter(
            xy[~reached, 0],
            xy[~reached, 1],
            s=size,
            facecolors="none",
            edgecolors="#999999",
            zorder=2,
            label="never reached",
        )
        sc = ax.scatter(
            xy[reached, 0], xy[reached, 1], s=size, c=times[reached], cmap="cividis", zorder=3
        )
        cb = ax.figure.colorbar(sc, ax=ax, shrink=0.8)
        cb.set_label(f"turned after ({unit or org.time_unit})")
        if (~reached).any():
            ax.legend(loc="upper right", frameon=False)
    ax.autoscale()
    ax.set_xticks([])
    ax.set_yticks([])
    if org.position is None and org.level is not None:
        ax.set_ylabel("level (top = 0)")
    ax.set_title(title or f"{org.name or 'organisation'}: {org.n} agents", fontsize=10)
    return ax


def department_bars(
    table: pd.DataFrame, *, unit: str = "hours", ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Horizontal bars of t50 and t90 per department, slowest at the top.

    Parameters
    ----------
    table : DataFrame
        As returned by :meth:`swarm.Result.by_department` (columns ``t50``, ``t90``).

    Examples
    --------
    >>> import swarm
    >>> res = swarm.simulate(swarm.silos(300, seed=1, departments=3), runs=5, seed=1)
    >>> ax = department_bars(res.by_department())
    >>> ax.get_xlabel()
    'time (hours)'
    """
    plt = pyplot()
    t = table.sort_values("t90")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.4 * len(t) + 1.5), layout="constrained")
    y = np.arange(len(t))
    ax.barh(y + 0.2, t["t50"], height=0.4, color=PALETTE[0], label="half turned (t50)")
    ax.barh(y - 0.2, t["t90"], height=0.4, color=PALETTE[1], label="90 % turned (t90)")
    ax.set_yticks(y, [str(i) for i in t.index])
    ax.set_xlabel(f"time ({unit})")
    ax.legend(loc="best", frameon=False)
    ax.grid(axis="x", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def heatmap(
    table: pd.DataFrame,
    x: str,
    y: str,
    value: str,
    *,
    unit: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """A sweep as a heatmap: ``value`` over the grid of ``x`` and ``y``.

    Parameters
    ----------
    table : DataFrame
        One row per cell (as a sweep returns), with columns ``x``, ``y``, ``value``.
    unit : str, optional
        Unit of ``value`` for the colour bar (e.g. "hours").

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"p": [.5, .5, 1, 1], "k": [4, 7, 4, 7], "t90": [9., 7., 5., 3.]})
    >>> ax = heatmap(df, "p", "k", "t90", unit="hours")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('p', 'k')
    """
    plt = pyplot()
    grid = table.pivot_table(index=y, columns=x, values=value, aggfunc="mean")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
    im = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="cividis")
    ax.set_xticks(
        range(grid.shape[1]), [f"{v:g}" if isinstance(v, float) else str(v) for v in grid.columns]
    )
    ax.set_yticks(
        range(grid.shape[0]), [f"{v:g}" if isinstance(v, float) else str(v) for v in grid.index]
    )
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    cb = ax.figure.colorbar(im, ax=ax)
    cb.set_label(f"{value} ({unit})" if unit else value)
    if title:
        ax.set_title(title, fontsize=10)
    return ax
