"""The e-mail guide's tables (docs/guide/email.md): e-mail against a hierarchy and silos.

Run:  python scripts/realnet_comparison.py

Prints the tables of the section "A real organisation: e-mail vs
hierarchy and silos" and writes docs/email_tree.png, all from the public API
with fixed seeds (the research notebook runs the same at any scale).
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import swarm  # noqa: E402
from swarm.plot import save_figure, transmission_tree  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")
COLS = ["watched_mean", "watched_max", "t10", "t50", "t90", "t90_lo", "t90_hi", "reach"]


def main(runs: int = 1000, pin_runs: int = 500) -> None:
    pd.set_option("display.width", 160)
    email = swarm.datasets.email_eu_core()
    sizes = np.bincount(email.department).tolist()
    n = email.n
    orgs = {
        "e-mail": email,
        "e-mail, 7 each": swarm.datasets.email_eu_core(k=7, seed=1),
        "hierarchy": swarm.hierarchy(n, departments=sizes),
        "silos": swarm.silos(n, seed=1, departments=sizes),
        "networked": swarm.networked(n, seed=1, departments=len(sizes)),
    }
    model = swarm.Cascade(swarm.Exponential(1.0))
    meetings = swarm.Cascade({"formal": swarm.Scheduled(8.0), "colleague": swarm.Exponential(1.0)})
    for title, m in [
        ("every edge exponential, mean 1 hour", model),
        ("formal channel at a daily meeting (every 8 hours)", meetings),
    ]:
        print(f"# {title}; {runs} runs, one random origin")
        print(swarm.compare(orgs, m, runs=runs, seed=8).summary()[COLS].round(2).to_string())
    rows = {}
    for name in ["e-mail", "e-mail, 7 each", "hierarchy", "silos"]:
        pins = swarm.find_linking_pins(orgs[name], model, runs=pin_runs, top=5, seed=3)
        top = f"{pins.ids[0]} ({pins.table['department'].iloc[0]})"
        rows[name] = {
            "top messenger (id, dept)": top,
            "score": pins.table["score"].iloc[0],
            "t90": pins.t90,
            "worst single loss": pins.table["t90_without"].max(),
            "without the top 5": pins.t90_without_all,
        }
        if name == "e-mail":
            print(f"# linking pins of the e-mail network ({pin_runs} runs)")
            print(pins.table.round(3).to_string())
            res = swarm.simulate(
                email, model, swarm.Shock([int(pins.ids[0])]), seed=1, record="tree"
            )
            ax = transmission_tree(res, top=5)
            save_figure(ax.figure, os.path.join(DOCS, "email_tree.png"))
    print(f"# linking pins, top 5 by messenger score ({pin_runs} runs each)")
    print(pd.DataFrame(rows).T.round(2).to_string())


if __name__ == "__main__":
    main()
