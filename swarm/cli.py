"""Command line: ``python -m swarm compare|run|sweep|diagnose|flock ...``.

Errors in the arguments or the input end in one line on stderr and exit
code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence

import pandas as pd

from . import structures as st
from ._io import atomic_path, check_folder, inside, safe_name
from ._memory import preflight
from .diagnosis import Assumptions, diagnose
from .experiments._dask import SchedulerError
from .experiments.scenario_file import read_scenario
from .experiments.store import StoreError
from .experiments.sweep import sweep
from .flock import Flock, animate, turning_wave, wave_figure
from .models import Cascade, Shock
from .models.laws import parse_law
from .plot._mpl import pyplot as _pyplot
from .results import Comparison
from .simulate import simulate
from .structures.edges import from_edges

__all__ = ["main"]


class UsageError(Exception):
    """Bad input from the command line (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not usage + message
        raise UsageError(f"{self.prog}: {message}")


def _latency(text: str):
    """A latency law written on the command line (:func:`swarm.models.laws.parse_law`)."""
    try:
        return parse_law(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _threshold(text: str):
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"threshold {text!r}: give an int count or a fraction in (0, 1]"
            ) from None


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--agents",
        type=int,
        default=2000,
        metavar="N",
        help="head count of every structure (default 2000)",
    )
    p.add_argument(
        "--runs",
        type=int,
        default=100,
        metavar="R",
        help="independent runs per structure (default 100)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=2026,
        metavar="S",
        help="seed of structures and runs (default 2026)",
    )
    p.add_argument(
        "--out", default="out", metavar="DIR", help="folder for the CSV and PNG (default ./out)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m swarm",
        description="Simulate how fast a shock travels through organisations.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    cmp = sub.add_parser(
        "compare",
        help="compare hierarchy, silos, linking pin and networked structures",
        description="Build a hierarchy, silos, a linking-pin organisation and a networked "
        "(7-nearest) organisation of the same head count (or the designs named by "
        "--structures), shock each, print the summary table and write comparison.csv "
        "and comparison.png into --out.",
    )
    _add_common(cmp)
    cmp.add_argument(
        "--structures",
        type=_structures,
        default=",".join(CLASSIC),
        metavar="NAMES",
        help="comma-separated designs to compare, from " + ", ".join(DESIGNS) + ", or 'all' "
        "(default: " + ",".join(CLASSIC) + ")",
    )
    cmp.add_argument(
        "--k",
        type=int,
        default=7,
        help="others watched in silos and networked (default 7, the starlings')",
    )
    cmp.add_argument(
        "--span",
        type=int,
        default=7,
        help="direct reports per manager in the hierarchy; linking-pin groups are "
        "span + 1 (default 7)",
    )
    cmp.add_argument(
        "--departments",
        type=int,
        default=8,
        help="departments of the silos and networked social space (default 8)",
    )
    cmp.add_argument(
        "--dim", type=int, default=2, help="dimensions of the social space (default 2)"
    )
    cmp.add_argument(
        "--latency",
        type=_latency,
        default="exponential:1",
        help="delay law of every edge: exponential:MEAN, constant:V, "
        "lognormal:MEDIAN:SIGMA or scheduled:PERIOD[:PHASE] "
        "(default exponential:1, in hours)",
    )
    cmp.add_argument(
        "--formal-latency",
        type=_latency,
        default=None,
        metavar="LAW",
        help="a different law for the formal channel (chain of command)",
    )
    cmp.add_argument(
        "--p", type=float, default=1.0, help="probability an edge passes the signal (default 1)"
    )
    cmp.add_argument(
        "--threshold",
        type=_threshold,
        default=1,
        help="signals needed to turn: int count or fraction (default 1)",
    )
    cmp.add_argument(
        "--window",
        type=float,
        default=None,
        help="attention span in hours after which a signal is forgotten "
        "(default: never; inf is the same)",
    )
    cmp.add_argument(
        "--origin",
        default="random",
        help="where the shock starts: random, top, bottom (default random)",
    )
    cmp.add_argument(
        "--origins",
        type=int,
        default=1,
        metavar="N",
        help="number of agents the shock turns at time 0 (default 1; a "
        "threshold of m needs at least m of them close together)",
    )
    cmp.set_defaults(func=_compare)

    run = sub.add_parser(
        "run",
        help="run the structures of a scenario file side by side",
        description="Read a TOML scenario file (see scenarios/), simulate each of its "
        "structures with its what-ifs, model and shock, print the summary table "
        "and write NAME.csv and NAME.png into --out. A grid in the file is ignored "
        "(use `sweep`).",
    )
    run.add_argument("file", metavar="FILE.toml", help="the scenario file")
    run.add_argument(
        "--out", default="out", metavar="DIR", help="folder for the CSV and PNG (default ./out)"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=_run_file)
    swp = sub.add_parser(
        "sweep",
        help="run a scenario file's grid into a results store (resumable)",
        description="Run every cell of the grid of a TOML scenario file, committing each "
        "finished cell to the SQLite results store at --store; run it again after "
        "a crash and only the missing cells are computed. --scheduler or --workers "
        "run the cells on Dask. Prints the table of all cells.",
    )
    swp.add_argument("file", metavar="FILE.toml", help="the scenario file")
    swp.add_argument(
        "--store",
        required=True,
        metavar="PATH",
        help="results store (created if missing; must come from the same scenario)",
    )
    swp.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="address of a Dask scheduler, e.g. tcp://10.0.0.5:8786",
    )
    swp.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="run on a local Dask cluster of N worker processes",
    )
    swp.add_argument(
        "--batch",
        type=int,
        default=None,
        metavar="N",
        help="cells per Dask task (default: about four tasks per worker)",
    )
    swp.add_argument("--quiet", action="store_true", help="no progress bar")
    swp.set_defaults(func=_sweep_file)
    dg = sub.add_parser(
        "diagnose",
        help="your own organisation: an org chart in, an HR report out",
        description="Read an org chart export (CSV, TSV, TXT or XLSX; separator, encoding and "
        "the usual headings such as 'Employee ID' and 'Reports To' detected), "
        "optionally a communication export, and write DIR/report.html (one "
        "self-contained page), DIR/tables.xlsx and one CSV per table: how long "
        "until people know, who hears last, bottlenecks and linking pins, what-ifs "
        "ranked by the hours they save, and which conclusions survive other "
        "assumptions.",
    )
    _add_diagnose(dg)
    dg.set_defaults(func=_diagnose)
    fl = sub.add_parser(
        "flock",
        help="a 3D starling flock: a predator turns a few birds, measure the wave",
        description="Fly a flock, let a predator at its edge turn a few birds, print the "
        "wave's speed and fits, and write flock_wave.csv (one row per bird), "
        "flock_wave.png (the still) and flock.gif (the animation) into --out.",
    )
    _add_flock(fl)
    fl.set_defaults(func=_flock)
    return parser


def _positive(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours") from None
    if not v > 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number of hours > 0")
    return v


def _add_diagnose(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "chart",
        metavar="CHART",
        help="the org chart: one row per person with an "
        "id, a manager (blank for the top) and a department",
    )
    p.add_argument(
        "--contacts",
        default=None,
        metavar="FILE",
        help="a communication export (one row per message: sender, recipient, "
        "optionally a timestamp), ids as in the chart",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="folder for report.html, tables.xlsx and the CSV tables",
    )
    p.add_argument(
        "--id-column",
        default=None,
        metavar="NAME",
        help="the chart's id column (default: found among id, Employee ID, Personnel number, ...)",
    )
    p.add_argument(
        "--manager-column",
        default=None,
        metavar="NAME",
        help="the chart's manager column (default: manager, Manager ID, "
        "Supervisor, Reports To, ...)",
    )
    p.add_argument(
        "--department-column",
        default=None,
        metavar="NAME",
        help="the chart's department column (default: department, Dept, Org Unit, ...)",
    )
    p.add_argument(
        "--sender-column",
        default=None,
        metavar="NAME",
        help="the contacts' sender column (default: source, sender, from, ...)",
    )
    p.add_argument(
        "--recipient-column",
        default=None,
        metavar="NAME",
        help="the contacts' recipient column (default: target, recipient, to, ...)",
    )
    p.add_argument("--sep", default=None, help="the chart's separator (default: detected)")
    p.add_argument(
        "--encoding",
        default=None,
        help="the chart's encoding (default: UTF-8, else Windows-1252/Latin-1)",
    )
    p.add_argument(
        "--sheet", default=None, help="the worksheet of an .xlsx chart (default: the first)"
    )
    p.add_argument(
        "--meeting-every",
        type=_positive,
        default=8.0,
        metavar="HOURS",
        help="working hours between a manager's team meetings; news up or down "
        "the line waits for the next one (default 8: daily)",
    )
    p.add_argument(
        "--colleague-hours",
        type=_positive,
        default=1.0,
        metavar="HOURS",
        help="mean hours before a colleague's news is noticed (default 1)",
    )
    p.add_argument(
        "--network-hours",
        type=_positive,
        default=0.25,
        metavar="HOURS",
        help="mean hours before a post on the internal network is noticed (default 0.25)",
    )
    p.add_argument(
        "--formal",
        choices=("exponential", "scheduled"),
        default="exponential",
        help="exponential: teams meet at different hours (a random wait, half a "
        "cycle on average); scheduled: all at the same hour (default "
        "exponential)",
    )
    p.add_argument(
        "--runs", type=int, default=100, metavar="R", help="runs of every simulation (default 100)"
    )
    p.add_argument(
        "--robust-runs",
        type=int,
        default=30,
        metavar="R",
        help="runs of each of the 18 assumption sets (default 30)",
    )
    p.add_argument("--seed", type=int, default=2026, metavar="S", help="seed (default 2026)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _writable_folder(path: str) -> None:
    """Create ``path`` if needed and make sure files can be written there, before any work."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"--out {path!r} exists and is not a folder")
    try:
        os.makedirs(path, exist_ok=True)
        with atomic_path(os.path.join(path, ".write-test")) as tmp:
            open(tmp, "w").close()
        os.unlink(os.path.join(path, ".write-test"))
    except OSError as err:
        raise UsageError(f"--out {path!r}: cannot write there ({err.strerror})") from None


def _diagnose(args: argparse.Namespace) -> int:
    import warnings

    for name in ("runs", "robust_runs"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")
    _writable_folder(args.out)
    columns = {
        k: v
        for k, v in (
            ("id", args.id_column),
            ("manager", args.manager_column),
            ("department", args.department_column),
        )
        if v is not None
    }
    sheet = args.sheet
    if sheet is not None and sheet.isdigit():
        sheet = int(sheet)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        org = st.from_org_chart(
            args.chart,
            columns=columns,
            sep=args.sep,
            encoding=args.encoding,
            sheet=sheet,
            name=os.path.splitext(os.path.basename(args.chart))[0],
        )
        contacts = None
        if args.contacts is not None:
            ends = {
                k: v
                for k, v in (("source", args.sender_column), ("target", args.recipient_column))
                if v is not None
            }
            warnings.filterwarnings("ignore", message="from_edges: merged")
            contacts = from_edges(args.contacts, columns=ends, name="contacts")
        assumptions = Assumptions(
            args.meeting_every, args.colleague_hours, args.network_hours, args.formal
        )
        d = diagnose(
            org,
            contacts=contacts,
            runs=args.runs,
            robust_runs=args.robust_runs,
            seed=args.seed,
            assumptions=assumptions,
            progress=False if args.quiet else None,
        )
    for w in caught:
        if issubclass(w.category, UserWarning):
            print(f"warning: {w.message}", file=sys.stderr)
    print(d.summary())
    html_path = d.to_html(os.path.join(args.out, "report.html"))
    xlsx_path = os.path.join(args.out, "tables.xlsx")
    book = io.BytesIO()
    with pd.ExcelWriter(book, engine="openpyxl") as xl:
        for name, table in d.tables.items():
            table.to_excel(xl, sheet_name=name[:31])
    with atomic_path(xlsx_path) as tmp, open(tmp, "wb") as fh:
        fh.write(book.getvalue())
    for name, table in d.tables.items():
        with atomic_path(os.path.join(args.out, f"{name}.csv")) as tmp:
            table.to_csv(tmp)
    print(f"wrote {html_path}, {xlsx_path} and {len(d.tables)} CSV tables in {args.out}")
    return 0


def _add_flock(p: argparse.ArgumentParser) -> None:
    p.add_argument("--birds", type=int, default=1000, metavar="N", help="flock size (default 1000)")
    p.add_argument(
        "--steps",
        type=int,
        default=300,
        metavar="S",
        help="time steps after the shock (default 300)",
    )
    p.add_argument("--dynamics", default="ism", help="ism or vicsek (default ism)")
    p.add_argument(
        "--interaction",
        default="topological",
        help="topological (k nearest) or metric (default topological)",
    )
    p.add_argument("--k", type=int, default=7, help="neighbours watched (default 7)")
    p.add_argument("--noise", type=float, default=0.05, help="noise amplitude (default 0.05)")
    p.add_argument(
        "--shocked", type=int, default=10, metavar="B", help="birds the predator turns (default 10)"
    )
    p.add_argument(
        "--record-every",
        type=int,
        default=5,
        metavar="R",
        help="steps between animation frames (default 5)",
    )
    p.add_argument("--seed", type=int, default=2026, metavar="S", help="seed (default 2026)")
    p.add_argument(
        "--out",
        default="out",
        metavar="DIR",
        help="folder for the CSV, PNG and GIF (default ./out)",
    )


def _flock(args: argparse.Namespace) -> int:
    for name in ("birds", "steps", "shocked", "record_every"):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    check_folder(args.out)  # before the flight, not after
    flock = Flock(
        args.birds,
        k=args.k,
        interaction=args.interaction,
        dynamics=args.dynamics,
        seed=args.seed,
        noise=args.noise,
    )
    wave = turning_wave(flock, args.steps, birds=args.shocked, record_every=args.record_every)
    s = wave.summary()
    print(
        f"# {args.birds} birds, {args.dynamics}, {args.interaction} (k={args.k}), "
        f"noise {args.noise:g}; distances in spacings, times in time units"
    )
    print(
        f"front {s['front']}: speed {s['speed']:.3g}, rmse linear {s['rmse_linear']:.3g} "
        f"vs square root {s['rmse_sqrt']:.3g}; reach {s['reach']:.0%}; "
        f"turn far/near {s['damping']:.2f}"
    )
    csv_path = inside(args.out, "flock_wave.csv")
    with atomic_path(csv_path) as tmp:
        wave.table().to_csv(tmp, index=False)
    png_path = inside(args.out, "flock_wave.png")
    _pyplot().close(wave_figure(wave, png_path))
    gif_path = animate(wave.trajectory, inside(args.out, "flock.gif"))
    print(f"wrote {csv_path}, {png_path} and {gif_path}")
    return 0


#: The columns ``compare`` and ``run`` print (the CSV keeps every column).
_SUMMARY_COLUMNS = [
    "agents",
    "watched_mean",
    "watched_max",
    "t10",
    "t50",
    "t90",
    "t90_ratio",
    "t_all",
    "synchrony",
    "reach",
]
CLASSIC = ("hierarchy", "linking_pin", "silos", "networked")
DESIGNS = (*CLASSIC, "small_world", "multiscale", "matrix", "team_of_teams", "circles")


def _structures(text: str) -> tuple[str, ...]:
    """``--structures``: names from DESIGNS, comma-separated, or ``all``."""
    if text.strip() == "all":
        return DESIGNS
    names = tuple(x.strip().replace("-", "_").replace(" ", "_") for x in text.split(","))
    bad = [x for x in names if x not in DESIGNS]
    if bad or not names:
        raise argparse.ArgumentTypeError(
            f"{text!r} names no design; allowed: {', '.join(DESIGNS)} (comma-separated) or all"
        )
    return tuple(dict.fromkeys(names))


def _build(name: str, n: int, seed: int, args: argparse.Namespace):
    """One design for ``compare``, its options taken from the shared flags."""
    k, span, dim = args.k, args.span, args.dim
    makers = {
        "hierarchy": lambda: st.hierarchy(n, seed, span=span),
        "linking_pin": lambda: st.linking_pin(n, seed, group_size=span + 1),
        "silos": lambda: st.silos(n, seed, departments=args.departments, k=k, dim=dim),
        "networked": lambda: st.networked(n, seed, k=k, dim=dim, departments=args.departments),
        "small_world": lambda: st.small_world(n, seed, k=k, dim=dim),
        "multiscale": lambda: st.multiscale(n, seed, span=span),
        "matrix": lambda: st.matrix(n, seed, span=span),
        "team_of_teams": lambda: st.team_of_teams(n, seed, team_size=span),
        "circles": lambda: st.circles(n, seed),
    }
    return makers[name]()


def _compare(args: argparse.Namespace) -> int:
    if args.origin not in ("random", "top", "bottom"):
        raise ValueError(f"--origin must be random, top or bottom, got {args.origin!r}")
    n, seed = args.agents, args.seed
    if n < 2:
        raise ValueError(f"--agents must be >= 2, got {n}")
    check_folder(args.out)  # before the simulation, not after
    names = args.structures
    # every structure and its results at once, before building the first
    graphs = (970 + 130 * (max(args.k, args.span) + 1)) * max(1.0, len(names) / 4)
    preflight(
        int(n * (graphs + len(names) * 16 * max(args.runs, 1))),
        f"compare of {len(names)} structures x {n} agents x {args.runs} runs",
        "use fewer --agents, --runs or --structures",
    )
    orgs = {name.replace("_", " "): _build(name, n, seed, args) for name in names}
    latency = args.latency
    if args.formal_latency is not None:
        latency = {"formal": args.formal_latency, "colleague": args.latency, "social": args.latency}
    model = Cascade(latency=latency, p=args.p, threshold=args.threshold, window=args.window)
    shock = Shock(args.origin, size=args.origins)
    results = _run_all(orgs, model, shock, args)
    table = results.summary()
    print(
        f"# {model.describe()}; shock {shock.describe()}; times in hours; "
        f"medians over {args.runs} runs"
    )
    print(_table_text(table[_SUMMARY_COLUMNS]))
    csv_path = inside(args.out, "comparison.csv")
    with atomic_path(csv_path) as tmp:
        table.to_csv(tmp)
    png_path = inside(args.out, "comparison.png")
    fig = results.plot(png_path)
    _pyplot().close(fig)
    print(f"wrote {csv_path} and {png_path}")
    return 0


def _run_all(orgs, model, shock, args):
    """Same model, shock and seed for every structure.

    A top or front-line shock needs levels: a structure without them (the
    networked one) is shocked at a random agent instead, and the table says so.
    """
    out = {}
    for name, org in orgs.items():
        s = (
            shock
            if org.level is not None or shock.origin == "random"
            else Shock("random", size=shock.size)
        )
        label = name if s is shock else f"{name} (random origin)"
        out[label] = simulate(
            org.replace(name=label),
            model,
            s,
            args.runs,
            args.seed,
            progress=False if args.quiet else None,
        )
    return Comparison(out)


def _table_text(table: pd.DataFrame) -> str:
    with pd.option_context(
        "display.width",
        200,
        "display.max_columns",
        30,
        "display.max_rows",
        500,
        "display.float_format",
        "{:.3g}".format,
    ):
        return table.to_string()


def _in_file(path: str, err: Exception):
    """Re-raise an error met while running a scenario file, naming the file.

    Wrapped in a UsageError, never re-built as ``type(err)(msg)``: foreign
    exception types need not take one message argument.
    """
    if isinstance(err, StoreError) or str(err).startswith(path):
        raise err
    raise UsageError(f"{path}: {err}") from None


def _run_file(args: argparse.Namespace) -> int:
    sf = read_scenario(args.file)
    check_folder(args.out)  # before the simulation, not after
    name = safe_name(sf.scenario.name)  # a name is not a path: nothing outside --out
    csv_path, png_path = inside(args.out, f"{name}.csv"), inside(args.out, f"{name}.png")
    if sf.grid:
        print(f"note: {args.file} has a grid; `run` ignores it (use `sweep`)", file=sys.stderr)
    try:
        results = sf.scenario.run(sf.runs, sf.seed, progress=False if args.quiet else None)
    except (ValueError, TypeError) as err:
        _in_file(args.file, err)
    table = results.summary()
    first = next(iter(results.values()))
    print(
        f"# {sf.scenario.name}: {first.model.describe()}; shock {first.shock.describe()}; "
        f"what-ifs {', '.join(n for n, _ in sf.scenario.whatifs) or 'none'}; times in "
        f"{results.unit}; medians over {sf.runs} runs"
    )
    print(_table_text(table[_SUMMARY_COLUMNS]))
    with atomic_path(csv_path) as tmp:
        table.to_csv(tmp)
    _pyplot().close(results.plot(png_path))
    print(f"wrote {csv_path} and {png_path}")
    return 0


def _sweep_file(args: argparse.Namespace) -> int:
    for opt in ("workers", "batch"):
        if getattr(args, opt) is not None and getattr(args, opt) < 1:
            raise UsageError(f"--{opt} must be >= 1, got {getattr(args, opt)}")
    if args.scheduler is not None and args.workers is not None:
        raise UsageError(
            f"--workers {args.workers} starts a local Dask cluster and --scheduler "
            f"{args.scheduler} uses a running one: give one of them"
        )
    sf = read_scenario(args.file)
    dask = args.scheduler is not None or args.workers is not None
    try:
        df = sweep(
            sf.scenario,
            sf.grid,
            sf.runs,
            sf.seed,
            store=args.store,
            backend="dask" if dask else "local",
            scheduler=args.scheduler,
            workers=args.workers,
            batch=args.batch,
            curve=sf.curve,
            progress=False if args.quiet else None,
        )
    except ImportError as err:
        raise UsageError(str(err)) from None
    except SchedulerError as err:
        raise UsageError(f"--{err}") from None
    except (ValueError, TypeError) as err:
        _in_file(args.file, err)
    except OSError as err:  # e.g. no scheduler at --scheduler, or the store's disk is full
        where = f"--scheduler {args.scheduler}" if args.scheduler else f"--store {args.store}"
        raise UsageError(f"{where}: {err}") from None
    show = [c for c in df.columns if c not in ("curve", "unit") and not c.endswith(("_lo", "_hi"))]
    print(
        f"# {sf.scenario.name}: {len(df)} cells, medians over {sf.runs} runs, times in "
        f"{df['unit'].iloc[0]}; store {args.store}"
    )
    print(_table_text(df[show]))
    return 0


def _one_line(err: BaseException) -> str:
    text = str(err)
    if isinstance(err, OSError) and err.strerror:
        text = f"{str(err.filename) + ': ' if err.filename else ''}{err.strerror}"
    return (text.splitlines() or [""])[0]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 2 bad input)."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        return args.func(args)
    except (UsageError, ValueError, TypeError, OSError) as err:
        print(f"error: {_one_line(err)}", file=sys.stderr)
        return 2
    except MemoryError as err:  # the preflight estimates missed: still one line
        print(
            f"error: out of memory ({_one_line(err) or 'numpy could not allocate'}); use "
            "fewer agents or runs",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
