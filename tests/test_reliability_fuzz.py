"""Fuzzing the command line and scenario files as a hostile user would.

The property, for any arguments and any scenario file: the exit code is 0
or 2, stderr holds no traceback, and nothing is written outside ``--out``
(and the ``--store`` named). Sizes are drawn small or absurd (absurd ones
must be refused by the preflight at once), so each example stays short.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import tempfile

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from swarm.cli import main

ESCAPE = "/tmp/swarm-fuzz-escape"  # a scenario name pointing here must not create files there

BAD = st.sampled_from(
    [
        "",
        "abc",
        "-1",
        "0",
        "nan",
        "inf",
        "-inf",
        "1e308",
        "1e-320",
        "100000000000",
        "../x",
        "/dev/zero",
        "\x00",
        "1,5",
        "0x10",
    ]
)


def _small_int(lo: int, hi: int, bad=BAD):
    return st.one_of(st.integers(lo, hi).map(str), bad)


#: For counts of steps: a huge one would be a valid, very long flight, not an attack.
BAD_STEPS = BAD.filter(lambda v: v != "100000000000")
#: Every flight is small unless a drawn option says otherwise (argparse: the last wins).
FLOCK_BASE = ["--birds", "30", "--steps", "3", "--record-every", "3"]


OPTIONS = {
    "compare": {
        "--agents": _small_int(2, 60),
        "--runs": _small_int(1, 3),
        "--seed": _small_int(0, 5),
        "--k": _small_int(1, 8),
        "--span": _small_int(1, 8),
        "--departments": _small_int(1, 4),
        "--dim": _small_int(1, 3),
        "--p": st.one_of(st.sampled_from(["0.5", "1"]), BAD),
        "--threshold": st.one_of(st.sampled_from(["1", "2", "0.5"]), BAD),
        "--window": st.one_of(st.sampled_from(["1", "inf", "24"]), BAD),
        "--origin": st.sampled_from(["random", "top", "bottom", "side", "", "../x"]),
        "--origins": _small_int(1, 3),
        "--latency": st.sampled_from(
            [
                "exponential:1",
                "constant:1",
                "lognormal:1:0.5",
                "scheduled:1:0.5",
                "constant:1e308",
                "lognormal:1:1000",
                "scheduled:1:1e16",
                "exponential",
                "exponential:-1",
                "weibull:2",
                "constant:nan",
                "scheduled:0",
            ]
        ),
        "--formal-latency": st.sampled_from(["constant:2", "scheduled:8", "x:1"]),
    },
    "flock": {
        "--birds": _small_int(10, 40),
        "--steps": _small_int(1, 4, BAD_STEPS),
        "--k": _small_int(1, 8),
        "--noise": st.sampled_from(["0", "0.1", "-1", "nan"]),
        "--shocked": _small_int(1, 3),
        "--record-every": _small_int(1, 3, BAD_STEPS),
        "--dynamics": st.sampled_from(["ism", "vicsek", "boids"]),
        "--interaction": st.sampled_from(["topological", "metric", "x"]),
    },
}

argv_strategy = st.sampled_from(sorted(OPTIONS)).flatmap(
    lambda cmd: st.tuples(
        st.just(cmd),
        st.lists(st.sampled_from(sorted(OPTIONS[cmd])), max_size=4, unique=True).flatmap(
            lambda names: st.tuples(*[st.tuples(st.just(n), OPTIONS[cmd][n]) for n in names])
        ),
        st.sampled_from(["out", "out/deeper", "file", "file/under", "/proc/nope"]),
    )
)


def _files(folder: str) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), folder) for d, _, fs in os.walk(folder) for f in fs}


def _run(argv: list[str], root: str) -> tuple[int, str]:
    err, out = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(argv)
    finally:
        os.chdir(cwd)
    return code, err.getvalue()


def _check(argv, root, before, allowed_prefixes):
    code, err = _run(argv, root)
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    if code == 2:
        assert err.startswith(("error: ", "python -m swarm")), (argv, err)
    new = _files(root) - before
    stray = [f for f in new if not f.startswith(allowed_prefixes)]
    assert not stray, (argv, stray)
    assert not any(n.startswith(os.path.basename(ESCAPE)) for n in os.listdir("/tmp"))
    return code


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(argv_strategy)
@example(("compare", (("--agents", "30"), ("--runs", "2")), "out/deeper"))
def test_fuzzed_command_line_arguments_exit_0_or_2_without_traceback_or_stray_files(case):
    cmd, options, out = case
    with tempfile.TemporaryDirectory() as root:
        with open(os.path.join(root, "file"), "w") as fh:
            fh.write("x")
        before = _files(root)
        argv = [
            cmd,
            *(FLOCK_BASE if cmd == "flock" else []),
            *[x for pair in options for x in pair],
            "--out",
            out,
        ]
        if cmd == "compare":
            argv.append("--quiet")
        _check(argv, root, before, (out.rstrip("/") + "/",))


# ---- scenario files ------------------------------------------------------------------------


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return (
            "nan"
            if math.isnan(v)
            else ("inf" if v == math.inf else "-inf" if v == -math.inf else repr(v))
        )
    if isinstance(v, (int, str)):
        return json.dumps(v) if isinstance(v, str) else str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def _toml(doc: dict) -> str:
    lines = [
        f"{json.dumps(k)} = {_toml_value(v)}" for k, v in doc.items() if not isinstance(v, dict)
    ]
    for k, v in doc.items():
        if isinstance(v, dict):
            lines.append(f"[{json.dumps(k)}]")
            lines += [f"{json.dumps(a)} = {_toml_value(b)}" for a, b in v.items()]
    return "\n".join(lines) + "\n"


ANY = st.one_of(
    st.integers(-3, 60),
    st.sampled_from([0.5, 1.0, -1.0, math.nan, math.inf, 1e308, 10**12]),
    st.booleans(),
    st.sampled_from(["", "x", "../../x", ESCAPE, "hierarchy"]),
    st.lists(st.integers(-1, 30), max_size=3),
)
NUMBER = st.one_of(
    st.sampled_from([0.5, 1.0, 2.0, 0.0, -1.0, math.nan, math.inf, 1e308, 1e-320]),
    st.integers(-2, 5),
    st.sampled_from(["x", True]),
)


def _mostly(ok, bad=ANY):
    """Valid three times in four, anything else the fourth: deep paths get reached too."""
    return st.one_of(ok, ok, ok, bad)


STRUCTURE = st.tuples(
    _mostly(
        st.sampled_from(["hierarchy", "silos", "networked", "linking_pin"]),
        st.sampled_from(["matrix", "../x", "", "a.b"]),
    ),
    st.one_of(
        st.just({}),
        st.dictionaries(
            st.sampled_from(
                ["k", "span", "departments", "dim", "group_size", "seed", "kind", "bogus"]
            ),
            _mostly(st.integers(1, 4)),
            max_size=2,
        ),
    ),
    _mostly(st.integers(10, 40)),
)

LAW = st.one_of(
    st.fixed_dictionaries(
        {"law": st.sampled_from(["constant", "exponential", "weibull"]), "value": NUMBER}
    ),
    st.fixed_dictionaries({"law": st.just("exponential"), "mean": NUMBER}),
    st.fixed_dictionaries({"law": st.just("lognormal"), "median": NUMBER, "sigma": NUMBER}),
    st.fixed_dictionaries({"law": st.just("scheduled"), "period": NUMBER, "phase": NUMBER}),
    st.fixed_dictionaries(
        {"formal": st.fixed_dictionaries({"law": st.just("constant"), "value": NUMBER})}
    ),
    ANY,
)

MODEL = st.one_of(
    st.just({}),
    st.dictionaries(
        st.sampled_from(["p", "threshold", "window", "ignore", "kind", "bogus"]), NUMBER, max_size=2
    ),
    st.fixed_dictionaries({"latency": LAW}),
    st.fixed_dictionaries(
        {
            "kind": st.just("alignment"),
            "max_time": st.sampled_from([1.0, 5.0, -1.0, 1e300, math.nan]),
            "dt": st.sampled_from([0.05, 0.5, 0.0, 10.0]),
        }
    ),
)

SCENARIO = st.fixed_dictionaries(
    {"structure": STRUCTURE},
    optional={
        "name": _mostly(st.sampled_from(["ok", "../../x", ESCAPE, "a/b", "..", ""])),
        "runs": _mostly(st.integers(1, 3), st.sampled_from([10**10, 0, -1, 2.5, "x"])),
        "seed": _mostly(st.integers(0, 3), st.sampled_from([-1, 2**70, "x"])),
        "curve": st.one_of(st.booleans(), st.lists(NUMBER, max_size=3)),
        "model": MODEL,
        "shock": st.dictionaries(
            st.sampled_from(["origin", "size", "together", "x"]), ANY, max_size=2
        ),
        "grid": st.dictionaries(
            st.sampled_from(
                ["model.p", "structure.n", "structure.k", "shock.size", "bogus", "structure"]
            ),
            _mostly(
                st.lists(
                    st.sampled_from([0.5, 1, 1.0, 20, 30, "hierarchy"]), min_size=1, max_size=3
                ),
                st.one_of(st.lists(ANY, max_size=3), ANY),
            ),
            max_size=2,
        ),
        "bom": st.booleans(),
        "junk": st.sampled_from(["", "", "", "", "", "= =", "[[x]", "\x00"]),
    },
)


def _document(sc: dict) -> bytes:
    label, params, n = sc["structure"]
    params = {"n": n, **params}
    doc = {
        k: v
        for k, v in sc.items()
        if k not in ("structure", "bom", "junk", "model", "shock", "grid")
    }
    text = _toml(doc)
    text += f"[structures.{json.dumps(label)}]\n" + "".join(
        f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in params.items()
    )
    for table in ("model", "shock", "grid"):
        if table in sc:
            text += f"[{table}]\n" + "".join(
                f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in sc[table].items()
            )
    text += sc.get("junk", "")
    raw = text.encode("utf-8")
    return b"\xef\xbb\xbf" + raw if sc.get("bom") else raw


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(SCENARIO, st.sampled_from(["run", "sweep"]))
@example(
    {
        "structure": ("hierarchy", {}, 20),
        "name": "../../x",
        "runs": 2,
        "grid": {"model.p": [0.5, 1]},
    },
    "sweep",
)
@example(
    {
        "structure": ("silos", {"departments": [10, 10]}, 20),
        "name": ESCAPE,
        "runs": 2,
        "bom": True,
        "model": {"latency": {"law": "scheduled", "period": 1.0, "phase": 1e16}},
    },
    "run",
)
def test_fuzzed_scenario_files_exit_0_or_2_without_traceback_or_stray_files(sc, command):
    with tempfile.TemporaryDirectory() as root:
        path = os.path.join(root, "fuzz.toml")
        with open(path, "wb") as fh:
            fh.write(_document(sc))
        before = _files(root)
        if command == "run":
            argv = ["run", path, "--out", os.path.join(root, "out"), "--quiet"]
        else:
            argv = ["sweep", path, "--store", os.path.join(root, "out", "s.sqlite"), "--quiet"]
        _check(argv, root, before, ("out/",))
