"""The parts of a diagnosis: each table built from what the library computes."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from .._checks import normalise_seed
from ..organisation import Organisation
from ..results.result import Result
from ..structures._tables import find, position_lookup
from ..structures.edges import from_edges
from ..whatifs import _edit
from ..whatifs.interventions import add_linking_pins, adopt, champion, flatten

__all__: list[str] = []

#: Where the news starts, in the report's words.
ORIGINS = {"top": "from the top", "bottom": "from the front line", "random": "from anyone"}


def _overlay(org: Organisation, contacts) -> tuple[Organisation, dict]:
    """``org`` with the contact network added on the colleague channel."""
    if isinstance(contacts, Organisation):
        cont = contacts
    else:
        with warnings.catch_warnings():  # repeated pairs are what a contact log is made of
            warnings.filterwarnings("ignore", message="from_edges: merged", category=UserWarning)
            cont = from_edges(contacts, name="contacts")
    pos = position_lookup(org.ids.tolist())
    where = np.array(
        [-1 if (r := find(pos, i)) is None else r for i in cont.ids.tolist()], dtype=np.int64
    )
    e = _edit.edges(cont)
    keep = (where[e.watcher] >= 0) & (where[e.watched] >= 0)
    unknown = int((where < 0).sum())
    info = {
        "contact_people": int(cont.n),
        "not_in_chart": unknown,
        "contact_edges": int(e.watcher.size),
        "edges_kept": int(keep.sum()),
    }
    if unknown:
        warnings.warn(
            f"diagnose: {unknown} of {cont.n} people in the contacts are not in the "
            "org chart; their contacts are left out",
            UserWarning,
            stacklevel=3,
        )
    if not keep.any():
        raise ValueError(
            "contacts: none of the contacts is between people of the org chart "
            "(do the ids match the chart's id column?)"
        )
    added = _edit.edges(org).add(
        where[e.watcher[keep]], where[e.watched[keep]], _edit.COLLEAGUE, scale=e.scale[keep]
    )
    out = _edit.rebuild(org, added, name=f"{org.name or 'organisation'} with contacts")
    return out, info


def _spans(org: Organisation) -> np.ndarray:
    """Direct reports per person (0 for those who manage nobody)."""
    if org.manager is None:
        return np.zeros(org.n, dtype=np.int64)
    m = org.manager
    return np.bincount(m[m >= 0], minlength=org.n)


def _structure(org: Organisation) -> pd.DataFrame:
    spans = _spans(org)
    att = org.attention
    level = org.level if org.level is not None else np.zeros(org.n, dtype=np.int64)
    rows = []
    for lev in range(int(level.max()) + 1):
        who = level == lev
        mgr = who & (spans > 0)
        rows.append(
            {
                "layer": lev,
                "people": int(who.sum()),
                "managers": int(mgr.sum()),
                "span_mean": float(spans[mgr].mean()) if mgr.any() else 0.0,
                "span_max": int(spans[mgr].max()) if mgr.any() else 0,
                "attention_mean": float(att[who].mean()),
                "attention_max": int(att[who].max()),
            }
        )
    return pd.DataFrame(rows).set_index("layer")


def _applies(fn: Callable, *args, **kwargs):
    """A what-if's organisation, or the sentence saying why it does not apply here."""
    try:
        return fn(*args, **kwargs), ""
    except ValueError as err:
        return None, str(err).split(";")[0]


def _flatten_level(org: Organisation) -> int | None:
    """The management layer below the top whose managers have the fewest reports each."""
    if org.manager is None or org.level is None:
        return None
    spans = _spans(org)
    best, best_span = None, np.inf
    for lev in range(1, int(org.level.max()) + 1):
        mgr = (org.level == lev) & (spans > 0)
        if mgr.any() and spans[mgr].mean() < best_span:
            best, best_span = lev, float(spans[mgr].mean())
    return best


def _whatifs(org: Organisation, seed) -> dict[str, tuple]:
    """name -> (organisation or None, description, note)."""
    s_adopt, s_pins, s_champ = normalise_seed(seed).spawn(3)
    out = {}
    new, note = _applies(adopt, org, 0.6, seed=s_adopt)
    what = "60 % of the staff use the internal network and follow 7 colleagues on it"
    out["network adoption"] = (new, what, note)
    new, note = _applies(add_linking_pins, org, 0.05, seed=s_pins)
    out["linking pins"] = (new, "5 % of the staff also join a team of another department", note)
    lev = _flatten_level(org)
    if lev is None:
        new, note = None, "the chart has no management layer below the top to remove"
    else:
        new, note = _applies(flatten, org, level=lev)
    out["one layer fewer"] = (
        new,
        f"the managers at layer {lev} hand their teams to their own manager"
        if lev
        else "remove a management layer",
        note,
    )
    new, note = _applies(champion, org, seed=s_champ, budget=7)
    what = (
        "one appointed person relays everything on the internal network (with the "
        "attention of anyone else: 7); a single point of failure: when they are away, "
        "the fast channel is gone"
    )
    out["champion"] = (new, what, note)
    return out


def _cost(org: Organisation, new: Organisation) -> dict:
    spans_old, spans_new = _spans(org), _spans(new)
    changed = np.zeros(org.n, dtype=bool)
    old_rows = [
        set(org.watch.indices[org.watch.indptr[i] : org.watch.indptr[i + 1]].tolist())
        for i in range(org.n)
    ]
    for i in range(org.n):
        row = set(new.watch.indices[new.watch.indptr[i] : new.watch.indptr[i + 1]].tolist())
        changed[i] = row != old_rows[i]
    return {
        "people_affected": int(changed.sum()),
        "links_added": int(new.n_edges - org.n_edges),
        "widest_span": int(spans_new.max()),
        "widest_span_before": int(spans_old.max()),
        "most_watched": int(new.attention.max()),
        "most_watched_before": int(org.attention.max()),
    }


def saved_share(base, new):
    """The share of t90 a change saves; from never to a finite time saves it all (1).

    Both never: 0 (no change); from a finite time to never: -inf (far worse).

    Examples
    --------
    >>> saved_share([10.0, np.inf, np.inf, 10.0], [5.0, 4.0, np.inf, np.inf]).tolist()
    [0.5, 1.0, 0.0, -inf]
    """
    base, new = np.broadcast_arrays(np.asarray(base, float), np.asarray(new, float))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (base - new) / base
    out = np.where(np.isinf(base) & np.isfinite(new), 1.0, out)
    out = np.where(np.isinf(base) & np.isinf(new), 0.0, out)
    return np.where(np.isfinite(base) & np.isinf(new), -np.inf, out)


def _t(res: Result) -> dict:
    s = res.summary().iloc[0]
    return {k: float(s[k]) for k in ("t50", "t50_lo", "t50_hi", "t90", "t90_lo", "t90_hi", "reach")}


def _people(org: Organisation, found) -> pd.DataFrame:
    t = found.table.copy()
    dept = org.department
    bridges = []
    w = org.watch
    wt = w.T.tocsr()
    for a in found.agents.tolist():
        near = np.union1d(
            w.indices[w.indptr[a] : w.indptr[a + 1]], wt.indices[wt.indptr[a] : wt.indptr[a + 1]]
        )
        bridges.append(0 if dept is None else int(np.setdiff1d(dept[near], [dept[a]]).size))
    t["departments_linked"] = bridges
    with np.errstate(invalid="ignore"):
        slow = (t["slowdown"] > 1.05) | (t["reach_without"] < t["reach"] - 0.02)
    t["role"] = [
        (
            "bottleneck and linking pin"
            if s and b
            else "bottleneck"
            if s
            else "linking pin"
            if b
            else "messenger"
        )
        for s, b in zip(slow, t["departments_linked"] > 0)
    ]
    return t


def _contacts_table(
    formal: Organisation, both: Organisation, r_formal: Result, r_both: Result, info: dict
) -> pd.DataFrame:
    rows = {}
    for name, o, r in (
        ("formal chart only", formal, r_formal),
        ("chart and contacts", both, r_both),
    ):
        t = _t(r)
        rows[name] = {
            "t50": t["t50"],
            "t90": t["t90"],
            "reach": t["reach"],
            "links": o.n_edges,
            "attention_mean": float(o.attention.mean()),
            "attention_max": int(o.attention.max()),
        }
    df = pd.DataFrame(rows).T
    df.index.name = "network"
    df.attrs.update(info)
    return df


def _headline(org: Organisation, tables: dict) -> pd.DataFrame:
    """The answers at a glance; every value is copied from another table (``source``)."""
    s, st = tables["speed"], tables["structure"]
    rows = [
        ("people", org.n, "people", "structure: sum of people"),
        ("layers", len(st), "layers", "structure: rows"),
        ("widest span", int(st["span_max"].max()), "direct reports", "structure: max of span_max"),
    ]
    for words in ORIGINS.values():
        rows.append(
            (f"half know, news {words}", s.loc[words, "t50"], org.time_unit, f"speed: {words}, t50")
        )
        rows.append(
            (f"90 % know, news {words}", s.loc[words, "t90"], org.time_unit, f"speed: {words}, t90")
        )
    dep = tables["departments"]
    if len(dep):
        rows.append(
            (
                f"department that hears last: {dep.index[0]}",
                dep["t90"].iloc[0],
                org.time_unit,
                f"departments: {dep.index[0]}, t90",
            )
        )
    wi = tables["whatifs"]
    ok = wi[wi["applies"]] if "hours_saved" in wi.columns else wi.iloc[:0]
    if len(ok):
        rows.append(
            (
                f"best what-if: {ok.index[0]}, hours saved on t90",
                ok["hours_saved"].iloc[0],
                org.time_unit,
                f"whatifs: {ok.index[0]}, hours_saved",
            )
        )
    if "contacts" in tables:
        c = tables["contacts"]
        rows.append(
            (
                "90 % know with contacts (news from anyone)",
                c.loc["chart and contacts", "t90"],
                org.time_unit,
                "contacts: chart and contacts, t90",
            )
        )
    df = pd.DataFrame(rows, columns=["answer", "value", "unit", "source"]).set_index("answer")
    df["value"] = df["value"].astype(float)
    return df
