"""Regenerate the figures the README shows (committed under docs/).

Run:  python scripts/readme_figures.py

Every figure comes from the public API with fixed seeds, so the pictures in
the README are what a user gets.
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import swarm  # noqa: E402
from swarm.cli import main  # noqa: E402
from swarm.plot import draw_organisation, save_figure  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")


def comparison() -> None:
    """The main job's figure: exactly `python -m swarm compare --out docs`."""
    main(["compare", "--out", DOCS, "--quiet"])


def organisations() -> None:
    """Four structures of 400 people, coloured by when they turned (one run)."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 9), layout="constrained")
    model = swarm.Cascade(swarm.Exponential(1.0))
    orgs = [swarm.hierarchy(400), swarm.linking_pin(400), swarm.silos(400, 3, departments=4),
            swarm.networked(400, 3, departments=4)]
    for ax, org in zip(axes.ravel(), orgs):
        shock = swarm.Shock("bottom" if org.level is not None else "random")
        res = swarm.simulate(org, model, shock, seed=11)
        draw_organisation(org, res.arrival_times[0], ax=ax,
                          title=f"{org.name}: t90 {res.summary()['t90'].iloc[0]:.1f} hours")
    save_figure(fig, os.path.join(DOCS, "organisations.png"))
    plt.close(fig)


if __name__ == "__main__":
    comparison()
    organisations()
    print(f"figures written to {DOCS}")
