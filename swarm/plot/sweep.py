"""Plots of what-if sweeps and scenarios (re-exported by :mod:`swarm.plot`).

A sweep table has one row per setting (as built from ``Result.summary()``
rows): a column for the swept parameter, the metrics (``t50``, ``t90``...)
and, where present, their 5-95 % range over runs (``t90_lo``, ``t90_hi``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._mpl import PALETTE, pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["adoption_curve", "scenario_bars", "sweep_lines"]

#: Plain-language names of the metrics, for axis labels and legends.
METRIC_LABELS = {
    "t10": "10 % of staff turned",
    "t50": "half the staff turned",
    "t90": "90 % of staff turned",
    "t_all": "everyone turned",
    "synchrony": "t10 to t90",
}


def _metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)


def _check_columns(table: pd.DataFrame, needed: list[str], what: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(f"{what}: table lacks column(s) {missing} (has {list(table.columns)})")


def sweep_lines(
    table: pd.DataFrame,
    x: str,
    y: str | Sequence[str] = "t90",
    *,
    by: str | None = None,
    unit: str = "hours",
    xlabel: str | None = None,
    percent: bool = False,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """A metric against a swept setting, one line (and 5-95 % band) per group.

    Parameters
    ----------
    table : DataFrame
        One row per setting: columns ``x``, ``y`` and optionally ``y + "_lo"``
        and ``y + "_hi"`` (drawn as a band) and ``by``.
    x : str
        Column of the swept setting (x axis).
    y : str or sequence of str, default "t90"
        Column(s) of the metric(s) (y axis), times in ``unit``. Several
        metrics are told apart by colour, or by line style when ``by`` is
        given.
    by : str, optional
        Column naming the line each row belongs to (e.g. ``"structure"``),
        one colour each.
    unit : str, default "hours"
        Time unit, shown on the y axis.
    xlabel : str, optional
        Default: ``x`` (with "(%)" when ``percent``).
    percent : bool, default False
        ``x`` holds fractions 0..1; draw them as percentages.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"p": [0.5, 1.0, 0.5, 1.0], "t90": [9., 5., 7., 3.],
    ...                   "structure": ["a", "a", "b", "b"]})
    >>> ax = sweep_lines(t, "p", "t90", by="structure")
    >>> len(ax.get_lines()), ax.get_ylabel()
    (2, 'time until 90 % of staff turned (hours)')
    """

    metrics = [y] if isinstance(y, str) else list(y)
    if not metrics:
        raise ValueError("y must name at least one metric column")
    _check_columns(table, [x, *metrics] + ([by] if by else []), "sweep_lines")
    plt = pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    groups = list(table.groupby(by, sort=False)) if by else [(None, table)]
    scale = 100.0 if percent else 1.0
    styles = ("-", "--", ":", "-.")
    for k, (name, g) in enumerate(groups):
        g = g.sort_values(x)
        xs = scale * g[x].to_numpy(dtype=float)
        for j, metric in enumerate(metrics):
            colour = PALETTE[(k if by else j) % len(PALETTE)]
            if f"{metric}_lo" in g.columns and f"{metric}_hi" in g.columns:
                ax.fill_between(
                    xs,
                    g[f"{metric}_lo"].to_numpy(dtype=float),
                    g[f"{metric}_hi"].to_numpy(dtype=float),
                    color=colour,
                    alpha=0.15,
                    linewidth=0,
                )
            parts = ([str(name)] if by else []) + (
                [_metric_label(metric)] if len(metrics) > 1 or not by else []
            )
            ax.plot(
                xs,
                g[metric].to_numpy(dtype=float),
                "o",
                color=colour,
                markersize=4,
                linewidth=2,
                linestyle=styles[j % len(styles)] if by else "-",
                label=": ".join(parts),
            )
    ax.set_xlabel(xlabel or (f"{x} (%)" if percent else x))
    ax.set_ylabel(
        f"time until {_metric_label(metrics[0])} ({unit})"
        if len(metrics) == 1
        else f"time ({unit})"
    )
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    has_band = any(f"{m}_lo" in table.columns for m in metrics)
    ax.legend(title="median, 5-95 % of runs" if has_band else None, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def adoption_curve(
    table: pd.DataFrame,
    y: str | Sequence[str] = "t90",
    *,
    fraction: str = "fraction",
    by: str | None = None,
    unit: str = "hours",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Response time against the share of staff on the internal network.

    :func:`sweep_lines` with the adoption fraction (0..1) on the x axis,
    drawn as a percentage.

    Parameters
    ----------
    table : DataFrame
        One row per adoption level: a ``fraction`` column (0..1) and the
        metric(s) ``y`` (optionally with ``_lo``/``_hi`` ranges, and a ``by``
        column for one line per structure or scenario).
    y : str or sequence of str, default "t90"
        As for :func:`sweep_lines`, e.g. ``("t50", "t90")``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"fraction": [0, .5, 1], "t50": [30., 5., 2.], "t90": [60., 20., 8.]})
    >>> ax = adoption_curve(t, ("t50", "t90"))
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('staff on the internal network (%)', 'time (hours)')
    >>> [line.get_label() for line in ax.get_lines()]
    ['half the staff turned', '90 % of staff turned']
    >>> ax.get_lines()[0].get_xdata().tolist()
    [0.0, 50.0, 100.0]
    """
    ax = sweep_lines(
        table,
        fraction,
        y,
        by=by,
        unit=unit,
        percent=True,
        ax=ax,
        title=title,
        xlabel="staff on the internal network (%)",
    )
    ax.set_xlim(-2, 102)
    return ax


def scenario_bars(
    table: pd.DataFrame,
    metrics: tuple[str, ...] = ("t50", "t90"),
    *,
    unit: str = "hours",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Horizontal bars of response times, one group per scenario, in table order.

    Parameters
    ----------
    table : DataFrame
        One row per scenario, indexed by its name (as
        :meth:`swarm.Comparison.summary` returns), with the ``metrics``
        columns and optionally their ``_lo``/``_hi`` ranges (drawn as
        whiskers: 5-95 % of runs).
    metrics : tuple of str
        Columns to draw, one bar each per scenario.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"t50": [32., 64.], "t90": [32., 64.]},
    ...                  index=["from the top", "from the shop floor"])
    >>> ax = scenario_bars(t)
    >>> len(ax.patches), ax.get_xlabel()
    (4, 'time (hours)')
    """

    _check_columns(table, list(metrics), "scenario_bars")
    plt = pyplot()
    n, m = len(table), len(metrics)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.5 * n * m + 1.5), layout="constrained")
    height = 0.8 / m
    y = np.arange(n)[::-1].astype(float)  # first row at the top
    for j, metric in enumerate(metrics):
        vals = table[metric].to_numpy(dtype=float)
        err = None
        if f"{metric}_lo" in table.columns and f"{metric}_hi" in table.columns:
            lo = table[f"{metric}_lo"].to_numpy(dtype=float)
            hi = table[f"{metric}_hi"].to_numpy(dtype=float)
            err = np.vstack([vals - lo, hi - vals])
        ax.barh(
            y + 0.4 - height * (j + 0.5),
            vals,
            height=height,
            xerr=err,
            color=PALETTE[j % len(PALETTE)],
            label=_metric_label(metric),
            error_kw={"ecolor": "#444444", "capsize": 3, "linewidth": 1},
        )
    ax.set_yticks(y, [str(i) for i in table.index])
    ax.set_xlabel(f"time ({unit})")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="best", frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return ax
