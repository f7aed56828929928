"""What-if benchmark: the HR what-if table and the cost of a robustness sweep.

Run:  python benchmarks/whatif.py [--agents 10000] [--runs 20] [--draws 10] [--repeat 3]
                                  [--figure docs/robustness.png]

1. What-if answers on ``hierarchy(2000)`` (span 7, levels 0-4): t50, t90
   (median and 5-95 % over 200 runs, one random origin each), mean reach and
   the largest attention budget, for the organisation as is and after each
   what-if. Model: the formal channel passes news on after an exponential
   delay of mean 4 hours (a manager gets round to it within half a working
   day), colleagues and the internal network after one of mean 1 hour.
   Then the hierarchy and its 60 % network at three levels of
   ``swarm.urgency`` (span 24 hours).
2. ``swarm.robustness`` on ``hierarchy(N)`` (default 10^4 agents) and on
   the same hierarchy with 60 % on the internal network, removing 0, 5, 10
   and 20 % of everyone or of the managers, ``draws`` removal draws x
   ``runs`` cascades each: wall time, median of ``--repeat`` after a
   warm-up. Peer: the same simulations done with scipy (the removed agents'
   rows and columns deleted, fresh exponential delays per run, Dijkstra from
   the origin, t50/t90 by numpy), which is exact for this model because
   with ``p = 1`` and one signal needed, turn times are shortest paths.
   The ratio column is the peer's time over each row's.
The machine may be shared: times are medians, and comparable only within
one run of this script.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import time
import timeit

import numba
import numpy as np
import scipy
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

import swarm

FORMAL_MEAN = 4.0
MODEL = swarm.Cascade(
    {
        "formal": swarm.Exponential(FORMAL_MEAN),
        "colleague": swarm.Exponential(1.0),
        "social": swarm.Exponential(1.0),
    }
)
REMOVED = (0.0, 0.05, 0.1, 0.2)
WHO = ("random", "managers")


def _median_time(fn, repeat: int) -> float:
    """Median wall time of ``repeat`` calls (timeit: perf_counter, gc off)."""
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat))


def what_if_table(seed: int = 2026, runs: int = 200):
    """The what-if answers on a 2,000-person hierarchy, as a DataFrame."""
    org = swarm.hierarchy(2000)
    champ = swarm.champion(org, seed=1)
    champion_id = int(np.argmax(champ.attention))
    cases = {
        "as is": (org, "swarm.hierarchy(2000)"),
        "60 % use the internal network": (swarm.adopt(org, 0.6, seed=1), "swarm.adopt(org, 0.6)"),
        "10 % linking pins": (
            swarm.add_linking_pins(org, 0.1, seed=1),
            "swarm.add_linking_pins(org, 0.1)",
        ),
        "one management layer fewer": (swarm.flatten(org), "swarm.flatten(org)"),
        "two managers on leave": (
            swarm.remove(org, 2, who="managers", seed=1),
            'swarm.remove(org, 2, who="managers")',
        ),
        "one social-media champion": (champ, "swarm.champion(org)"),
        "champion with a budget of 7": (
            swarm.champion(org, seed=1, budget=7),
            "swarm.champion(org, budget=7)",
        ),
        "champion on leave": (
            swarm.remove(champ, [champion_id]),
            "swarm.remove(champion, [its id])",
        ),
    }
    cmp = swarm.compare(
        {k: v[0] for k, v in cases.items()}, MODEL, swarm.Shock("random"), runs=runs, seed=seed
    )
    table = cmp.summary()
    table.insert(0, "code", [cases[k][1] for k in table.index])
    return table, cmp


def _urgency_markdown(seed: int = 2026, runs: int = 200) -> str:
    """Reach and t50 of the hierarchy and its 60 % network at three levels of urgency."""
    org = swarm.hierarchy(2000)
    orgs = {"as is": org, "60 % on the network": swarm.adopt(org, 0.6, seed=1)}
    lines = [
        "| urgency | ignore, window (h) | as is: reach, t50 (h) | "
        "60 % on the network: reach, t50 (h) |",
        "|---:|---|---:|---:|",
    ]
    for level in (1.0, 0.5, 0.2):
        params = swarm.urgency(level, span=24.0)
        model = dataclasses.replace(MODEL, **params)
        s = swarm.compare(orgs, model, swarm.Shock("random"), runs=runs, seed=seed).summary()
        window = "none" if params["window"] is None else f"{params['window']:g}"
        cells = [f"{s.loc[k, 'reach']:.3f}, {s.loc[k, 't50']:.1f}" for k in orgs]
        lines.append(f"| {level:g} | {params['ignore']:g}, {window} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines) + "\n"


def _peer(org: swarm.Organisation, runs: int, draws: int, seed: int) -> None:
    """The robustness sweep with scipy: delete the removed, Dijkstra per run."""
    rng = np.random.default_rng(seed)
    managers = np.unique(org.manager[org.manager >= 0])
    w = org.watch
    means = np.array([MODEL.law_of(c).mean for c in swarm.CHANNELS])[org.channel]
    # j -> i where i watches j, weighted by the mean delay of the edge's channel
    flow = sp.csr_array((means, w.indices, w.indptr), shape=w.shape).T.tocsr()
    for who in WHO:
        pool = np.arange(org.n) if who == "random" else managers
        for f in REMOVED:
            for _ in range(draws):
                gone = rng.permutation(pool)[: int(np.floor(f * pool.size + 0.5))]
                keep = np.ones(org.n, bool)
                keep[gone] = False
                idx = np.flatnonzero(keep)
                g = flow[idx][:, idx]
                base = g.data.copy()
                present = idx.size
                t50, t90 = np.empty(runs), np.empty(runs)
                for r in range(runs):
                    g.data = base * rng.exponential(1.0, g.nnz)
                    t = np.sort(dijkstra(g, indices=int(rng.integers(present))))
                    t50[r] = t[int(np.ceil(0.5 * present)) - 1]
                    t90[r] = t[int(np.ceil(0.9 * present)) - 1]
                np.median(t50), np.median(t90)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--draws", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--figure", default=None, help="write the robustness figure here")
    args = ap.parse_args(argv)

    print(
        f"# {platform.machine()}, {os.cpu_count()} cores (may be shared), numba "
        f"{numba.__version__} ({numba.get_num_threads()} threads), numpy {np.__version__}, "
        f"scipy {scipy.__version__}"
    )
    print(
        f"# model: formal exponential mean {FORMAL_MEAN:g} h, colleague and social "
        "exponential mean 1 h; one random origin; 200 runs, seed 2026\n"
    )
    t0 = time.perf_counter()
    table, _ = what_if_table()
    took = time.perf_counter() - t0
    print("| what if | code | t50 (h) | t90 (h), 5-95 % | reach | watched max |")
    print("|---|---|---:|---:|---:|---:|")
    for name, row in table.iterrows():
        print(
            f"| {name} | `{row['code']}` | {row['t50']:.1f} | {row['t90']:.1f} "
            f"({row['t90_lo']:.1f}-{row['t90_hi']:.1f}) | {row['reach']:.3f} | "
            f"{int(row['watched_max'])} |"
        )
    print(f"\n# what-if table: {took:.1f} s for {len(table)} organisations x 200 runs\n")
    print(_urgency_markdown())

    orgs = {"hierarchy": swarm.hierarchy(args.agents)}
    orgs["60 % on the network"] = swarm.adopt(orgs["hierarchy"], 0.6, seed=1)
    sims = len(WHO) * len(REMOVED) * args.draws * args.runs
    print(
        f"# robustness on {args.agents:,} agents: {len(WHO)} ways x {len(REMOVED)} "
        f"fractions x {args.draws} draws x {args.runs} runs = {sims:,} cascades; "
        f"median of {args.repeat} after a warm-up"
    )
    print("| organisation | swarm.robustness (s) | cascades/s | scipy peer (s) | peer / swarm |")
    print("|---|---:|---:|---:|---:|")
    tables = {}
    for name, org in orgs.items():

        def ours(org=org):
            return swarm.robustness(
                org, MODEL, removed=REMOVED, who=WHO, runs=args.runs, draws=args.draws, seed=1
            )

        tables[name] = ours()  # warm-up (compilation) and the table for the figure
        t_ours = _median_time(ours, args.repeat)
        t_peer = _median_time(lambda org=org: _peer(org, args.runs, args.draws, 1), args.repeat)
        print(
            f"| {name} | {t_ours:.2f} | {sims / t_ours:,.0f} | {t_peer:.2f} | "
            f"{t_peer / t_ours:.2f} |"
        )
    cols = ["who", "removed", "absent", "staff_away", "t50", "t90", "t90_lo", "t90_hi", "reach"]
    for name, table in tables.items():
        print(f"\n# {name}")
        print(table[cols].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    if args.figure:
        # t50, not t90: a hierarchy missing anyone rarely reaches 90 % at all
        swarm.plot_robustness(
            tables,
            metric="t50",
            path=args.figure,
            title=f"{args.agents:,} people: who is away "
            f"({args.draws} draws x {args.runs} runs each)",
        )
        print(f"\n# figure written to {args.figure}")


if __name__ == "__main__":
    main()
