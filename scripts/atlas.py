"""The structure atlas: which design responds fastest, where.

Sweeps every structure of ``scenarios/atlas.toml`` over head counts, formal-
channel regimes, shock origins and absences through :func:`swarm.sweep` and
its results store (resumable: run it again and only missing cells are
computed; with ``--scheduler`` the cells run on a Dask cluster), then

- writes every cell to ``OUT/atlas.csv`` (t50, t90, reach, attention...);
- fits how t90 grows with head count for each structure, regime and absence
  (log law and power law with the exponent's confidence interval,
  :mod:`swarm.experiments.growth`) to ``OUT/atlas_fits.csv``;
- writes networked's t90 over the rake's (``OUT/atlas_networked_vs_rake_*.csv``:
  when does the flock beat the rake?);
- finds the winner (lowest median t90) of each head count, regime, shock
  and absence, and its margin (the runner-up's t90 over the winner's), in
  ``OUT/atlas_winners.csv`` and the figure ``OUT/atlas.png``;
- writes the docs page's tables as Markdown (``OUT/atlas_tables.md``);
- records wall time and store size in ``OUT/atlas_run.json``.

Run::

    python scripts/atlas.py --store atlas.sqlite --out atlas-out
    python scripts/atlas.py --store atlas.sqlite --out atlas-out --max-n 10000 --runs 10
    python scripts/atlas.py --store atlas.sqlite --out atlas-out --scheduler tcp://host:8786

Cells run smallest head count first, so an interrupted run leaves a
complete atlas up to some size. A flat structure (no levels: networked,
small world) has no top and no front line; it is run with random origins
only, and in the winners table its random-origin time stands for every
origin (in a flat organisation anyone is as central as the "top").
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import pandas as pd

import swarm
from swarm.experiments.growth import fit_growth, median_error
from swarm.experiments.scenario_file import read_scenario

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(ROOT, "scenarios", "atlas.toml")
N_AXIS, ABSENT_AXIS = "structure.n", "whatif.remove.fraction_or_ids"
REGIME_AXIS, SHOCK_AXIS = "model.latency.formal", "shock.origin"
REGIME_NAMES = {
    "exponential:1": "equal exponential",
    "scheduled:8": "daily meeting",
    "scheduled:40": "weekly meeting",
}
ORIGIN_NAMES = {
    "top": "from the top",
    "bottom": "from the front line",
    "random": "from a random person",
}


def flat_labels(scenario) -> list[str]:
    """Structures without levels (no top, no front line), found on a small copy."""
    return [
        lab
        for lab in scenario.labels
        if scenario.build_structure(lab, {N_AXIS: 64}, 0).level is None
    ]


def run(
    scenario_path: str = SCENARIO,
    store: str | None = None,
    *,
    sizes=None,
    max_n: int | None = None,
    runs: int | None = None,
    scheduler=None,
    progress: bool | None = None,
    skip=(),
) -> pd.DataFrame:
    """Every cell of the atlas (computed or read from ``store``), smallest head count first.

    ``skip`` names structures (the scenario file's labels) to leave out.
    """
    sf = read_scenario(scenario_path)
    sc, grid = sf.scenario, dict(sf.grid)
    unknown = sorted(set(skip) - set(sc.labels))
    if unknown:
        raise ValueError(f"skip: {unknown} are not structures of {scenario_path}: {sc.labels}")
    sizes = sorted(sizes or grid.pop(N_AXIS))
    grid.pop(N_AXIS, None)
    if max_n is not None:
        sizes = [n for n in sizes if n <= max_n]
    origins = grid.pop(SHOCK_AXIS, ["random"])
    flat = flat_labels(sc)
    levelled = [lab for lab in sc.labels if lab not in flat and lab not in skip]
    flat = [lab for lab in flat if lab not in skip]
    groups = [(levelled, origins), (flat, ["random"])]
    backend = "dask" if scheduler else "local"
    frames = []
    for n in sizes:
        for labels, shock in groups:
            if not labels:
                continue
            g = {"structure": labels, N_AXIS: [n], **grid, SHOCK_AXIS: shock}
            frames.append(
                swarm.sweep(
                    sc,
                    g,
                    runs or sf.runs,
                    sf.seed,
                    store=store,
                    backend=backend,
                    scheduler=scheduler,
                    progress=progress,
                )
            )
    return pd.concat(frames, ignore_index=True)


CELL = ["structure", N_AXIS, ABSENT_AXIS, REGIME_AXIS, SHOCK_AXIS]


def joined(paths, scenario_path: str = SCENARIO) -> pd.DataFrame:
    """Earlier runs' ``atlas.csv`` tables as one, in the scenario file's order.

    For an atlas computed in parts (say, one design again after its
    generator changed, in a store of its own): the cells' seeds depend only
    on the file's seed and the cell, so parts join exactly.
    """
    table = pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)
    twice = table[table.duplicated(CELL, keep=False)]
    if len(twice):
        raise ValueError(
            f"--from-csv: {len(twice)} rows name a cell twice, e.g. {twice.iloc[0][CELL].to_dict()}"
        )
    order = {lab: k for k, lab in enumerate(read_scenario(scenario_path).scenario.labels)}
    rank = table["structure"].map(order).fillna(len(order))
    return (
        table.assign(_rank=rank)
        .sort_values([N_AXIS, "_rank"], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def _regime(text: str) -> str:
    return REGIME_NAMES.get(text, text)


def fits(table: pd.DataFrame, min_n: int = 1000) -> pd.DataFrame:
    """t90 against head count for each structure, regime and absence (random origins).

    Only head counts from ``min_n`` up: below about 1,000 people the first
    hops and the offset dominate and bias the exponent (tests/test_atlas.py).
    """
    rows = []
    sub = table[(table[SHOCK_AXIS] == "random") & (table[N_AXIS] >= min_n)]
    for (lab, regime, away), d in sub.groupby(["structure", REGIME_AXIS, ABSENT_AXIS], sort=False):
        d = d[np.isfinite(d["t90"]) & (d["t90"] > 0)].sort_values(N_AXIS)
        if d[N_AXIS].nunique() < 4:
            continue
        err = median_error(d["t90_lo"], d["t90_hi"], d["runs"])
        err = np.maximum(err, 1e-3 * d["t90"])  # constant laws have no spread at all
        try:
            f = fit_growth(d[N_AXIS], d["t90"], err)
        except ValueError:
            continue
        rows.append(
            {
                "structure": lab,
                "regime": _regime(regime),
                "absent": away,
                "n_from": int(d[N_AXIS].min()),
                "n_to": int(d[N_AXIS].max()),
                **f,
            }
        )
    columns = [
        "structure",
        "regime",
        "absent",
        "n_from",
        "n_to",
        "points",
        "log_slope",
        "log_slope_lo",
        "log_slope_hi",
        "log_chi2",
        "exponent",
        "exponent_lo",
        "exponent_hi",
        "power_chi2",
    ]
    return pd.DataFrame(rows, columns=columns)  # the columns even when too few sizes


def winners(table: pd.DataFrame) -> pd.DataFrame:
    """The fastest structure (median t90) per head count, regime, origin and absence."""
    t = table.copy()
    flat = t.groupby("structure")[SHOCK_AXIS].agg(lambda s: set(s) == {"random"})
    extra = []
    for origin in sorted(set(t[SHOCK_AXIS]) - {"random"}):
        stand_in = t[t["structure"].map(flat) & (t[SHOCK_AXIS] == "random")].copy()
        stand_in[SHOCK_AXIS] = origin
        extra.append(stand_in)
    t = pd.concat([t, *extra], ignore_index=True)
    rows = []
    keys = [N_AXIS, REGIME_AXIS, SHOCK_AXIS, ABSENT_AXIS]
    for key, d in t.groupby(keys, sort=True):
        d = d.sort_values("t90")
        best, second = d.iloc[0], d.iloc[1] if len(d) > 1 else None
        margin = second["t90"] / best["t90"] if second is not None and best["t90"] > 0 else math.nan
        rows.append(
            {
                "n": key[0],
                "regime": _regime(key[1]),
                "origin": key[2],
                "absent": key[3],
                "winner": best["structure"],
                "t90": best["t90"],
                "runner_up": None if second is None else second["structure"],
                "runner_up_t90": math.nan if second is None else second["t90"],
                "margin": margin,
                "winner_reach": best["reach"],
            }
        )
    return pd.DataFrame(rows)


def versus(
    table: pd.DataFrame, a: str = "networked", b: str = "hierarchy", origin: str = "random"
) -> pd.DataFrame:
    """t90 of ``a`` over t90 of ``b`` per head count (rows) and regime (columns), nobody away.

    Below 1, ``a`` is faster. With ``origin`` other than random, a flat ``a``
    uses its random-origin time (it has no top or front line).
    """
    t = table[table[ABSENT_AXIS] == 0.0]
    ta = t[
        (t["structure"] == a)
        & (
            t[SHOCK_AXIS]
            == (origin if origin in set(t.loc[t["structure"] == a, SHOCK_AXIS]) else "random")
        )
    ]
    tb = t[(t["structure"] == b) & (t[SHOCK_AXIS] == origin)]
    ka, kb = ta.set_index([N_AXIS, REGIME_AXIS])["t90"], tb.set_index([N_AXIS, REGIME_AXIS])["t90"]
    out = (ka / kb).unstack(REGIME_AXIS)
    out.columns = [_regime(c) for c in out.columns]
    out.index.name = "n"
    return out[[r for r in REGIME_NAMES.values() if r in out.columns]]


THEORY = {
    "hierarchy": "log n",
    "small_world": "log n",
    "networked": "n^(1/2)",
    "networked_3d": "n^(1/3)",
}


def _md(df: pd.DataFrame, floatfmt: str = "{:.2f}") -> str:
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in df.iterrows():
        cells = [floatfmt.format(v) if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(table: pd.DataFrame, fit: pd.DataFrame, win: pd.DataFrame) -> str:
    """The tables of the docs page, as Markdown."""
    out = []
    f = fit[(fit["regime"] == "equal exponential") & (fit["absent"] == 0.0)].copy()
    f["theory"] = f["structure"].map(THEORY).fillna("")
    f["exponent (95 % CI)"] = [
        f"{e:.2f} [{lo:.2f}, {hi:.2f}]"
        for e, lo, hi in zip(f["exponent"], f["exponent_lo"], f["exponent_hi"])
    ]
    f["log slope (h per e-fold)"] = [
        f"{b:.2f} [{lo:.2f}, {hi:.2f}]"
        for b, lo, hi in zip(f["log_slope"], f["log_slope_lo"], f["log_slope_hi"])
    ]
    f["chi2 log / power"] = [f"{a:.1f} / {b:.1f}" for a, b in zip(f["log_chi2"], f["power_chi2"])]
    f["n"] = [f"{a:,}-{b:,}" for a, b in zip(f["n_from"], f["n_to"])]
    out.append(
        "### t90 growth, equal exponential delays, random origin, nobody away\n\n"
        + _md(
            f[
                [
                    "structure",
                    "theory",
                    "exponent (95 % CI)",
                    "log slope (h per e-fold)",
                    "chi2 log / power",
                    "n",
                ]
            ]
        )
    )
    for origin in ("random", "bottom", "top"):
        v = versus(table, origin=origin).reset_index()
        v["n"] = v["n"].map("{:,}".format)
        out.append(f"### networked t90 / hierarchy t90, shock {ORIGIN_NAMES[origin]}\n\n" + _md(v))
    w = win.copy()
    w["winner (margin)"] = [f"{a} (x{m:.2f})" for a, m in zip(w["winner"], w["margin"])]
    for origin in ("random", "bottom", "top"):
        for away in sorted(set(w["absent"])):
            p = (
                w[(w["origin"] == origin) & (w["absent"] == away)]
                .pivot(index="n", columns="regime", values="winner (margin)")
                .reset_index()
            )
            p = p[["n"] + [r for r in REGIME_NAMES.values() if r in p.columns]]
            p["n"] = p["n"].map("{:,}".format)
            out.append(
                f"### fastest design, shock {ORIGIN_NAMES[origin]}, {away:.0%} away\n\n" + _md(p)
            )
    n_top = table["structure.n"].max()
    a = table[(table["structure.n"] == n_top) & (table[ABSENT_AXIS] == 0.0)]
    a = a.groupby("structure", sort=False)[["agents", "watched_mean", "watched_max"]].first()
    out.append(f"### attention spent at {n_top:,} people\n\n" + _md(a.reset_index()))
    return "\n\n".join(out) + "\n"


def figure(win: pd.DataFrame, path: str, labels) -> None:
    """One panel per origin and absence: the winner per head count and regime, with its margin."""
    import matplotlib
    from matplotlib.colors import ListedColormap

    from swarm.plot import save_figure
    from swarm.plot._mpl import PALETTE, pyplot

    plt = pyplot()
    colours = list(PALETTE[:-1]) + ["#882255", "#999999", "#332288", "#117733"]
    code = {lab: k for k, lab in enumerate(labels)}
    origins = [o for o in ("top", "bottom", "random") if o in set(win["origin"])]
    aways = sorted(set(win["absent"]))
    regimes = [r for r in REGIME_NAMES.values() if r in set(win["regime"])]
    sizes = sorted(set(win["n"]))
    fig, axes = plt.subplots(
        len(origins),
        len(aways),
        squeeze=False,
        sharex=True,
        sharey=True,
        figsize=(4.2 * len(aways) + 2.5, 1.2 * len(regimes) * len(origins) + 1.5),
        layout="constrained",
    )
    cmap = ListedColormap(colours[: len(labels)])
    for r, origin in enumerate(origins):
        for c, away in enumerate(aways):
            ax = axes[r, c]
            d = win[(win["origin"] == origin) & (win["absent"] == away)]
            grid = np.full((len(regimes), len(sizes)), np.nan)
            for _, row in d.iterrows():
                i, j = regimes.index(row["regime"]), sizes.index(row["n"])
                grid[i, j] = code[row["winner"]]
                rgb = np.array(matplotlib.colors.to_rgb(colours[code[row["winner"]]]))
                ink = "black" if rgb @ [0.299, 0.587, 0.114] > 0.55 else "white"
                ax.text(
                    j,
                    i,
                    f"x{row['margin']:.2f}" if np.isfinite(row["margin"]) else "",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=ink,
                )
            ax.imshow(grid, cmap=cmap, vmin=-0.5, vmax=len(labels) - 0.5, aspect="auto")
            ax.set_title(f"shock {ORIGIN_NAMES.get(origin, origin)}, {away:.0%} absent", fontsize=9)
            ax.set_yticks(range(len(regimes)), regimes, fontsize=8)
            ax.set_xticks(
                range(len(sizes)),
                [f"{n:.0e}".replace("e+0", "e") for n in sizes],
                fontsize=7,
                rotation=45,
            )
            if r == len(origins) - 1:
                ax.set_xlabel("head count")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[code[lab]]) for lab in labels]
    fig.legend(
        handles,
        [lab.replace("_", " ") for lab in labels],
        loc="outside right center",
        fontsize=8,
        title="fastest t90",
    )
    fig.suptitle(
        "Which design wins where: the fastest structure (median t90) and its margin "
        "(runner-up's t90 / winner's)",
        fontsize=10,
    )
    save_figure(fig, path)
    plt.close(fig)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", default=SCENARIO)
    p.add_argument("--store", default=None, help="results store (resumable)")
    p.add_argument("--out", required=True, help="folder for the tables and the figure")
    p.add_argument("--sizes", default=None, help="head counts, comma-separated")
    p.add_argument("--max-n", type=int, default=None)
    p.add_argument("--runs", type=int, default=None, help="runs per cell (default: the file's)")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address")
    p.add_argument("--progress", action="store_true")
    p.add_argument("--skip", default="", help="structures to leave out, comma-separated")
    p.add_argument(
        "--from-csv",
        default=None,
        metavar="CSV[,CSV...]",
        help="compute nothing: redraw the tables and the figure from earlier runs' atlas.csv "
        "(several are joined; a cell in two of them is an error)",
    )
    args = p.parse_args(argv)
    if (args.store is None) == (args.from_csv is None):
        p.error("give either --store (compute) or --from-csv (redraw)")
    sizes = None if args.sizes is None else [int(x) for x in args.sizes.split(",")]
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()
    if args.from_csv:
        try:
            table = joined([x for x in args.from_csv.split(",") if x])
        except (OSError, ValueError) as err:
            p.error(str(err))
    else:
        skip = [x for x in args.skip.split(",") if x]
        labels = read_scenario(args.scenario).scenario.labels
        if set(skip) - set(labels):
            p.error(f"--skip: {sorted(set(skip) - set(labels))} are not in the file: {labels}")
        table = run(
            args.scenario,
            args.store,
            sizes=sizes,
            max_n=args.max_n,
            runs=args.runs,
            scheduler=args.scheduler,
            progress=args.progress or None,
            skip=skip,
        )
    wall = time.perf_counter() - start
    table.to_csv(os.path.join(args.out, "atlas.csv"), index=False)
    fit = fits(table)
    fit.to_csv(os.path.join(args.out, "atlas_fits.csv"), index=False)
    win = winners(table)
    win.to_csv(os.path.join(args.out, "atlas_winners.csv"), index=False)
    for origin in ("random", "bottom", "top"):
        versus(table, origin=origin).to_csv(
            os.path.join(args.out, f"atlas_networked_vs_rake_{origin}.csv")
        )
    with open(os.path.join(args.out, "atlas_tables.md"), "w") as fh:
        fh.write(markdown(table, fit, win))
    labels = list(dict.fromkeys(table["structure"]))
    figure(win, os.path.join(args.out, "atlas.png"), labels)
    info = {
        "cells": len(table),
        "wall_seconds": round(wall, 1),
        "store_bytes": os.path.getsize(args.store) if args.store else None,
        "from_csv": args.from_csv,
        "sizes": sorted(set(table[N_AXIS])),
        "runs": int(table["runs"].iloc[0]),
        "load_average": list(os.getloadavg()),
    }
    with open(os.path.join(args.out, "atlas_run.json"), "w") as fh:
        json.dump(info, fh, indent=1)
    print(json.dumps(info), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
