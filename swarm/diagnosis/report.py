"""The diagnosis in words and as one self-contained HTML page.

Every number shown comes from :attr:`Diagnosis.tables`, rounded for reading
by :func:`swarm.results.report.number`. The page embeds its figures as PNG
(base64), loads nothing and needs no scripts, so it opens offline in any
browser and can be mailed as one file.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math

import numpy as np
import pandas as pd

from .._io import write_text
from .._version import __version__
from ..plot._mpl import PALETTE, pyplot
from ..results.report import number
from .assumptions import GRID, WORDS

__all__ = ["fmt", "sentences", "write_html"]


def fmt(x) -> str:
    """A value as the report shows it: numbers by :func:`number`, whole counts with commas."""
    if isinstance(x, (bool, np.bool_)):
        return "yes" if x else "no"
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        if math.isnan(x):
            return "–"
        if float(x).is_integer() and abs(x) < 1e15 and math.isfinite(x):
            return f"{int(x):,}"
        return number(x)
    return str(x)


def _hours(x: float, unit: str = "hours") -> str:
    return "never (in most runs)" if not math.isfinite(x) else f"{number(x)} {unit}"


def _when(x: float, unit: str = "hours") -> str:
    """'after 6.5 hours', or 'never, in most runs'."""
    return "never, in most runs" if not math.isfinite(x) else f"after {number(x)} {unit}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def sentences(d) -> list[str]:
    """The answers in plain sentences, in the report's order."""
    t, org = d.tables, d.organisation
    unit = org.time_unit
    st, sp = t["structure"], t["speed"]
    spans = st.loc[st["managers"] > 0]
    managers = int(st["managers"].sum())
    mean_span = float((spans["span_mean"] * spans["managers"]).sum() / max(managers, 1))
    out = [
        f"{org.n:,} people in {len(st)} layers"
        + (f" and {len(org.department_names)} departments" if org.department is not None else "")
        + f"; {managers:,} of them manage a team, of {number(mean_span)} people on average "
        f"(the widest: {int(st['span_max'].max())}). People keep up with "
        f"{number(float(org.attention.mean()))} others on average."
    ]
    parts = [
        f"news {w}: half know {_when(sp.loc[w, 't50'], unit)}, 90 % {_when(sp.loc[w, 't90'], unit)}"
        for w in sp.index
    ]
    out.append("How long until people know: " + "; ".join(parts) + ".")
    tops = int((org.level == 0).sum())
    if tops > 1:
        out.append(
            f"The chart has {tops} tops (people without a manager): the chain of "
            "command does not connect their trees, so news that stays on it cannot "
            f"reach everyone (on average {_pct(sp.loc['from anyone', 'reach'])} hear "
            "news from anyone)."
        )
    dep = t["departments"]
    if len(dep) > 1:
        out.append(
            f"{dep.index[0]} hears last: 90 % there know "
            f"{_when(dep['t90'].iloc[0], unit)} (news from anyone); the first to know "
            f"is {dep.index[-1]} ({_when(dep['t90'].iloc[-1], unit)})."
        )
    ppl = t["people"]
    if len(ppl):
        r = ppl.iloc[0]
        text = (
            f"The strongest messenger is {r['id']} ({r['department']}, layer "
            f"{int(r['level'])}); {int((ppl['departments_linked'] > 0).sum())} of the "
            f"{len(ppl)} strongest link their department with others."
        )
        worst = ppl.sort_values(["reach_without", "slowdown"], ascending=[True, False]).iloc[0]
        if worst["role"].startswith("bottleneck"):
            without = (
                f"only {_pct(worst['reach_without'])} of the others ever hear"
                if worst["reach_without"] < 0.9
                else f"90 % know after {_hours(worst['t90_without'], unit)} instead of "
                f"{_hours(worst['t90'], unit)}"
            )
            text += f" The biggest bottleneck is {worst['id']}: without them {without}."
        else:
            text += (
                " Nobody's absence alone slows the organisation by more than 5 % or "
                "cuts people off."
            )
        out.append(text)
    wi = t["whatifs"]
    ok = wi[wi["applies"]] if "hours_saved" in wi.columns else wi.iloc[:0]
    if len(ok):
        b = ok.iloc[0]
        base = sp.loc["from anyone", "t90"]
        if math.isfinite(b["hours_saved"]):
            verb = "sooner" if b["hours_saved"] >= 0 else "later"
            gain = (
                f"90 % know {_hours(abs(b['hours_saved']), unit)} {verb} ("
                f"{_when(b['t90'], unit)} instead of {_hours(base, unit)})"
            )
        else:
            gain = f"90 % know {_when(b['t90'], unit)} instead of {_when(base, unit)}"
        out.append(
            f"Of the what-ifs, {ok.index[0]} helps most: {gain}; it changes what "
            f"{b['people_affected']:,} people watch and adds {b['links_added']:,} "
            "links."
        )
    for name, row in wi[~wi["applies"]].iterrows():
        out.append(f"The what-if '{name}' does not apply to this chart: {row['note']}.")
    if "contacts" in t:
        c = t["contacts"]
        out.append(
            f"The informal network (contacts) brings the time until 90 % know "
            f"(news from anyone) from {_hours(c.loc['formal chart only', 't90'], unit)} "
            f"to {_hours(c.loc['chart and contacts', 't90'], unit)}."
        )
    rb = t["robustness"]
    if len(rb):
        sure = rb.index[rb["share"] == 1].tolist()
        n_sets = int(rb["sets"].iloc[0])
        text = (
            f"Of {len(rb)} headline conclusions, {len(sure)} "
            f"{'holds' if len(sure) == 1 else 'hold'} under all {n_sets} sets of "
            "assumptions tried" + (f" ({'; '.join(sure)})" if sure else "") + "."
        )
        weakest = rb.sort_values("share").iloc[0]
        if weakest["share"] < 1:
            text += (
                f" The least sure: {rb.sort_values('share').index[0]} (holds in "
                f"{int(weakest['holds_in'])} of {n_sets}; {weakest['breaks_when']})."
            )
        out.append(text)
    return out


# ---- figures -----------------------------------------------------------------------
def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    pyplot().close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _curves(d) -> str:
    plt = pyplot()
    res = d.results
    # up to where nearly everyone knows in nearly every run (a rare slow run would squash it)
    ends = [
        np.quantile(r.arrival_times[np.isfinite(r.arrival_times)], 0.995)
        if np.isfinite(r.arrival_times).any()
        else 0.0
        for r in res.values()
    ]
    grid = np.linspace(0.0, max(1.15 * max(ends), 1e-9), 200)
    fig, ax = plt.subplots(figsize=(7.5, 3.8), layout="constrained")
    for k, (name, r) in enumerate(res.items()):
        c = r.curve(grid)
        ax.fill_between(
            c["time"], 100 * c["lo"], 100 * c["hi"], color=PALETTE[k], alpha=0.15, linewidth=0
        )
        ax.plot(c["time"], 100 * c["median"], color=PALETTE[k], linewidth=2, label=f"news {name}")
    ax.set_xlabel(f"time ({d.organisation.time_unit})")
    ax.set_ylabel("staff who know (%)")
    ax.set_ylim(0, 102)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, loc="lower right")
    return _png(fig)


def _bars(labels, values: dict[str, np.ndarray], xlabel: str) -> str:
    plt = pyplot()
    n, m = len(labels), len(values)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * n * m + 1.4), layout="constrained")
    y = np.arange(n)[::-1].astype(float)
    h = 0.8 / m
    for j, (name, v) in enumerate(values.items()):
        v = np.where(np.isfinite(v), v, np.nan)
        ax.barh(y + 0.4 - h * (j + 0.5), v, height=h, color=PALETTE[j], label=name)
    ax.set_yticks(y, [str(s) for s in labels])
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(frameon=False, loc="best")
    return _png(fig)


# ---- HTML ---------------------------------------------------------------------------
_CSS = """
body{font-family:Georgia,'Times New Roman',serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.5;background:#fff}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccc}
p.lead{color:#555;margin-top:0}table{border-collapse:collapse;margin:.8rem 0;font-size:.95rem}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}
img{max-width:100%;height:auto}.note{color:#555;font-size:.9rem}
ul.summary li{margin-bottom:.4rem}
"""

_COLUMNS = {
    "people": "people",
    "managers": "managers",
    "span_mean": "team size (mean)",
    "span_max": "widest team",
    "attention_mean": "keeps up with (mean)",
    "attention_max": "keeps up with (most)",
    "t50": "half know (t50)",
    "t90": "90 % know (t90)",
    "t50_lo": "t50, fast runs",
    "t50_hi": "t50, slow runs",
    "t90_lo": "t90, fast runs",
    "t90_hi": "t90, slow runs",
    "reach": "share who ever hear",
    "agents": "people",
    "first": "first to know",
    "rank": "rank",
    "id": "id",
    "department": "department",
    "level": "layer",
    "score": "messenger score",
    "t90_without": "t90 without them",
    "slowdown": "slower by (×)",
    "reach_without": "share who hear without them",
    "departments_linked": "departments linked",
    "role": "role",
    "what": "what changes",
    "applies": "applies",
    "note": "why not",
    "hours_saved": "hours saved (t90)",
    "saved_share": "share of t90 saved",
    "people_affected": "people affected",
    "links_added": "links added",
    "widest_span": "widest team after",
    "widest_span_before": "widest team before",
    "most_watched": "busiest keeps up with",
    "most_watched_before": "busiest before",
    "links": "links",
    "holds_in": "holds in",
    "sets": "of sets",
    "share": "share",
    "breaks_when": "what breaks it",
    "value": "value",
    "unit": "unit",
}


def _table(
    df: pd.DataFrame,
    *,
    id: str | None = None,
    index_name: str | None = None,
    drop: tuple[str, ...] = ("unit",),
    source: bool = False,
) -> str:
    cols = [c for c in df.columns if c not in drop and (source or c != "source")]
    head = "".join(f"<th>{html.escape(_COLUMNS.get(c, str(c)))}</th>" for c in cols)
    name = index_name or df.index.name or ""
    attr = f' id="{id}"' if id else ""
    first = f"<table{attr}><thead><tr><th>{html.escape(str(name))}</th>{head}</tr></thead>"
    out = [first + "<tbody>"]
    for idx, row in df.iterrows():
        cells = []
        for c in cols:
            v = row[c]
            num = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
                v, (bool, np.bool_)
            )
            if c in ("reach", "reach_without", "share", "saved_share") and num:
                text = "–" if (isinstance(v, float) and math.isnan(v)) else _pct(float(v))
            else:
                text = fmt(v)
            cells.append(
                f'<td class="num">{html.escape(text)}</td>'
                if num
                else f"<td>{html.escape(text)}</td>"
            )
        src = (
            f' data-source="{html.escape(str(row["source"]))}"'
            if "source" in df.columns and not source
            else ""
        )
        out.append(f"<tr{src}><th>{html.escape(str(idx))}</th>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _img(b64: str, alt: str) -> str:
    return f'<p><img alt="{html.escape(alt)}" src="data:image/png;base64,{b64}"></p>'


def render(d) -> str:
    """The report as one HTML string."""
    t, org = d.tables, d.organisation
    unit = org.time_unit
    a = d.assumptions
    name = html.escape(org.name or "your organisation")
    p = []
    p.append(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>How fast news travels: {name}</title><style>{_CSS}</style></head><body>"
    )
    p.append(f"<h1>How fast news travels through {name}</h1>")
    p.append(
        f'<p class="lead">A diagnosis made by swarm {__version__} on '
        f"{dt.date.today().isoformat()}: {d.runs} simulated runs of every situation, "
        f"seed {html.escape(str(d.seed))}. Times are in working {unit}.</p>"
    )
    p.append('<h2>In short</h2><ul class="summary">')
    p.extend(f"<li>{html.escape(s)}</li>" for s in sentences(d))
    p.append("</ul>")
    p.append("<h2>The answers at a glance</h2>")
    p.append(_table(t["headline"], id="headline", index_name="question", drop=()))
    p.append(
        '<p class="note">t50 and t90: hours until half and 90 % of the staff know '
        "(the middle value over all runs). Each answer is explained below.</p>"
    )
    p.append("<h2>The organisation</h2>")
    p.append(
        "<p>One row per layer (0 is the top). <em>Keeps up with</em> is how many others "
        "a person watches: their manager, their team and, with contacts, the people "
        "they write to.</p>"
    )
    p.append(_table(t["structure"], index_name="layer"))
    p.append("<h2>How long until people know</h2>")
    p.append(
        "<p>The share of the staff who know, over time, for news that starts at the top, "
        "on the front line (someone who manages nobody) and with anyone. The line is the "
        "middle run, the band the fastest and slowest runs (5-95 %).</p>"
    )
    p.append(_img(_curves(d), "share of the staff who know over time"))
    p.append(_table(t["speed"], index_name="news"))
    dep = t["departments"]
    if len(dep) > 1:
        p.append("<h2>Which departments hear last</h2>")
        p.append(
            "<p>News that starts with anyone: how long until half and 90 % of each "
            "department know. The slowest department comes first.</p>"
        )
        p.append(
            _img(
                _bars(
                    dep.index,
                    {
                        "half know (t50)": dep["t50"].to_numpy(float),
                        "90 % know (t90)": dep["t90"].to_numpy(float),
                    },
                    f"time ({unit})",
                ),
                "time until each department knows",
            )
        )
        p.append(_table(dep, index_name="department"))
    p.append("<h2>Bottlenecks and linking pins</h2>")
    p.append(
        "<p>The people most news passes through (their <em>messenger score</em>: how "
        "many heard it through them, per run), each checked by simulating the "
        "organisation without them. A <em>bottleneck</em> is someone whose absence slows "
        "the organisation or cuts people off; a <em>linking pin</em> connects their "
        "department with others.</p>"
    )
    p.append(_table(t["people"], index_name="rank", drop=("unit", "t90", "reach", "slowdown")))
    p.append(
        f'<p class="note">With everyone present, 90 % know after '
        f"{_hours(t['speed'].loc['from anyone', 't90'], unit)} (news from anyone); "
        "<em>never</em> means that without this person fewer than 90 % hear in most "
        "runs. The full table, with the slowdown, is in tables.xlsx.</p>"
    )
    wi = t["whatifs"]
    p.append("<h2>What could we change?</h2>")
    p.append(
        "<p>Each change is simulated with the same assumptions and ranked by the hours it "
        "saves until 90 % know (news from anyone), with what it costs: the people whose "
        "contacts change, the links added and the widest team a manager keeps up "
        "with.</p>"
    )
    ok = wi[wi["applies"]] if "hours_saved" in wi.columns else wi.iloc[:0]
    if len(ok):
        base = t["speed"].loc["from anyone", "t90"]
        p.append(
            _img(
                _bars(
                    ["as it is", *ok.index],
                    {"90 % know (t90)": np.array([base, *ok["t90"].to_numpy(float)])},
                    f"time ({unit})",
                ),
                "t90 for each what-if",
            )
        )
    hidden = ("unit", "applies", "reach", "widest_span_before", "most_watched_before")
    if wi["applies"].all():
        hidden += ("note",)
    p.append(_table(wi, index_name="what-if", drop=hidden))
    p.append(
        f'<p class="note">Before any change the widest team has '
        f"{int(t['structure']['span_max'].max())} people and the busiest person keeps up "
        f"with {int(org.attention.max())} others. tables.xlsx has every column.</p>"
    )
    if "contacts" in t:
        c = t["contacts"]
        p.append("<h2>What the informal network adds</h2>")
        p.append(
            f"<p>The contacts export ({c.attrs.get('contact_edges', 0):,} pairs in touch; "
            f"{c.attrs.get('not_in_chart', 0):,} people not in the chart left out) laid "
            "over the org chart: people also watch those who write to them, the more "
            "often, the sooner they notice.</p>"
        )
        p.append(_table(c, index_name="network"))
    rb = t["robustness"]
    p.append("<h2>Would the conclusions survive other guesses?</h2>")
    axes = "; ".join(
        f"{k.replace('_', ' ')}: " + ", ".join(WORDS.get((k, v), str(v)) for v in vals)
        for k, vals in GRID.items()
    )
    n_sets = int(t["assumption_sets"].shape[0])
    p.append(
        f"<p>Every answer above rests on guesses about how fast people notice. Each "
        f"headline conclusion was computed again under each of the {n_sets} combinations "
        f"of these assumptions: {html.escape(axes)}. The table says in how many it still "
        "holds, and which assumption breaks it.</p>"
    )
    p.append(_table(rb, index_name="conclusion"))
    p.append("<h2>The assumptions</h2><ul>")
    p.append(
        f"<li>News up or down the line waits for the next team meeting: every "
        f"{number(a.meeting_every)} {unit} "
        + (
            "(all teams at the same hour)"
            if a.formal == "scheduled"
            else "(teams meet at different hours, so half that on average)"
        )
        + ".</li>"
    )
    p.append(
        f"<li>A colleague notices what a colleague does after {number(a.colleague_hours)} "
        f"{unit} on average.</li>"
    )
    p.append(
        f"<li>A post on the internal network is noticed after {number(a.network_hours)} "
        f"{unit} on average.</li>"
    )
    p.append("<li>Everyone passes news on once they know it.</li></ul>")
    p.append(
        '<p class="note">Change them with <code>python -m swarm diagnose CHART '
        "--meeting-every H --colleague-hours H --network-hours H --formal "
        "exponential|scheduled</code>. These are simulations of who watches whom, not "
        "measurements of your organisation.</p>"
    )
    p.append("</body></html>")
    return "\n".join(p)


def write_html(d, path) -> str:
    """Write :func:`render` to ``path`` atomically; return the path as a string."""
    import os

    path = os.fspath(path)
    write_text(path, render(d))
    return path
