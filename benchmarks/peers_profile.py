"""Where the time goes in the jobs of benchmarks/peers.py: a timing split.

Run:  python benchmarks/peers_profile.py [--agents 100000] [--small 10000] [--runs 1000]

The machine has no hardware counters (no ``perf stat`` events in this VM),
so the profile is a split by timing pieces separately, each the *minimum*
of ``--repeats`` (the lower envelope is the least disturbed by other load on
a shared machine):

- one cascade: ``simulate`` (public) = Python set-up + kernel; the kernel
  drawing its delays vs on pre-drawn delays (the difference is the cost of
  drawing) vs the drawing alone; scipy's and igraph's Dijkstra on the same
  delays; all on one thread;
- ensemble: swarm's per-run seeding in Python (``_run_keys``), its kernel on
  1 and on all threads, against the pieces of the looped scipy peer (numpy
  draws, building the CSR, Dijkstra);
- alignment: swarm's time per step (1 and all threads) against the Mesa
  model's, and the share of Mesa's step spent in the agents' own arithmetic
  (``cProfile``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time

import numba
import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import swarm  # noqa: E402
from swarm._kernels.cascade import _cascade_core, _cascade_runs, _draw_edges  # noqa: E402
from swarm.models._runner import run_keys  # noqa: E402
from swarm.models.cascade import kernel_args  # noqa: E402


def _single_cascade(org, model):
    """``kernel(keys, delays)``: one simple cascade from agent 0 (empty delays: drawn)."""
    n = org.n
    args = kernel_args(org, model)
    times, informed = np.empty(n), np.empty(n, dtype=np.int32)
    origins = np.array([0], dtype=np.int64)
    no_i = np.empty(0, dtype=np.bool_)

    def kernel(keys, d):
        _cascade_core(*args, keys, d, no_i, origins, times, informed)

    return kernel


def best(fn, repeats):
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return min(ts)


def line(what, seconds, note=""):
    print(f"  {what:<46} {seconds * 1e3:10.3f} ms  {note}")


def single(n, repeats):
    org = swarm.networked(n, seed=1)
    g, m = org._kernel, org.n_edges
    model = swarm.Cascade(swarm.Exponential(1.0))
    shock = swarm.Shock([0])
    law_kind, law_a, law_b, _ = model._law_tables(g["channels_used"])
    # repeats + 1 runs: the last one only warms up (so no timed call repeats it)
    all_keys = np.random.SeedSequence(7).generate_state(3 * (repeats + 1), np.uint64).reshape(-1, 3)

    def draw(keys):
        return _draw_edges(keys, g["out_scale"], g["out_chan"], law_kind, law_a, law_b, 1.0, 0.0)[0]

    delays = [draw(k) for k in all_keys]
    graphs = [csr_array((d, g["out_idx"], g["out_ptr"]), shape=(n, n)) for d in delays]
    kernel = _single_cascade(org, model)
    no_d = np.empty(0)

    def each(fn):  # every call a new run: repeating one run lets branch predictors learn it
        it = iter(range(10**9))
        return lambda: fn(next(it) % repeats)

    swarm.simulate(org, model, shock, seed=repeats)
    kernel(all_keys[-1], no_d)
    kernel(all_keys[-1], delays[-1])
    dijkstra(graphs[-1], indices=0)
    api = best(each(lambda r: swarm.simulate(org, model, shock, seed=r)), repeats)
    k_draw = best(each(lambda r: kernel(all_keys[r], no_d)), repeats)
    k_pre = best(each(lambda r: kernel(all_keys[r], delays[r])), repeats)
    d_only = best(each(lambda r: draw(all_keys[r])), repeats)
    sp = best(each(lambda r: dijkstra(graphs[r], indices=0)), repeats)
    k_same = best(lambda: kernel(all_keys[0], delays[0]), repeats)
    sp_same = best(lambda: dijkstra(graphs[0], indices=0), repeats)
    print(f"one cascade, networked({n:,}), {m:,} edges, 1 thread, a new run each call:")
    line("swarm.simulate (public)", api, f"Python set-up {1e3 * (api - k_draw):.3f} ms")
    line(
        "swarm kernel, drawing its delays",
        k_draw,
        f"{1e9 * k_draw / m:.1f} ns/edge; drawing costs {1e3 * (k_draw - k_pre):+.3f} ms",
    )
    line("swarm kernel, pre-drawn delays (queue+relax)", k_pre, f"{1e9 * k_pre / m:.1f} ns/edge")
    line("drawing all delays alone", d_only, f"{1e9 * d_only / m:.1f} ns/edge")
    line(
        "scipy dijkstra, same delays",
        sp,
        f"{1e9 * sp / m:.1f} ns/edge; scipy / swarm kernel = {sp / k_draw:.2f}x, "
        f"/ swarm.simulate = {sp / api:.2f}x",
    )
    line("one run repeated: swarm kernel, pre-drawn", k_same, f"{k_pre / k_same:.2f}x faster")
    line("one run repeated: scipy dijkstra", sp_same, f"{sp / sp_same:.2f}x faster")
    if importlib.util.find_spec("igraph"):
        import igraph

        ig = igraph.Graph(
            n=n,
            edges=np.column_stack(
                [np.repeat(np.arange(n), np.diff(g["out_ptr"])), g["out_idx"]]
            ).tolist(),
            directed=True,
        )
        wls = [d.tolist() for d in delays]
        ig_t = best(each(lambda r: ig.distances(source=[0], weights=wls[r], mode="out")), repeats)
        line("igraph distances, same delays", ig_t, f"igraph/swarm.simulate = {ig_t / api:.2f}x")


def cascade_ic(n, repeats):
    """Independent cascade (constant delays, p < 1): general kernel path vs pre-drawn."""
    org = swarm.networked(n, seed=1)
    g, m = org._kernel, org.n_edges
    model = swarm.Cascade(swarm.Constant(1.0), p=0.5)
    law_kind, law_a, law_b, one_law = model._law_tables(g["channels_used"])
    all_keys = np.random.SeedSequence(8).generate_state(3 * (repeats + 1), np.uint64).reshape(-1, 3)
    delays = [
        _draw_edges(k, g["out_scale"], g["out_chan"], law_kind, law_a, law_b, 0.5, 0.0)[0]
        for k in all_keys
    ]
    kernel = _single_cascade(org, model)
    no_d = np.empty(0)

    def each(fn):
        it = iter(range(10**9))
        return lambda: fn(next(it) % repeats)

    kernel(all_keys[-1], no_d)
    kernel(all_keys[-1], delays[-1])
    gen = best(each(lambda r: kernel(all_keys[r], no_d)), repeats)
    pre = best(each(lambda r: kernel(all_keys[r], delays[r])), repeats)
    print(f"independent cascade p=0.5, networked({n:,}), 1 thread:")
    line("swarm kernel, general path (draws pass/fail)", gen, f"{1e9 * gen / m:.1f} ns/edge")
    line(
        "swarm kernel, pre-drawn (the fast loop)",
        pre,
        f"{1e9 * pre / m:.1f} ns/edge; the general path costs {gen / pre:.2f}x",
    )


def ensemble(n, runs, repeats):
    org = swarm.networked(n, seed=1)
    g, m = org._kernel, org.n_edges
    model = swarm.Cascade(swarm.Exponential(1.0))
    shock = swarm.Shock("random")
    args = kernel_args(org, model)
    origins, keys = run_keys(org, shock, np.random.SeedSequence(1).spawn(runs), 3)
    times = np.empty((runs, n))
    informed = np.empty((runs, n), dtype=np.int32)

    def kernel():
        _cascade_runs(*args, origins, keys, times, informed)

    swarm.simulate(org, model, shock, runs=4, seed=0)
    threads = numba.get_num_threads()
    api = best(lambda: swarm.simulate(org, model, shock, runs=runs, seed=1), repeats)
    seeding = best(lambda: run_keys(org, shock, np.random.SeedSequence(1).spawn(runs), 3), repeats)
    k_all = best(kernel, repeats)
    numba.set_num_threads(1)
    k_one = best(kernel, repeats)
    numba.set_num_threads(threads)
    base = csr_array((np.ones(m), g["out_idx"], g["out_ptr"]), shape=(n, n))
    rng = np.random.default_rng(1)
    k = 64  # distinct runs, as in the loop
    ws = [rng.exponential(1.0, m) for _ in range(k)]
    grs = [csr_array((w, base.indices, base.indptr), shape=(n, n)) for w in ws]
    src = rng.integers(n, size=k)
    p_draw = best(lambda: [rng.exponential(1.0, m) for _ in range(k)], repeats) / k
    p_csr = (
        best(lambda: [csr_array((w, base.indices, base.indptr), shape=(n, n)) for w in ws], repeats)
        / k
    )
    p_dij = best(lambda: [dijkstra(gr, indices=int(s)) for gr, s in zip(grs, src)], repeats) / k
    per = p_draw + p_csr + p_dij
    print(f"ensemble, {runs:,} runs on networked({n:,}):")
    line(f"swarm.simulate, {threads} threads", api, f"{1e3 * api / runs:.3f} ms/run")
    line("  per-run seeding in Python (_run_keys)", seeding, f"{1e3 * seeding / runs:.3f} ms/run")
    line(f"  kernel, {threads} threads", k_all, f"{1e3 * k_all / runs:.3f} ms/run")
    line(
        "  kernel, 1 thread",
        k_one,
        f"{1e3 * k_one / runs:.3f} ms/run; parallel speed-up {k_one / k_all:.2f}x",
    )
    line("scipy looped, per run: numpy draws", p_draw)
    line("scipy looped, per run: build CSR", p_csr)
    line("scipy looped, per run: dijkstra", p_dij)
    line(
        f"scipy looped, {runs:,} runs (sum of pieces)",
        per * runs,
        f"ratio to swarm {per * runs / api:.2f}x; with swarm's seeding free "
        f"{per * runs / k_all:.2f}x",
    )


def alignment(n, steps, repeats):
    org = swarm.networked(n, seed=1)
    team = list(range(max(1, n // 100)))
    shock = swarm.Shock(team)
    model = swarm.Alignment(noise=0.0, dt=0.05, max_time=0.05 * steps)
    swarm.simulate(org, model, shock, seed=0)
    threads = numba.get_num_threads()
    t_all = best(lambda: swarm.simulate(org, model, shock, seed=1), repeats)
    numba.set_num_threads(1)
    swarm.simulate(org, model, shock, seed=0)
    t_one = best(lambda: swarm.simulate(org, model, shock, seed=1), repeats)
    numba.set_num_threads(threads)
    print(f"alignment, networked({n:,}), {steps} steps:")
    line(
        f"swarm per step, {threads} threads",
        t_all / steps,
        f"{1e9 * t_all / steps / n:.1f} ns per agent-step",
    )
    line(
        "swarm per step, 1 thread",
        t_one / steps,
        f"{1e9 * t_one / steps / n:.1f} ns per agent-step",
    )
    per_k = []
    for k in (1, 7, 14):  # cost per agent-step against the number watched
        org_k = swarm.networked(n, seed=1, k=k)
        swarm.simulate(org_k, model, shock, seed=0)
        per_k.append(best(lambda: swarm.simulate(org_k, model, shock, seed=1), repeats) / steps / n)
    slope = (per_k[2] - per_k[0]) / 13
    print(
        f"  per agent-step, {threads} threads, k = 1, 7, 14 watched: "
        + ", ".join(f"{1e9 * x:.1f}" for x in per_k)
        + f" ns -> {1e9 * slope:.1f} ns per watched neighbour, "
        f"{1e9 * (per_k[0] - slope):.1f} ns for the agent's own update"
    )
    if importlib.util.find_spec("mesa") is None:
        print("  skipped: mesa is not installed")
        return
    import peers

    w = org.watch
    data = dict(
        n=n,
        indptr=w.indptr,
        indices=w.indices,
        origins=np.array(team),
        gain=model.coupling * model.dt / model.friction,
        angle=model.angle,
    )
    k = min(steps, 10)
    mesa_model = peers._mesa_model(data)
    people = mesa_model.people

    def plain():  # the agents' own arithmetic, called from a bare Python loop
        for _ in range(k):
            for a in people:
                a.step()
            for a in people:
                a.advance()

    def mesa_steps():
        for _ in range(k):
            mesa_model.step()

    t_mesa = best(mesa_steps, repeats) / k
    t_plain = best(plain, repeats) / k
    line(
        "mesa per step (AgentSet.do)",
        t_mesa,
        f"{1e9 * t_mesa / n:.0f} ns per agent-step; mesa/swarm = {t_mesa * steps / t_all:.0f}x",
    )
    line(
        "  the same agents' step+advance, bare loop",
        t_plain,
        f"{100 * t_plain / t_mesa:.0f} % of Mesa's step: the model itself is Python",
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=100_000)
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=1_000)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    print(f"# timing split, minimum of {args.repeats}; numba {numba.get_num_threads()} threads")
    single(args.agents, args.repeats)
    single(args.small, args.repeats)
    cascade_ic(args.agents, args.repeats)
    ensemble(args.small, args.runs, max(1, args.repeats // 2))
    alignment(args.small, args.steps, max(1, args.repeats // 2))


if __name__ == "__main__":
    main()
