"""Robustness: how the response slows as people drop out.

For each way of choosing who goes (at random, managers, linking pins) and
each fraction removed, remove people with :func:`swarm.remove` (several
independent draws of who goes) and simulate; report t50, t90 and reach with
their spread over all draws and runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._checks import SeedLike, check_choice, check_float, check_int, normalise_seed
from ..models import Cascade
from ..organisation import Organisation
from ..plot._mpl import PALETTE, pyplot, save_figure
from ..results import metrics as _m
from ..simulate import simulate
from ..whatifs.interventions import REMOVED, remove

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_robustness", "robustness"]

_LABELS = {"random": "anyone (at random)", "managers": "managers", "linking_pins": "linking pins"}


def robustness(
    org: Organisation,
    model=None,
    shock=None,
    removed: Sequence[float] = (0.0, 0.05, 0.1, 0.2),
    who: str | Sequence[str] = ("random", "managers"),
    runs: int = 20,
    draws: int = 10,
    seed: SeedLike = None,
) -> pd.DataFrame:
    """t50, t90 and reach against the fraction of people removed.

    Parameters
    ----------
    org : Organisation
    model : Cascade or Alignment, optional
        Default ``swarm.Cascade()``.
    shock : Shock, optional
        Default ``swarm.Shock("random")`` (never an absent person).
    removed : sequence of float in [0, 1]
        Fractions of the group ``who`` to remove (see :func:`swarm.remove`).
    who : str or sequence of str
        Ways of choosing who goes: ``"random"``, ``"managers"``,
        ``"linking_pins"``.
    runs : int >= 1, default 20
        Cascades simulated per draw of who goes.
    draws : int >= 1, default 10
        Independent draws of who goes, per fraction. The same draw index
        uses the same seed at every fraction, so the people removed at 5 %
        are among those removed at 10 % (nested), and the simulations share
        their random numbers: differences between rows are the removals, not
        the dice.
    seed : None, int, SeedSequence or Generator

    Returns
    -------
    pandas.DataFrame
        One row per (``who``, ``removed``): ``absent`` (people removed per
        draw), ``staff_away`` (that as a share of the people present before),
        ``runs`` (draws x runs), ``t50``, ``t90`` (medians over all
        runs) with ``_lo``/``_hi`` (5-95 %), ``reach`` (mean) with
        ``reach_lo``/``reach_hi``, and ``unit``. Metrics count the people
        present only.

    Examples
    --------
    >>> import swarm
    >>> table = swarm.robustness(swarm.hierarchy(300), removed=[0, 0.1], who="managers",
    ...                          runs=5, draws=2, seed=1)
    >>> table[["who", "removed", "absent"]].values.tolist()
    [['managers', 0.0, 0], ['managers', 0.1, 4]]
    """
    if not isinstance(org, Organisation):
        raise TypeError(f"org must be an Organisation, got {type(org).__name__}")
    whos = [who] if isinstance(who, str) else list(who)
    if not whos:
        raise ValueError("who must name at least one way of choosing who goes")
    for w in whos:
        check_choice("who", w, REMOVED)
    fractions = [removed] if np.isscalar(removed) else list(removed)
    if not fractions:
        raise ValueError("removed must hold at least one fraction")
    fractions = [check_float("removed", f, low=0.0, high=1.0) for f in fractions]
    runs = check_int("runs", runs, low=1)
    draws = check_int("draws", draws, low=1)
    model = Cascade() if model is None else model  # simulate's default, named here
    c_remove, c_sim = normalise_seed(seed).spawn(2)
    remove_seeds, sim_seeds = c_remove.spawn(draws), c_sim.spawn(draws)
    rows = []
    present = org.present.size
    for w in whos:
        for f in fractions:
            per_run, gone = [], 0
            for d in range(draws):
                variant = remove(org, f, who=w, seed=remove_seeds[d])
                gone = (
                    0
                    if variant.absent is None
                    else int(variant.absent.sum())
                    - (0 if org.absent is None else int(org.absent.sum()))
                )
                # metrics only: reduced inside the batch, never runs x agents
                res = simulate(
                    variant,
                    model,
                    shock,
                    runs,
                    seed=sim_seeds[d],
                    progress=False,
                    **({"keep": "summary", "grid": [0.0]} if model._keeps_summary else {}),
                )
                per_run.append(res.metrics())
            table = pd.concat(per_run, ignore_index=True)
            row = {
                "who": w,
                "removed": f,
                "absent": gone,
                "staff_away": gone / present,
                "runs": len(table),
            }
            stats = _m.spread(table)
            for m in ("t50", "t90"):
                row.update({m: stats[m], f"{m}_lo": stats[f"{m}_lo"], f"{m}_hi": stats[f"{m}_hi"]})
            reach = table["reach"].to_numpy()
            row.update(
                {
                    "reach": float(reach.mean()),
                    "reach_lo": float(np.quantile(reach, 0.05)),
                    "reach_hi": float(np.quantile(reach, 0.95)),
                    "unit": org.time_unit,
                }
            )
            rows.append(row)
    return pd.DataFrame(rows)


def plot_robustness(
    table: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    metric: str = "t90",
    path=None,
    title: str | None = None,
) -> Figure:
    """Draw :func:`robustness` tables: ``metric`` and reach against the staff away.

    Left: the median ``metric`` (``t50`` or ``t90``, in the table's time
    unit) with its 5-95 % band; right: mean reach. The x axis is the share
    of the head count away (``staff_away``), so removing 5 % of managers and
    5 % of everyone sit where their real head counts put them. One colour
    per way of choosing who goes (the package's colour-blind safe palette);
    with a mapping of several tables, one line style per organisation.
    Points where fewer than 90 % (or 50 %) were reached in most runs have no
    finite time and are left out of the left panel: the right one shows why.

    Parameters
    ----------
    table : DataFrame from :func:`robustness`, or a mapping name -> DataFrame
    metric : {"t90", "t50"}
    path : str or path, optional
        Save the figure there (atomically).
    title : str, optional

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import swarm
    >>> table = swarm.robustness(swarm.hierarchy(200), removed=[0, 0.2], runs=3, draws=2,
    ...                          seed=1)
    >>> fig = swarm.plot_robustness(table)
    >>> fig.axes[0].get_ylabel()
    '90 % turned, t90 (hours)'
    """

    check_choice("metric", metric, ("t90", "t50"))
    tables = dict(table) if isinstance(table, Mapping) else {"": table}
    need = {"who", "staff_away", metric, f"{metric}_lo", f"{metric}_hi", "reach", "unit"}
    for name, t in tables.items():
        if not isinstance(t, pd.DataFrame) or need - set(t.columns):
            raise ValueError(
                f"table{f'[{name!r}]' if name else ''} must be a DataFrame from "
                f"swarm.robustness with columns {sorted(need)}"
            )
    units = {u for t in tables.values() for u in t["unit"]}
    unit = units.pop() if len(units) == 1 else "mixed units"
    whos = list(dict.fromkeys(w for t in tables.values() for w in t["who"]))
    styles = ("-", "--", ":", "-.")
    plt = pyplot()
    fig, (ax_t, ax_r) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    for s_idx, (name, t) in enumerate(tables.items()):
        for w, sub in t.groupby("who", sort=False):
            sub = sub.sort_values("staff_away")
            x = 100 * sub["staff_away"].to_numpy(dtype=float)
            colour = PALETTE[whos.index(w) % len(PALETTE)]
            style = styles[s_idx % len(styles)]
            y, lo, hi = (
                sub[c].replace(np.inf, np.nan).to_numpy(dtype=float)
                for c in (metric, f"{metric}_lo", f"{metric}_hi")
            )
            label = _LABELS.get(w, w) if not name else f"{name}: {_LABELS.get(w, w)}"
            ax_t.fill_between(x, lo, hi, color=colour, alpha=0.15, linewidth=0)
            ax_t.plot(x, y, marker="o", linestyle=style, color=colour, linewidth=2, label=label)
            ax_r.plot(
                x,
                100 * sub["reach"],
                marker="o",
                linestyle=style,
                color=colour,
                linewidth=2,
                label=label,
            )
    share = {"t90": "90 %", "t50": "half"}[metric]
    ax_t.set_ylabel(f"{share} turned, {metric} ({unit})")
    ax_r.set_ylabel("staff reached (%)")
    for ax in (ax_t, ax_r):
        ax.set_xlabel("staff away (% of head count)")
        ax.set_xlim(left=0)
        ax.grid(alpha=0.3)
    ax_t.set_ylim(bottom=0)
    ax_r.set_ylim(0, 105)
    ax_r.legend(title="who is away", frameon=False, fontsize="small")
    if title:
        fig.suptitle(title)
    if path is not None:
        save_figure(fig, path)
    return fig
