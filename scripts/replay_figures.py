"""Regenerate the real-timing figures and tables of docs/guide/replay.md.

Run:  python scripts/replay_figures.py [--quick]

1. Karsai et al. (2011) on both shipped data sets: the news replayed from
   every person at 5 start times over the first half of the data, on the
   real contacts and on 5 draws of each null model; mean fraction reached
   over time -> docs/figures/replay_nulls.png, and the table of times to
   reach 10, 25 and 50 %.
2. Calibration: the static model ``from_edges(..., latency="rate")`` with
   exponential waits against the replay, 50 origins x 10 start times, 100
   runs of the static model per origin -> docs/figures/replay_calibration.png
   and the summary table.

Times in days. Every number comes from the public API with fixed seeds.
``--quick`` shrinks everything (a smoke test, not the published numbers).
"""

from __future__ import annotations

import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

import swarm
from swarm.plot import PALETTE, save_figure

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIGURES = os.path.join(ROOT, "docs", "figures")
LOADERS = (swarm.datasets.email_eu_core_temporal, swarm.datasets.college_msg)


def nulls(quick: bool) -> pd.DataFrame:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    tables = []
    for ax, load in zip(axes, LOADERS):
        c = load(time_unit="days")
        table, curves = swarm.temporal.against_nulls(
            c, starts=2 if quick else 5, realisations=1 if quick else 5, seed=2026
        )
        tables.append(table.assign(data=c.name).set_index("data", append=True))
        for k, name in enumerate(curves.columns[1:]):
            ax.plot(
                curves["time"],
                curves[name],
                color=PALETTE[k],
                linewidth=2.2 if name == "real" else 1.4,
                linestyle="-" if name == "real" else "--",
                label=name,
            )
        ax.set_xlabel("days after the news broke")
        ax.set_ylabel("mean fraction of people reached")
        ax.set_title(f"{c.name}: {len(c):,} contacts, {c.n:,} people", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize=8)
    save_figure(fig, os.path.join(FIGURES, "replay_nulls.png"))
    plt.close(fig)
    return pd.concat(tables)


def calibration(quick: bool) -> pd.DataFrame:
    fig, axes = plt.subplots(2, 2, figsize=(10, 8.4), layout="constrained")
    rows = []
    for ax_row, load in zip(axes, LOADERS):
        c = load(time_unit="days")
        cal = swarm.temporal.calibrate(
            c,
            origins=5 if quick else 50,
            starts=2 if quick else 10,
            runs=10 if quick else 100,
            seed=2026,
        )
        cal.plot(axes=ax_row)
        rows.append(cal.summary())
    save_figure(fig, os.path.join(FIGURES, "replay_calibration.png"))
    plt.close(fig)
    return pd.concat(rows)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    args = ap.parse_args(argv)
    os.makedirs(FIGURES, exist_ok=True)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(nulls(args.quick).round(3))
        print()
        print(calibration(args.quick).T)


if __name__ == "__main__":
    main()
