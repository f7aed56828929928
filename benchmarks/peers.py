"""swarm against its peers, side by side: the same jobs on the same graph.

Run:  python benchmarks/peers.py [--agents 100000] [--repeats 5] [--limit 300]
                                 [--only scipy,igraph,...] [--out table.md]

One shared graph, ``swarm.networked(N, k=7)`` (everyone watches their 7
nearest colleagues; a signal flows u -> v when v watches u, so the
propagation graph is ``org.watch.T``), and four jobs:

1. **arrival times**: one cascade from one agent with exponential edge
   delays (mean 1). swarm's public ``simulate`` draws its own delays; the
   peers (scipy ``dijkstra``, networkx ``single_source_dijkstra_path_length``,
   igraph ``distances``, NetworKit ``distance.Dijkstra`` on one thread) get
   the very delays of that run (read back with
   ``swarm.models.cascade._edge_delays``) and must give the same arrival times to
   the last bit (max abs difference reported).
2. **spread to completion**: continuous-time SI, EoN ``fast_SIR(G, tau,
   gamma=0)`` = swarm ``Cascade(Exponential(1 / tau))`` (an edge transmits
   after an Exp(tau) wait, nobody recovers: first-passage percolation); and
   the discrete independent cascade, NDlib ``IndependentCascadesModel`` with
   edge threshold ``p`` and EoN ``basic_discrete_SIR(G, p)`` = swarm
   ``Cascade(Constant(1), p=p)`` (each newly turned agent gets one chance per
   out-edge; an agent turns one step after its first successful neighbour, so
   its step is its hop distance in the bond-percolated graph). Stochastic:
   the per-run statistic (SI: mean arrival time; IC: final reach) of the
   peer's runs against swarm's ``--check-runs`` runs by the two-sample
   Kolmogorov-Smirnov test (agrees at p >= 0.01).
3. **stepped alignment**: ``swarm.Alignment`` (overdamped, noiseless) against
   the same rule written as a Mesa model, ``--mesa-agents`` agents, steps per
   second; agreement: the largest |difference| of each agent's lowest heading
   cosine (exact up to rounding).
4. **ensemble**: ``--ensemble-runs`` cascades from random origins on
   ``--ensemble-agents`` agents, swarm in one call against scipy, igraph
   and NetworKit looped in Python (drawing their own delays); agreement: KS test on the
   per-run mean arrival time.

Peers run in subprocesses; a peer that is not installed is skipped with a
line saying so, and one whose set-up or timed runs pass ``--limit`` seconds
is stopped and reported as ``> limit`` (its runs that finished still count);
one that crashes is reported as failed (last line of its stderr) and the
script exits with 1, as it does when any answers differ.
Times are medians of ``--repeats`` runs after a warm-up; ``ratio`` is the
peer's time over swarm's (how many times faster swarm is).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

TOOLS = ("scipy", "networkx", "igraph", "networkit", "ndlib", "eon", "mesa")
MODULES = {
    "scipy": "scipy",
    "networkx": "networkx",
    "igraph": "igraph",
    "networkit": "networkit",
    "ndlib": "ndlib",
    "eon": "EoN",
    "mesa": "mesa",
}
ALPHA = 0.01  # a KS p-value below this says the peer's answers differ


# ---------------------------------------------------------------------------
# workers: one (tool, job) in a subprocess; each timed run prints a JSON line
# ---------------------------------------------------------------------------
def _emit(**kw) -> None:
    print(json.dumps(kw), flush=True)


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _edges(d):
    return d["src"], d["dst"]


def _nx_graph(d, weights=None):
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(int(d["n"])))
    src, dst = _edges(d)
    if weights is None:
        g.add_edges_from(zip(src.tolist(), dst.tolist()))
    else:
        g.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), weights.tolist()))
    return g


def _ig_graph(d):
    import igraph

    src, dst = _edges(d)
    return igraph.Graph(n=int(d["n"]), edges=np.column_stack([src, dst]).tolist(), directed=True)


def _nk_graph(d, weights):
    """A weighted directed NetworKit graph of the flow edges (edges that did not pass dropped)."""
    global networkit
    import networkit

    networkit.engineering.setNumberOfThreads(1)  # every peer runs on one thread
    ok = np.isfinite(weights)
    return networkit.GraphFromCoo(
        (weights[ok], (d["src"][ok], d["dst"][ok])), n=int(d["n"]), weighted=True, directed=True
    )


def _nk_distances(dist):
    """NetworKit marks the unreached with the largest double: inf, as everyone else."""
    out = np.asarray(dist, dtype=float)
    out[out >= np.finfo(float).max] = np.inf
    return out


def _flow_csr(d, data):
    from scipy.sparse import csr_array

    n = int(d["n"])
    return csr_array((data, (d["src"], d["dst"])), shape=(n, n))


def _work_arrival(tool, d, repeats, answer):
    """Single-source arrival times; repeat ``r`` on the delays of swarm's run ``r``."""
    s, delays, n = int(d["origin"]), d["delays"], int(d["n"])
    if tool == "scipy":
        from scipy.sparse.csgraph import dijkstra

        def prepare(w):
            graph = _flow_csr(d, w).tocsr()
            return lambda: dijkstra(graph, indices=s)

        to_array = np.asarray
    elif tool == "networkx":
        import networkx as nx

        g = _nx_graph(d, delays[0])
        pairs = list(zip(d["src"].tolist(), d["dst"].tolist()))

        def prepare(w):
            for (u, v), x in zip(pairs, w.tolist()):
                g[u][v]["weight"] = x
            return lambda: nx.single_source_dijkstra_path_length(g, s, weight="weight")

        def to_array(dist):
            out = np.full(n, np.inf)
            out[list(dist)] = list(dist.values())
            return out
    elif tool == "networkit":

        def prepare(w):
            g = _nk_graph(d, w)

            def run():
                dij = networkit.distance.Dijkstra(g, s, storePaths=False)
                dij.run()
                return dij.getDistances()

            return run

        to_array = _nk_distances
    else:  # igraph
        g = _ig_graph(d)

        def prepare(w):
            wl = w.tolist()
            return lambda: g.distances(source=[s], weights=wl, mode="out")

        to_array = lambda r: np.asarray(r[0], dtype=float)  # noqa: E731
    _emit(ready=True)
    answers = []
    for r in range(repeats):
        t, out = _timed(prepare(delays[r % len(delays)]))
        answers.append(to_array(out))
        np.save(answer, np.array(answers))
        _emit(time=t)


def _work_si(tool, d, repeats, answer):
    """EoN fast_SIR with gamma = 0: continuous-time SI to completion."""
    import EoN

    g = _nx_graph(d)
    s, tau, n = int(d["origin"]), float(d["tau"]), int(d["n"])
    _emit(ready=True)
    for r in range(repeats):
        rng = np.random.default_rng(1000 + r)
        t, out = _timed(lambda: EoN.fast_SIR(g, tau, 0.0, initial_infecteds=[s], rng=rng))
        times, S = out[0], out[1]
        new = -np.diff(S)  # infections per event (recoveries never happen)
        arr = np.concatenate([[0.0], np.repeat(times[1:], new.astype(int))])
        _emit(time=t, stat=float(arr.mean()), reach=len(arr) / n)


def _work_ic(tool, d, repeats, answer):
    """Discrete independent cascade: NDlib or EoN basic_discrete_SIR."""
    s, p, n = int(d["origin"]), float(d["p"]), int(d["n"])
    g = _nx_graph(d)
    if tool == "ndlib":
        import ndlib.models.ModelConfig as mc
        from ndlib.models.epidemics import IndependentCascadesModel

        config = mc.Configuration()
        config.add_model_initial_configuration("Infected", [s])
        for e in g.edges:
            config.add_edge_configuration("threshold", e, p)

        def make(r):
            model = IndependentCascadesModel(g, seed=2000 + r)
            model.set_initial_status(config)
            return model

        def run(model):
            while True:  # to completion: until nobody is newly infected
                it = model.iteration(node_status=False)
                if it["node_count"][1] == 0:
                    return it["node_count"][2]
    else:  # EoN
        import EoN

        def make(r):
            return np.random.default_rng(2000 + r)

        def run(rng):
            return int(EoN.basic_discrete_SIR(g, p, initial_infecteds=[s], rng=rng)[3][-1])

    _emit(ready=True)
    for r in range(repeats):
        state = make(r)
        t, reached = _timed(lambda: run(state))
        _emit(time=t, stat=reached / n)


def _mesa_model(d):
    """The overdamped noiseless alignment step as a Mesa model (double-buffered)."""
    import mesa

    n = int(d["n"])
    gain, angle = float(d["gain"]), float(d["angle"])
    indptr, indices = d["indptr"], d["indices"]
    held = np.zeros(n, dtype=bool)
    held[d["origins"]] = True

    class Person(mesa.Agent):
        def __init__(self, model, is_held):
            super().__init__(model)
            self.phi = angle if is_held else 0.0
            self.next_phi = self.phi
            self.held = is_held
            self.watched = []
            self.min_cos = math.cos(self.phi)

        def step(self):  # look at the watched (read only: double-buffered)
            k = len(self.watched)
            if self.held or k == 0:
                self.next_phi = self.phi
                return
            phi = self.phi
            pull = sum(math.sin(o.phi - phi) for o in self.watched)
            self.next_phi = phi + gain * pull / k

        def advance(self):
            self.phi = self.next_phi
            c = math.cos(self.phi)
            if c < self.min_cos:
                self.min_cos = c

    class Org(mesa.Model):
        def __init__(self):
            super().__init__(seed=1)
            self.people = [Person(self, bool(held[i])) for i in range(n)]
            for i, a in enumerate(self.people):
                a.watched = [self.people[j] for j in indices[indptr[i] : indptr[i + 1]]]

        def step(self):
            self.agents.do("step")
            self.agents.do("advance")

    return Org()


def _work_align(tool, d, repeats, answer):
    """Mesa's alignment model stepped ``steps`` times."""
    steps = int(d["steps"])
    _mesa_model(d)  # imports and class creation out of the timing
    _emit(ready=True)
    for _ in range(repeats):
        model = _mesa_model(d)

        def run():
            for _ in range(steps):
                model.step()

        t, _ = _timed(run)
        np.save(answer, np.array([a.min_cos for a in model.people]))
        _emit(time=t)


def _work_ensemble(tool, d, repeats, answer):
    """Many cascades from random origins, looped in Python, drawing own delays."""
    n, runs = int(d["n"]), int(d["runs"])
    m = d["src"].shape[0]
    if tool == "scipy":
        from scipy.sparse.csgraph import dijkstra

        base = _flow_csr(d, np.ones(m)).tocsr()
        indptr, indices = base.indptr, base.indices

        def one(rng):
            from scipy.sparse import csr_array

            g = csr_array((rng.exponential(1.0, m), indices, indptr), shape=(n, n))
            return dijkstra(g, indices=int(rng.integers(n)))
    elif tool == "networkit":

        def one(rng):
            g = _nk_graph(d, rng.exponential(1.0, m))
            dij = networkit.distance.Dijkstra(g, int(rng.integers(n)), storePaths=False)
            dij.run()
            return _nk_distances(dij.getDistances())
    else:  # igraph
        g = _ig_graph(d)

        def one(rng):
            w = rng.exponential(1.0, m)
            return np.asarray(
                g.distances(source=[int(rng.integers(n))], weights=w.tolist(), mode="out")[0]
            )

    _emit(ready=True)
    for r in range(repeats):
        rng = np.random.default_rng(3000 + r)

        def loop():
            stats = []
            for _ in range(runs):
                t = one(rng)
                stats.append(float(t[np.isfinite(t)].mean()))
            return stats

        t, stats = _timed(loop)
        _emit(time=t, stats=stats)


WORKERS = {
    "arrival": _work_arrival,
    "si": _work_si,
    "ic": _work_ic,
    "align": _work_align,
    "ensemble": _work_ensemble,
}


def _worker_main(argv) -> None:
    tool, job, data, repeats, answer = argv
    d = dict(np.load(data))
    WORKERS[job](tool, d, int(repeats), answer)


# ---------------------------------------------------------------------------
# the parent: swarm in-process, peers in subprocesses under a time limit
# ---------------------------------------------------------------------------
def _run_peer(tool, job, data, repeats, limit, tmp):
    """Run a worker; returns (times, records, answer or None, note)."""
    answer = os.path.join(tmp, f"{tool}-{job}.npy")
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--_worker",
        tool,
        job,
        data,
        str(repeats),
        answer,
    ]
    errfile = open(os.path.join(tmp, f"{tool}-{job}.err"), "w+")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errfile, text=True)
    lines: queue.Queue = queue.Queue()

    def read():
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    records, ready, over = [], False, False
    deadline = time.monotonic() + limit  # set-up, then the timed runs, each get the limit
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            over = True
            proc.kill()
            break
        if line is None:
            break
        if not line.startswith("{"):
            continue  # a peer's own chatter on stdout
        rec = json.loads(line)
        if rec.get("ready"):
            ready, deadline = True, time.monotonic() + limit
        else:
            records.append(rec)
    proc.wait()
    errfile.seek(0)
    err = errfile.read().strip().splitlines()
    errfile.close()
    if not over and proc.returncode != 0:  # reported in the table, not raised
        return [], [], None, f"FAILED: {err[-1] if err else f'exit {proc.returncode}'}"
    note = ""
    if over:
        note = (
            f"> limit ({limit:g} s {'timed runs' if ready else 'set-up'}; "
            f"{len(records)} of {repeats} runs done)"
        )
    ans = np.load(answer) if os.path.exists(answer) and records else None
    return [r["time"] for r in records], records, ans, note


def _ks(a, b) -> tuple[str, bool]:
    from scipy.stats import ks_2samp

    p = ks_2samp(a, b).pvalue
    ok = p >= ALPHA
    return (f"{'agrees' if ok else 'DIFFERS'}: KS p={p:.2f} ({len(a)} vs {len(b)} runs)"), ok


def _median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _new_runs(fn, seed):
    """A callable running ``fn(seed)``, ``fn(seed + 1)``, ...: each repeat a new run."""
    count = iter(range(seed, seed + 10**9))
    return lambda: fn(next(count))


def _flow_data(org, **extra):
    """The propagation graph u -> v (v watches u), edges in ``org.watch`` order."""
    w = org.watch
    dst = np.repeat(np.arange(org.n), np.diff(w.indptr))
    return dict(n=org.n, src=w.indices.astype(np.int64), dst=dst, **extra)


class Bench:
    def __init__(self, args, tmp):
        self.args, self.tmp, self.rows = args, tmp, []
        self.tools = TOOLS if args.only is None else args.only

    def say(self, msg):
        print(msg, file=sys.stderr, flush=True)

    def available(self, tool, job):
        if tool not in self.tools:
            return False
        if importlib.util.find_spec(MODULES[tool]) is None:
            self.say(
                f"skipped: {tool} ({job}) -- {MODULES[tool]} is not installed "
                f"(pip install '.[bench]')"
            )
            return False
        return True

    def add(self, tool, job, seconds, work, unit, swarm_s, agreement, ok=True):
        if seconds is None:
            self.rows.append(
                dict(
                    tool=tool,
                    job=job,
                    time_s=None,
                    throughput="",
                    ratio=None,
                    agreement=agreement,
                    ok=ok,
                )
            )
            return
        self.rows.append(
            dict(
                tool=tool,
                job=job,
                time_s=seconds,
                throughput=f"{work / seconds:,.0f} {unit}",
                ratio=seconds / swarm_s,
                agreement=agreement,
                ok=ok,
            )
        )

    def peer(self, tool, job, label, data, swarm_s, work, unit, judge, repeats=None):
        """Run one peer; ``judge(records, answer)`` -> (agreement text, ok)."""
        if not self.available(tool, label):
            return
        path = os.path.join(self.tmp, f"{job}.npz")
        if not os.path.exists(path):
            np.savez(path, **data)
        repeats = repeats or self.args.repeats
        self.say(f"running {tool}: {label} ...")
        times, records, ans, note = _run_peer(tool, job, path, repeats, self.args.limit, self.tmp)
        if not times:  # stopped in set-up or in its first run, or failed
            self.add(tool, label, None, work, unit, swarm_s, note, ok=not note.startswith("FAILED"))
            return
        text, ok = judge(records, ans)
        if note:
            text = f"{text}; {note}"
        self.add(tool, label, statistics.median(times), work, unit, swarm_s, text, ok)


def run_benchmarks(args) -> pd.DataFrame:  # noqa: F821
    import pandas as pd

    import swarm
    from swarm.models.cascade import _edge_delays

    reps, n = args.repeats, args.agents
    with tempfile.TemporaryDirectory(prefix="swarm-peers-") as tmp:
        b = Bench(args, tmp)
        org = swarm.networked(n, seed=args.seed)
        m = org.n_edges
        origin = 0
        shock = swarm.Shock([origin])
        warm = swarm.networked(500, seed=1)

        # 1. arrival times on the same delays -----------------------------
        job = "arrival times, exp delays"
        model = swarm.Cascade(swarm.Exponential(1.0))
        swarm.simulate(warm, model, swarm.Shock([0]), seed=0)  # compile
        # every repeat is a new run (seed + r), for swarm and for the peers: the
        # same run repeated is up to 2.7x faster (branch predictors learn it)
        ref, delays = [], []
        t_sw = _median_time(
            lambda: ref.append(
                swarm.simulate(org, model, shock, seed=args.seed + len(ref)).arrival_times[0]
            ),
            reps,
        )
        b.add("swarm", job, t_sw, m, "edges/s", t_sw, "reference")
        for r in range(reps):
            origins, d_r = _edge_delays(org, model, shock, args.seed + r)
            assert origins.tolist() == [origin]
            delays.append(d_r)
        ref = np.array(ref)

        def exact(records, ans):
            runs = ans.shape[0]
            same_inf = np.array_equal(np.isinf(ans), np.isinf(ref[:runs]))
            fin = np.isfinite(ref[:runs])
            worst = float(np.abs(ans[fin] - ref[:runs][fin]).max()) if same_inf else math.inf
            ok = same_inf and worst <= 1e-9
            return (
                f"{'exact' if ok else 'DIFFERS'}: max abs diff {worst:.1e} on the same "
                f"delays ({runs} runs)"
            ), ok

        data = _flow_data(org, origin=origin, delays=np.array(delays))
        for tool in ("scipy", "igraph", "networkit", "networkx"):
            b.peer(tool, "arrival", job, data, t_sw, m, "edges/s", exact)

        # 2. spread to completion ---------------------------------------------
        tau, p = 1.0, 0.5
        check = args.check_runs
        job = f"SI to completion, tau={tau:g}"
        si = swarm.Cascade(swarm.Exponential(1.0 / tau))
        t_si = _median_time(
            _new_runs(lambda s: swarm.simulate(org, si, shock, seed=s), args.seed), reps
        )
        b.add("swarm", job, t_si, m, "edges/s", t_si, "reference")
        tt = swarm.simulate(org, si, shock, runs=check, seed=args.seed + 1).arrival_times
        sw_si = [float(r[np.isfinite(r)].mean()) for r in tt]
        b.peer(
            "eon",
            "si",
            f"{job} (fast_SIR, gamma=0)",
            _flow_data(org, origin=origin, tau=tau),
            t_si,
            m,
            "edges/s",
            lambda rec, _: _ks([r["stat"] for r in rec], sw_si),
        )

        job = f"independent cascade, p={p:g}"
        ic = swarm.Cascade(swarm.Constant(1.0), p=p)
        swarm.simulate(warm, ic, swarm.Shock([0]), seed=0)
        t_ic = _median_time(
            _new_runs(lambda s: swarm.simulate(org, ic, shock, seed=s), args.seed), reps
        )
        b.add("swarm", job, t_ic, m, "edges/s", t_ic, "reference")
        tt = swarm.simulate(org, ic, shock, runs=check, seed=args.seed + 2).arrival_times
        sw_ic = np.isfinite(tt).mean(axis=1).tolist()
        ic_data = _flow_data(org, origin=origin, p=p)
        for tool, label in (("ndlib", "IndependentCascadesModel"), ("eon", "basic_discrete_SIR")):
            b.peer(
                tool,
                "ic",
                f"{job} ({label})",
                ic_data,
                t_ic,
                m,
                "edges/s",
                lambda rec, _: _ks([r["stat"] for r in rec], sw_ic),
            )

        # 3. stepped alignment vs Mesa ----------------------------------------
        na = args.mesa_agents
        small = swarm.networked(na, seed=args.seed)
        al = swarm.Alignment(
            coupling=1.0, friction=1.0, noise=0.0, dt=0.05, max_time=0.05 * args.mesa_steps
        )
        team = list(range(max(1, na // 100)))
        al_shock = swarm.Shock(team)
        swarm.simulate(small, swarm.Alignment(max_time=0.1), al_shock, seed=0)  # compile
        job = f"alignment, {na:,} agents x {al.steps} steps"
        t_al = _median_time(lambda: swarm.simulate(small, al, al_shock, seed=args.seed), reps)
        b.add("swarm", job, t_al, al.steps, "steps/s", t_al, "reference")
        ref_cos = np.cos(swarm.simulate(small, al, al_shock, seed=args.seed).amplitude[0])

        def same_cos(records, ans):
            worst = float(np.abs(ans - ref_cos).max())
            ok = worst <= 1e-9
            return (
                f"{'exact' if ok else 'DIFFERS'}: max abs diff {worst:.1e} in each "
                f"agent's lowest heading cosine"
            ), ok

        w = small.watch
        b.peer(
            "mesa",
            "align",
            job,
            dict(
                n=na,
                indptr=w.indptr,
                indices=w.indices,
                origins=np.array(team),
                steps=al.steps,
                gain=al.coupling * al.dt / al.friction,
                angle=al.angle,
            ),
            t_al,
            al.steps,
            "steps/s",
            same_cos,
        )

        # 4. ensemble ---------------------------------------------------------
        ne, runs = args.ensemble_agents, args.ensemble_runs
        ens = swarm.networked(ne, seed=args.seed)
        rand = swarm.Shock("random")
        swarm.simulate(warm, model, rand, runs=4, seed=0)
        job = f"ensemble, {runs:,} runs x {ne:,} agents"
        er = max(1, reps // 2)
        t_en = _median_time(
            _new_runs(lambda s: swarm.simulate(ens, model, rand, runs=runs, seed=s), args.seed), er
        )
        b.add("swarm", job, t_en, runs, "runs/s", t_en, "reference")
        tt = swarm.simulate(ens, model, rand, runs=runs, seed=args.seed).arrival_times
        sw_en = [float(r[np.isfinite(r)].mean()) for r in tt]
        for tool in ("scipy", "igraph", "networkit"):
            b.peer(
                tool,
                "ensemble",
                f"{job} (looped)",
                _flow_data(ens, runs=runs),
                t_en,
                runs,
                "runs/s",
                lambda rec, _: _ks(rec[-1]["stats"], sw_en),
                repeats=er,
            )

    return pd.DataFrame(b.rows)


def format_table(df) -> pd.DataFrame:  # noqa: F821
    out = df.drop(columns="ok").copy()
    out["time_s"] = [
        f"{t:.4f}"
        if t == t and t is not None
        else ("failed" if a.startswith("FAILED") else "> limit")
        for t, a in zip(df["time_s"], df["agreement"])
    ]
    out["ratio"] = [f"{r:,.1f}x" if r == r and r is not None else "" for r in df["ratio"]]
    out = out.rename(columns={"time_s": "time (s)", "ratio": "ratio to swarm"})
    return out


def _markdown(table) -> str:
    lines = [
        "| " + " | ".join(table.columns) + " |",
        "|" + "|".join("---" for _ in table.columns) + "|",
    ]
    lines += [
        "| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |"
        for row in table.itertuples(index=False)
    ]
    return "\n".join(lines) + "\n"


def machine() -> str:
    import numba

    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, numba {numba.__version__} "
        f"({numba.get_num_threads()} threads)"
    )


def _tools(text: str) -> tuple[str, ...]:
    names = tuple(t.strip().lower() for t in text.split(",") if t.strip())
    bad = [t for t in names if t not in TOOLS]
    if bad or not names:
        raise argparse.ArgumentTypeError(
            f"unknown tool(s) {bad or text!r}; choose from {', '.join(TOOLS)}"
        )
    return names


def _positive(kind):
    def parse(text):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
        if v <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
        return v

    return parse


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=_positive(int), default=100_000)
    ap.add_argument("--ensemble-agents", type=_positive(int), default=10_000)
    ap.add_argument("--ensemble-runs", type=_positive(int), default=1_000)
    ap.add_argument("--mesa-agents", type=_positive(int), default=10_000)
    ap.add_argument("--mesa-steps", type=_positive(int), default=100)
    ap.add_argument(
        "--check-runs",
        type=_positive(int),
        default=200,
        help="swarm runs behind each statistical comparison",
    )
    ap.add_argument("--repeats", type=_positive(int), default=5)
    ap.add_argument(
        "--limit",
        type=_positive(float),
        default=300.0,
        help="seconds per peer job (set-up, then timed runs)",
    )
    ap.add_argument(
        "--only",
        type=_tools,
        default=None,
        help=f"comma-separated peers to run ({','.join(TOOLS)}); swarm always runs",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None, help="also write the table here (.csv or .md)")
    args = ap.parse_args(argv)
    if args.out is not None and not args.out.endswith((".csv", ".md")):
        ap.error(f"--out must end in .csv or .md, got {args.out!r}")
    return args


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_worker"]:
        _worker_main(argv[1:])
        return 0
    args = parse_args(argv)
    load_start = os.getloadavg()
    df = run_benchmarks(args)
    table = format_table(df)
    import pandas as pd

    with pd.option_context("display.max_colwidth", 80, "display.width", 250):
        print(
            f"# {machine()}; medians of {args.repeats} repeats; load average "
            f"{load_start[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
        )
        print(table.to_string(index=False))
    if args.out:
        from swarm._io import write_text

        text = table.to_csv(index=False) if args.out.endswith(".csv") else _markdown(table)
        write_text(args.out, text)
    return 0 if df["ok"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
