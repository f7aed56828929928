"""How far to trust a static model fitted to the same contacts: predicted against replayed.

The static model of a contact export is :func:`swarm.from_edges` with
``latency="rate"``: each pair that was in touch becomes a watch edge whose
delay is exponential with the pair's mean time between contacts (a Poisson
process with the pair's rate). :func:`calibrate` simulates it from many
origins and replays the real contacts from the same origins at many start
times, and compares t50 and t90 one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._checks import SeedLike, check_float, check_int, normalise_seed
from ..models import Cascade, Exponential, LatencyLaw
from ..models.shocks import Shock
from ..plot import save_figure
from ..results import metrics as _m
from ..simulate import simulate
from .contacts import Contacts
from .replay import replay

__all__ = ["Calibration", "calibrate"]


@dataclass(frozen=True)
class Calibration:
    """Predicted against replayed response times, one row per origin and start time.

    Attributes
    ----------
    table : DataFrame
        Columns ``origin`` (id), ``start``; for t50 and t90 the static
        model's median over runs (``t50_predicted``), its 5-95 % range
        (``t50_lo``, ``t50_hi``) and the replay's value (``t50_replayed``);
        ``reach_predicted`` (mean over runs) and ``reach_replayed``.
    name : str
        The contacts' name.
    unit : str
        Time unit of every time.
    """

    table: pd.DataFrame
    name: str
    unit: str

    def summary(self) -> pd.DataFrame:
        """One row: how close the static model came, for t50 and for t90.

        For each metric: the medians over all rows of the predicted and
        replayed values (``inf``: more than half the rows never got there),
        ``ratio`` the median of replayed / predicted over the rows where
        both are finite, ``rank_corr`` Spearman's rank correlation over
        those rows (does the model at least order origins and starts
        right?), ``in_band`` the fraction of all rows whose replayed value
        lies in the model's 5-95 % range over runs, and ``finite`` the
        number of rows where both are finite. ``reach`` columns are means.
        """
        from scipy.stats import spearmanr

        t = self.table
        row: dict = {"rows": len(t)}
        for q in ("t50", "t90"):
            pred, rep = t[f"{q}_predicted"].to_numpy(), t[f"{q}_replayed"].to_numpy()
            ok = np.isfinite(pred) & np.isfinite(rep)
            row[f"{q}_predicted"] = float(np.median(pred))
            row[f"{q}_replayed"] = float(np.median(rep))
            row[f"{q}_ratio"] = float(np.median(rep[ok] / pred[ok])) if ok.any() else np.nan
            varied = ok.sum() > 2 and np.ptp(pred[ok]) > 0 and np.ptp(rep[ok]) > 0
            corr = spearmanr(pred[ok], rep[ok]).statistic if varied else np.nan
            row[f"{q}_rank_corr"] = float(corr)
            lo, hi = t[f"{q}_lo"].to_numpy(), t[f"{q}_hi"].to_numpy()
            row[f"{q}_in_band"] = float(np.mean((rep >= lo) & (rep <= hi)))
            row[f"{q}_finite"] = int(ok.sum())
        row["reach_predicted"] = float(t["reach_predicted"].mean())
        row["reach_replayed"] = float(t["reach_replayed"].mean())
        row["unit"] = self.unit
        return pd.DataFrame([row], index=pd.Index([self.name], name="contacts"))

    def plot(self, path=None, *, axes=None):
        """Scatter of replayed against predicted t50 and t90 (log-log, the diagonal dashed).

        Rows where either value is infinite are left out (their count is in
        the title). Returns the matplotlib Figure; saved to ``path`` if given.
        """
        return plot_calibration(self, path, axes=axes)


def plot_calibration(cal: Calibration, path=None, *, axes=None):
    """Replayed against predicted t50 and t90, one point per origin and start time.

    Parameters
    ----------
    cal : Calibration
    path : str or path, optional
        Where to save the figure.
    axes : two matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), layout="constrained")
    else:
        fig = axes[0].figure
    for ax, q in zip(axes, ("t50", "t90")):
        pred = cal.table[f"{q}_predicted"].to_numpy()
        rep = cal.table[f"{q}_replayed"].to_numpy()
        ok = np.isfinite(pred) & np.isfinite(rep) & (pred > 0) & (rep > 0)
        ax.scatter(pred[ok], rep[ok], s=12, alpha=0.6, color="#1f77b4", linewidths=0)
        if ok.any():
            lo = min(pred[ok].min(), rep[ok].min())
            hi = max(pred[ok].max(), rep[ok].max())
            ax.plot([lo, hi], [lo, hi], "k--", linewidth=1, label="replayed = predicted")
            ax.set_xscale("log")
            ax.set_yscale("log")
            plain = FuncFormatter(lambda x, _: f"{x:g}")
            for axis in (ax.xaxis, ax.yaxis):
                axis.set_major_formatter(plain)
                axis.set_minor_formatter(
                    FuncFormatter(lambda x, _: f"{x:g}" if f"{x:g}"[0] in "25" else "")
                )
            ax.legend(frameon=False, fontsize=8)
        ax.set_xlabel(f"{q} predicted by the static model ({cal.unit})")
        ax.set_ylabel(f"{q} replayed on the real contacts ({cal.unit})")
        ax.set_title(f"{cal.name}: {q}, {int(ok.sum())} of {ok.size} finite", fontsize=10)
        ax.grid(alpha=0.3, which="both")
    if path is not None:
        save_figure(fig, path)
    return fig


def calibrate(
    contacts: Contacts,
    *,
    origins=50,
    starts=10,
    runs: int = 100,
    latency: LatencyLaw | None = None,
    delay: float = 0.0,
    seed: SeedLike = None,
) -> Calibration:
    """Static model against replay: t50 and t90 predicted and replayed, origin by origin.

    The static model is ``simulate`` of ``Cascade(latency)`` on
    ``contacts.to_organisation(latency="rate")``: every pair in touch is a
    watch edge whose delay is ``latency`` (default ``Exponential(1.0)``)
    times the pair's mean time between contacts, so it waits for the pair's
    next contact as if contacts were a Poisson process. It has no clock, so
    its prediction is one distribution per origin; the replay is done from
    the same origin at each start time.

    Parameters
    ----------
    contacts : Contacts
    origins : int or sequence of ids, default 50
        Origins, or how many to draw (without replacement) among the people
        who sent at least one contact.
    starts : int or sequence of float, default 10
        Start times in the contacts' unit, or how many, evenly spaced over
        the first half of the span (so every replay has at least half the
        data ahead of it).
    runs : int, default 100
        Runs of the static model per origin.
    latency : LatencyLaw, default ``Exponential(1.0)``
    delay : float, default 0
        Delay of the replay (see :func:`swarm.replay`).
    seed : None, int, SeedSequence or Generator
        Draws the origins and seeds the static model.

    Returns
    -------
    Calibration

    Examples
    --------
    >>> import swarm
    >>> c = swarm.Contacts([0, 1, 2, 0, 1, 2] * 4, [1, 2, 0, 2, 0, 1] * 4,
    ...                    [float(k) for k in range(24)])
    >>> cal = swarm.temporal.calibrate(c, origins=3, starts=2, runs=20, seed=1)
    >>> len(cal.table), list(cal.summary()["reach_replayed"])
    (6, [1.0])
    """
    if not isinstance(contacts, Contacts):
        raise TypeError(f"contacts must be swarm.Contacts, got {type(contacts).__name__}")
    runs = check_int("runs", runs, low=1)
    delay = check_float("delay", delay, low=0.0)
    latency = Exponential(1.0) if latency is None else latency
    ss = normalise_seed(seed)
    pick, sim_seed = ss.spawn(2)
    org = contacts._static
    if isinstance(origins, (int, np.integer)) and not isinstance(origins, bool):
        count = check_int("origins", origins, low=1)
        senders = np.unique(
            contacts.source
            if contacts.directed
            else np.concatenate([contacts.source, contacts.target])
        )
        count = min(count, senders.size)
        who = np.sort(np.random.default_rng(pick).choice(senders, size=count, replace=False))
    else:
        who = org.index_of(list(origins))
    if isinstance(starts, (int, np.integer)) and not isinstance(starts, bool):
        count = check_int("starts", starts, low=1)
        t0 = float(contacts.time[0])
        when = t0 + 0.5 * contacts.span * np.arange(count) / count
    else:
        when = np.asarray([check_float("starts", float(s)) for s in starts], dtype=float)
    model = Cascade(latency)
    rows = []
    children = sim_seed.spawn(len(who))
    for o, child in zip(who.tolist(), children):
        shock = Shock([org.ids[o]])
        sim = simulate(org, model, shock, runs=runs, seed=child).present_times
        pred = {q: _m.time_to_fraction(sim, f) for q, f in (("t50", 0.5), ("t90", 0.9))}
        rep = replay(contacts, shock, delay=delay, start=when).present_times
        got = {q: _m.time_to_fraction(rep, f) for q, f in (("t50", 0.5), ("t90", 0.9))}
        reach_pred = float(np.isfinite(sim).mean())
        for k, s in enumerate(when.tolist()):
            row = {"origin": org.ids[o], "start": s}
            for q in ("t50", "t90"):
                lo, med, hi = np.quantile(pred[q], [0.05, 0.5, 0.95], method="inverted_cdf")
                row.update(
                    {
                        f"{q}_predicted": float(med),
                        f"{q}_lo": float(lo),
                        f"{q}_hi": float(hi),
                        f"{q}_replayed": float(got[q][k]),
                    }
                )
            row["reach_predicted"] = reach_pred
            row["reach_replayed"] = float(np.isfinite(rep[k]).mean())
            rows.append(row)
    return Calibration(
        table=pd.DataFrame(rows), name=contacts.name or "contacts", unit=contacts.time_unit
    )
