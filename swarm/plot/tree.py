"""Who told whom: one run's transmission tree drawn over the organisation.

Re-exported by :mod:`swarm.plot`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._checks import check_choice, check_int
from .._kernels.tree import _subtree_sizes
from ._layout import layout as org_layout
from ._mpl import PALETTE, pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["transmission_tree"]


def _time_layout(org, times: np.ndarray) -> np.ndarray:
    """Departments as sectors of a disc (width by head count), radius = order of turning.

    The origin sits at the centre, everyone else at a distance equal to the
    share of staff who turned before them (turn times are often heavy-tailed,
    so ranks spread the picture evenly); the never reached on an outer ring.
    Inside a sector people are ordered by turn time.
    """
    n = org.n
    rank = np.empty(n)
    rank[np.argsort(times, kind="stable")] = np.arange(n)
    radius = np.where(np.isfinite(times), rank / n, 1.15)
    dept = org.department if org.department is not None else np.zeros(n, dtype=np.int64)
    angle = np.empty(n)
    start = 0.0
    for d in np.unique(dept).tolist():
        members = np.flatnonzero(dept == d)
        members = members[np.argsort(times[members], kind="stable")]
        width = 2 * np.pi * members.size / n
        angle[members] = start + width * (
            0.05 + 0.9 * (np.arange(members.size) + 0.5) / members.size
        )
        start += width
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def transmission_tree(
    result,
    run: int = 0,
    *,
    top: int = 5,
    layout: str = "auto",
    ax: Axes | None = None,
    max_agents: int = 5000,
    title: str | None = None,
) -> Axes:
    """Draw who told whom in one run, over the organisation, with the messengers highlighted.

    The watch graph is drawn faintly; each tree edge runs from the informer
    to the person it made turn, coloured by when that person turned. The
    origin is a black star; the ``top`` people with the largest subtrees in
    this run (the most others got the message through them) are ringed and
    numbered, and listed with their id and subtree size in a corner box.

    Layouts: ``"organisation"`` is the one of :func:`draw_organisation`
    (social-space positions, else the org chart by level, else a spring
    layout); ``"time"`` puts each department in a sector of a disc (width
    by head count) and each person at a distance from the centre
    proportional to when they turned (the never reached on an outer ring),
    which keeps a real network such as e-mail legible. ``"auto"``:
    ``"organisation"`` when the organisation has positions or levels, else
    ``"time"``.

    Parameters
    ----------
    result : Result
        Simulated with ``record="tree"``.
    run : int, default 0
        Which run to draw.
    top : int, default 5
        How many messengers to highlight (0: none).
    layout : "auto", "organisation" or "time"
    ax : matplotlib Axes, optional
    max_agents : int
        Refuse larger organisations (the picture would be a blur).
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import swarm
    >>> org = swarm.hierarchy(60)
    >>> res = swarm.simulate(org, swarm.Cascade(), swarm.Shock("top"), seed=1, record="tree")
    >>> ax = transmission_tree(res, top=3)
    >>> [c.get_label() for c in ax.collections][:2]
    ['watch graph', 'transmission tree']
    """
    from matplotlib.collections import LineCollection

    if result.informed_by is None:
        raise ValueError("transmission_tree needs the tree: simulate with record='tree'")
    run = check_int("run", run, low=0, high=result.runs - 1)
    top = check_int("top", top, low=0)
    check_choice("layout", layout, ("auto", "organisation", "time"))
    org = result.organisation
    if org.n > max_agents:
        raise ValueError(
            f"the organisation has {org.n} agents; transmission_tree shows at "
            f"most max_agents={max_agents} (raise it, or draw a smaller one)"
        )
    plt = pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 7), layout="constrained")
    times = result.arrival_times[run]
    informed = np.asarray(result.informed_by[run], dtype=np.int64)
    if layout == "auto":
        layout = "organisation" if org.position is not None or org.level is not None else "time"
    xy = org_layout(org) if layout == "organisation" else _time_layout(org, times)
    w = org.watch.tocoo()
    ax.add_collection(
        LineCollection(
            np.stack([xy[w.col], xy[w.row]], axis=1),
            colors="#bbbbbb",
            linewidths=0.2,
            alpha=0.25,
            zorder=1,
            label="watch graph",
        )
    )
    told = np.flatnonzero(informed >= 0)
    tree = LineCollection(
        np.stack([xy[informed[told]], xy[told]], axis=1),
        cmap="cividis",
        linewidths=1.0 if org.n <= 500 else 0.5,
        alpha=0.8,
        zorder=2,
        label="transmission tree",
    )
    tree.set_array(times[told])
    ax.add_collection(tree)
    reached = np.isfinite(times)
    size = max(3.0, 2000.0 / max(org.n, 1))
    ax.scatter(
        xy[~reached, 0],
        xy[~reached, 1],
        s=size,
        facecolors="none",
        edgecolors="#999999",
        linewidths=0.5,
        zorder=3,
        label="never reached",
    )
    ax.scatter(
        xy[reached, 0],
        xy[reached, 1],
        s=size,
        c=times[reached],
        cmap="cividis",
        zorder=3,
        label="turned",
    )
    cb = ax.figure.colorbar(tree, ax=ax, shrink=0.8)
    cb.set_label(f"turned after ({org.time_unit})")
    origins = np.unique(result.origins[run])
    ax.scatter(
        xy[origins, 0],
        xy[origins, 1],
        s=12 * size + 60,
        marker="*",
        color="black",
        zorder=5,
        label="origin",
    )
    if top:
        sub = _subtree_sizes(informed[None, :])[0]
        cand = np.setdiff1d(np.flatnonzero(sub > 0), origins)
        best = cand[np.lexsort((cand, -sub[cand]))][:top]
        ax.scatter(
            xy[best, 0],
            xy[best, 1],
            s=8 * size + 50,
            facecolors="none",
            edgecolors=PALETTE[3],
            linewidths=2.0,
            zorder=6,
            label="top messengers",
        )
        lines = []
        for k, b in enumerate(best.tolist(), start=1):  # numbers by the rings, ids in a box
            ax.annotate(
                str(k),
                xy[b],
                xytext=(5, 5),
                textcoords="offset points",
                fontsize=8,
                fontweight="bold",
                color=PALETTE[3],
                zorder=7,
            )
            lines.append(f"{k}. {org.ids[b]}: {sub[b]}")
        if lines:
            ax.text(
                0.01,
                0.01,
                "top messengers (id: others reached\nthrough them in this run)\n"
                + "\n".join(lines),
                transform=ax.transAxes,
                fontsize=8,
                va="bottom",
                ha="left",
                color=PALETTE[3],
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
            )
    ax.autoscale()
    ax.set_xticks([])
    ax.set_yticks([])
    if layout == "time":
        ax.set_aspect("equal")
        ax.set_xlabel(
            "distance from the centre: share of staff who turned earlier; "
            "sectors: departments; outer ring: never reached",
            fontsize=9,
        )
    elif org.position is None and org.level is not None:
        ax.set_ylabel("level (top = 0)")
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ax.set_title(
        title
        or f"{org.name or 'organisation'}: who told whom in run {run} "
        f"({int(reached.sum())} of {org.n} reached)",
        fontsize=10,
    )
    return ax
