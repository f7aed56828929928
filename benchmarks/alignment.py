"""Alignment benchmark: agent-steps per second of the stepped heading kernel.

Run:  python benchmarks/alignment.py [--agents 100000] [--steps 200] [--repeat 3]

Rows, all on ``swarm.networked(N, k=7)``, one origin:
- swarm's kernel through ``swarm.simulate`` for the overdamped (Vicsek-type)
  and inertial spin models, 2D and 3D, with and without noise, as many runs
  as numba has threads (replicates run in parallel) and one run alone;
- a vectorised numpy/scipy peer of the same step (sparse mean of watched
  headings, cross products, Rodrigues rotation) on one run, single-threaded
  as numpy is here; the ratio column is each row's rate over this peer's.
Times are medians of ``--repeat`` repetitions after a warm-up (compilation).
Without noise only agents that feel a torque rotate (the rest skip the
trigonometry), so that row is an upper bound; with noise every agent rotates
every step, which is the realistic cost.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import timeit

import numba
import numpy as np
import scipy.sparse as sp

import swarm


def _median_time(fn, repeat: int) -> float:
    """Median wall time of ``repeat`` calls (timeit: perf_counter, gc off)."""
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat))


def _numpy_peer(org: swarm.Organisation, model: swarm.Alignment, steps: int, rng) -> None:
    """The same ISM/overdamped step, vectorised with numpy and a scipy sparse product."""
    w = org.watch.astype(bool).astype(np.float64)
    k = np.maximum(np.asarray(w.sum(axis=1)).ravel(), 1.0)
    mean_op = sp.diags(1.0 / k) @ w
    n = org.n
    h = np.zeros((n, 3))
    h[:, 0] = 1.0
    s = np.zeros((n, 3))
    J, chi, eta, dt = model.coupling, model.inertia, model.friction, model.dt
    g = eta / chi * dt if chi > 0 else 0.0
    a, b = math.exp(-g), (1.0 if g == 0 else -math.expm1(-g) / g)
    sd = model.noise * math.sqrt(dt)
    for _ in range(steps):
        tau = J * dt * np.cross(h, mean_op @ h)
        if sd > 0:
            tau += sd * np.cross(h, rng.standard_normal((n, 3)))
        if chi > 0:
            s = a * s + b * tau
            s -= np.einsum("ij,ij->i", s, h)[:, None] * h
            rot = s * (dt / chi)
        else:
            rot = tau / eta
        ang = np.linalg.norm(rot, axis=1)[:, None]
        u = np.divide(rot, ang, out=np.zeros_like(rot), where=ang > 0)
        h = h * np.cos(ang) + np.cross(u, h) * np.sin(ang)
        h /= np.linalg.norm(h, axis=1)[:, None]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=100_000)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    n, steps = args.agents, args.steps
    threads = numba.get_num_threads()
    org = swarm.networked(n, seed=1)
    shock = swarm.Shock([0])
    dt = 0.05

    def model(**kw):
        return swarm.Alignment(coupling=1.0, friction=1.0, dt=dt, max_time=steps * dt, **kw)

    cases = [
        ("overdamped 2D, no noise", model(), threads),
        ("overdamped 2D, noise 0.1", model(noise=0.1), threads),
        ("inertial spin 2D, noise 0.1", model(noise=0.1, inertia=1.0), threads),
        ("inertial spin 3D, noise 0.1", model(noise=0.1, inertia=1.0, dim=3), threads),
        ("inertial spin 3D, noise 0.1", model(noise=0.1, inertia=1.0, dim=3), 1),
    ]
    small = swarm.networked(10_000, seed=2)  # compile both paths: runs or agents in parallel
    for _, m, runs in cases:
        swarm.simulate(small, m, shock, runs=max(runs, 2), seed=0)
        swarm.simulate(small, m, shock, runs=1, seed=0)
    rng = np.random.default_rng(0)
    peer_model = model(noise=0.1, inertia=1.0, dim=3)
    t_peer = _median_time(lambda: _numpy_peer(org, peer_model, steps, rng), args.repeat)
    peer_rate = n * steps / t_peer

    rows = []
    for what, m, runs in cases:
        t = _median_time(lambda: swarm.simulate(org, m, shock, runs=runs, seed=1), args.repeat)
        rate = runs * n * steps / t
        rows.append((f"swarm: {what}", runs, f"{t:.3f}", f"{rate:,.0f}", f"{rate / peer_rate:.1f}"))
    rows.append(
        (
            "numpy/scipy peer: inertial spin 3D, noise 0.1",
            1,
            f"{t_peer:.3f}",
            f"{peer_rate:,.0f}",
            "1.0",
        )
    )

    print(
        f"alignment kernel on networked({n:,}, k=7), {steps} steps per run; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numba {numba.__version__} with {threads} threads"
    )
    head = ("case", "runs", "seconds", "agent-steps/s", "ratio to numpy")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    print(fmt.format(*head))
    print(fmt.format(*("-" * w for w in widths)))
    for r in rows:
        print(fmt.format(*r))


if __name__ == "__main__":
    main()
