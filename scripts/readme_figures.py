"""Regenerate the figures the README and the docs show (committed under docs/).

Run:  python scripts/readme_figures.py

Every figure comes from the public API with fixed seeds, so the pictures in
the README are what a user gets.
"""

from __future__ import annotations

import os

import matplotlib
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import swarm  # noqa: E402
from swarm.cli import main  # noqa: E402
from swarm.plot import adoption_curve, draw_organisation, save_figure  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")


def comparison() -> None:
    """The main job's figure: exactly `python -m swarm compare --out docs`."""
    main(["compare", "--out", DOCS, "--quiet"])


def organisations() -> None:
    """Four structures of 400 people, coloured by when they turned (one run)."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 9), layout="constrained")
    model = swarm.Cascade(swarm.Exponential(1.0))
    orgs = [
        swarm.hierarchy(400),
        swarm.linking_pin(400),
        swarm.silos(400, 3, departments=4),
        swarm.networked(400, 3, departments=4),
    ]
    for ax, org in zip(axes.ravel(), orgs):
        shock = swarm.Shock("bottom" if org.level is not None else "random")
        res = swarm.simulate(org, model, shock, seed=11)
        draw_organisation(
            org,
            res.arrival_times[0],
            ax=ax,
            title=f"{org.name}: t90 {res.summary()['t90'].iloc[0]:.1f} hours",
        )
    save_figure(fig, os.path.join(DOCS, "organisations.png"))
    plt.close(fig)


def hr_model() -> swarm.Cascade:
    """The assumptions of notebooks/01_hr_what_if.ipynb (working hours)."""
    return swarm.Cascade(
        {
            "formal": swarm.Exponential(8.0 / 2),  # the next team meeting
            "colleague": swarm.Exponential(1.0),
            "social": swarm.Exponential(0.25),
        }
    )


def hr_comparison(runs: int = 200) -> pd.DataFrame:
    """The sample org chart as it is, against silos and networked of the same size."""
    org = swarm.datasets.sample_org_chart(as_organisation=True).replace(name="as it is")
    deps = len(org.department_names)
    variants = {
        "as it is": org,
        "silos": swarm.silos(org.n, seed=1, departments=deps),
        "networked": swarm.networked(org.n, seed=1, departments=deps),
    }
    cmp = swarm.compare(variants, hr_model(), swarm.Shock("random"), runs=runs, seed=1)
    fig = cmp.plot(
        title=f"sample org chart ({org.n} people): news from one random person, {runs} runs"
    )
    save_figure(fig, os.path.join(DOCS, "hr_comparison.png"))
    plt.close(fig)
    return cmp.summary()[["t50", "t90", "t_all", "reach"]]


def adoption(runs: int = 200) -> pd.DataFrame | None:
    """t50 and t90 of the sample org chart against the share of staff on the internal network."""
    if not hasattr(swarm, "adopt"):
        print("swarm.adopt is missing: docs/adoption.png not regenerated")
        return None
    org = swarm.datasets.sample_org_chart(as_organisation=True)
    rows = []
    for fraction in (0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0):
        res = swarm.simulate(
            swarm.adopt(org, fraction, seed=1), hr_model(), swarm.Shock("random"), runs=runs, seed=2
        )
        rows.append(res.summary().assign(fraction=fraction))
    table = pd.concat(rows, ignore_index=True)
    ax = adoption_curve(
        table,
        ("t50", "t90"),
        title=f"sample org chart ({org.n} people): news from one random person, {runs} runs",
    )
    save_figure(ax.figure, os.path.join(DOCS, "adoption.png"))
    plt.close(ax.figure)
    return table[["fraction", "t50", "t90", "t_all", "reach"]]


if __name__ == "__main__":
    comparison()
    organisations()
    pd.set_option("display.precision", 3)
    print(hr_comparison())
    print(adoption())
    print(f"figures written to {DOCS}")
