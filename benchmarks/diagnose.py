"""Diagnose benchmark: the whole HR diagnosis of the 2,000-person sample company with contacts.

Run:  python benchmarks/diagnose.py [--runs 100] [--robust-runs 30] [--repeat 3] [--out DIR]

Times ``swarm.diagnose`` on the sample org chart (2,000 people, 5 layers) with
its sample communication export laid over it (about 18,000 watch edges), at
the command line's defaults: 100 runs of every main simulation, 10 linking-pin
candidates confirmed by removal, 4 what-ifs, and 18 assumption sets x 7
situations x 30 runs for the robustness of the conclusions (about 140
simulations in all). The target is under 60 s on 2 cores. A progress bar shows
on a terminal. Reported: the wall time of each repeat (the first includes
numba's compilation, cached afterwards), their median, the share spent in each
part, and the load average, since the machine may be shared.

Peer: the same simulations once over through ``swarm.simulate`` alone (no
report, no tables), i.e. the floor diagnose can reach; the ratio is the
diagnosis time over it, the overhead of everything diagnose adds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numba

import swarm
from swarm.diagnosis import Assumptions
from swarm.diagnosis.robust import GRID_SIZE


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


def floor(org, runs: int, robust_runs: int, seed: int = 2026) -> float:
    """Seconds for the bare simulations a diagnosis runs (same counts, same sizes)."""
    a = Assumptions()
    model = a.model()
    start = time.perf_counter()
    for origin in ("top", "bottom", "random"):
        swarm.simulate(org, model, swarm.Shock(origin), runs, seed, progress=False)
    variants = [
        swarm.adopt(org, 0.6, seed=1),
        swarm.add_linking_pins(org, 0.05, seed=1),
        swarm.flatten(org, level=2),
        swarm.champion(org, seed=1, budget=7),
    ]
    for v in variants:
        swarm.simulate(v, model, swarm.Shock("random"), runs, seed, progress=False)
    swarm.simulate(org, model, swarm.Shock("random"), runs, seed, progress=False, record="tree")
    for _ in range(11):  # the pins confirmed by removal, and all of them at once
        swarm.simulate(
            swarm.remove(org, 1, seed=1), model, swarm.Shock("random"), runs, seed, progress=False
        )
    for cell in range(GRID_SIZE):
        m = a.model(
            meeting_every=(4.0, 8.0, 40.0)[cell % 3],
            colleague_factor=(0.25, 1.0, 4.0)[(cell // 3) % 3],
            formal=("exponential", "scheduled")[cell // 9],
        )
        for o in (org, *variants):
            swarm.simulate(o, m, swarm.Shock("random"), robust_runs, seed, progress=False)
        for origin in ("top", "bottom"):
            swarm.simulate(org, m, swarm.Shock(origin), robust_runs, seed, progress=False)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--robust-runs", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=None, help="write report.html there too")
    args = parser.parse_args(argv)
    print(
        f"# swarm {swarm.__version__}, numba {numba.__version__}, python "
        f"{platform.python_version()}, {os.cpu_count()} cores, numba threads "
        f"{numba.get_num_threads()}; load average before: {_load()}"
    )
    chart = swarm.from_org_chart(swarm.datasets.sample_org_chart_path(), name="sample company")
    contacts = swarm.datasets.sample_contacts_path()
    times = []
    d = None
    for k in range(args.repeat):
        start = time.perf_counter()
        d = swarm.diagnose(
            chart, contacts=contacts, runs=args.runs, robust_runs=args.robust_runs, seed=2026
        )
        times.append(time.perf_counter() - start)
        print(f"diagnose, repeat {k + 1}: {times[-1]:.1f} s (load {_load()})", flush=True)
    med = statistics.median(times[1:] if len(times) > 1 else times)
    bare = floor(d.organisation, args.runs, args.robust_runs)
    print(f"diagnose median (after the first): {med:.1f} s; target < 60 s")
    print(f"bare simulations of the same sizes: {bare:.1f} s; diagnose / bare = {med / bare:.2f}")
    print(f"load average after: {_load()}")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        print(f"wrote {d.to_html(os.path.join(args.out, 'report.html'))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
