"""Scenario files: a TOML description of structures, what-ifs, model, shock and grid.

.. code-block:: toml

    name = "adoption"
    runs = 50
    seed = 2026

    [structures.networked]          # label; kind defaults to the label
    n = 2000
    k = 7

    [[whatifs]]                     # applied in order: swarm.adopt(org, fraction=0.3)
    name = "adopt"
    fraction = 0.3

    [model]                         # kind = "cascade" (default) or "alignment"
    p = 0.9
    latency = { law = "exponential", mean = 1.0 }

    [shock]
    origin = "bottom"

    [grid]
    "model.p" = [0.5, 0.7, 0.9]
    "whatif.adopt.fraction" = [0.0, 0.3, 0.6]

Every mistake is reported as one :class:`ConfigError` naming the file, the
key and what is allowed.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

from .. import models
from ..models.alignment import Alignment
from ..models.cascade import Cascade
from ..models.shocks import Shock
from ..organisation import CHANNELS
from .scenario import STRUCTURES, Scenario, _generators, _params_of

__all__ = ["ConfigError", "ScenarioFile", "read_scenario"]

_TOP = {
    "name": "str",
    "runs": "int",
    "seed": "int",
    "curve": "curve",
    "structures": "table",
    "whatifs": "array of tables",
    "model": "table",
    "shock": "table",
    "grid": "table",
}
_LAWS = {
    "exponential": ("Exponential", ("mean",)),
    "constant": ("Constant", ("value",)),
    "lognormal": ("LogNormal", ("median", "sigma")),
    "scheduled": ("Scheduled", ("period", "phase")),
}


class ConfigError(ValueError):
    """A scenario file that cannot be used; the message names file, key and what is allowed."""


@dataclass(frozen=True)
class ScenarioFile:
    """What a scenario file holds: the Scenario and how to run it."""

    path: str
    scenario: Scenario
    runs: int = 100
    seed: int = 2026
    grid: Mapping[str, list] = dataclasses.field(default_factory=dict)
    curve: bool | list = False


def _type_name(value) -> str:
    return {
        dict: "table",
        list: "array",
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
    }.get(type(value), type(value).__name__)


class _Reader:
    def __init__(self, path: str):
        self.path = path

    def fail(self, key: str, what: str):
        raise ConfigError(f"{self.path}: {key}: {what}")

    def check(self, key: str, value, kind: str):
        ok = {
            "int": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "str": isinstance(value, str),
            "bool": isinstance(value, bool),
            "table": isinstance(value, dict),
            "array": isinstance(value, list),
            "array of tables": isinstance(value, list) and all(isinstance(v, dict) for v in value),
            "int or array of int": (isinstance(value, int) and not isinstance(value, bool))
            or (
                isinstance(value, list)
                and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            ),
            "any": True,
        }[kind]
        if not ok:
            self.fail(
                key,
                f"must be {'an' if kind[0] in 'ai' else 'a'} "
                f"{kind.replace('int', 'integer').replace('str', 'string')}, "
                f"got {value!r} ({_type_name(value)})",
            )
        return value

    def keys(self, key: str, table: Mapping, allowed) -> None:
        bad = [k for k in table if k not in allowed]
        if bad:
            where = f"{key}.{bad[0]}" if key else bad[0]
            self.fail(where, f"unknown key; allowed here: {', '.join(allowed)}")

    def build(self, key: str, make, *args, **kwargs):
        try:
            return make(*args, **kwargs)
        except (TypeError, ValueError) as err:
            self.fail(key, str(err).splitlines()[0])


def _param_kind(p: inspect.Parameter) -> str:
    d = p.default
    if d is inspect.Parameter.empty:
        return "int" if p.name == "n" else "any"
    if p.name == "seed":
        return "int"
    if p.name == "departments":  # a count, or the sizes of a real organisation's departments
        return "int or array of int"
    if isinstance(d, bool):
        return "bool"
    return {int: "int", float: "number", str: "str"}.get(type(d), "any")


def _structure(r: _Reader, label: str, table, folder: str):
    key = f"structures.{label}"
    r.check(key, table, "table")
    kind = r.check(f"{key}.kind", table.get("kind", label), "str")
    if kind not in STRUCTURES:
        r.fail(
            f"{key}.kind",
            f"must be one of {', '.join(STRUCTURES)}, got {kind!r} (the kind "
            "defaults to the label)",
        )
    params = _params_of(_generators()[kind])
    r.keys(key, table, ["kind", *params])
    spec = {"kind": kind}
    for name, value in table.items():
        if name == "kind":
            continue
        r.check(f"{key}.{name}", value, _param_kind(params[name]))
        if kind == "org_chart" and name == "table":
            value = os.path.join(folder, value)
        spec[name] = value
    return spec


def _latency(r: _Reader, key: str, table):
    r.check(key, table, "table")
    if "law" not in table:  # per channel
        r.keys(key, table, ["law", *CHANNELS])
        return {ch: _latency(r, f"{key}.{ch}", sub) for ch, sub in table.items()}
    law = r.check(f"{key}.law", table["law"], "str")
    if law not in _LAWS:
        r.fail(f"{key}.law", f"must be one of {', '.join(_LAWS)}, got {law!r}")
    cls, fields = _LAWS[law]
    r.keys(key, table, ["law", *fields])
    kw = {f: r.check(f"{key}.{f}", table[f], "number") for f in fields if f in table}
    return r.build(key, getattr(models, cls), **kw)


def _model(r: _Reader, table):
    r.check("model", table, "table")
    kind = r.check("model.kind", table.get("kind", "cascade"), "str")
    if kind not in ("cascade", "alignment"):
        r.fail("model.kind", f"must be 'cascade' or 'alignment', got {kind!r}")
    cls = Cascade if kind == "cascade" else Alignment
    fields = [f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")]
    r.keys("model", table, ["kind", *fields])
    kw = {}
    for name, value in table.items():
        if name == "kind":
            continue
        if name == "latency":
            kw[name] = _latency(r, "model.latency", value)
        else:
            kw[name] = r.check(
                f"model.{name}", value, "int" if name in ("dim", "record_every") else "number"
            )
    return r.build("model", cls, **kw)


def _shock(r: _Reader, table):
    r.check("shock", table, "table")
    r.keys("shock", table, ["origin", "size", "together"])
    origin = table.get("origin", "random")
    if not isinstance(origin, (str, list)):
        r.fail(
            "shock.origin",
            f"must be a string ('random', 'top', 'bottom' or a department) "
            f"or an array of agent ids, got {origin!r}",
        )
    size = r.check("shock.size", table.get("size", 1), "int")
    together = r.check("shock.together", table.get("together", False), "bool")
    return r.build("shock", Shock, origin, size=size, together=together)


def _flatten(prefix: str, table: Mapping) -> dict:
    out = {}
    for k, v in table.items():
        name = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            out.update(_flatten(name, v))
        else:
            out[name] = v
    return out


#: The largest scenario file read (scenario files are a few hundred bytes).
MAX_BYTES = 1 << 20


def _read_text(path: str) -> str:
    """The text of a scenario file: a regular file, at most MAX_BYTES, UTF-8 (a BOM allowed).

    Nothing of the content is echoed in an error: the file may be anything.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read it ({err.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # not /dev/zero, a fifo or a folder
        os.close(fd)
        raise ConfigError(f"{path}: not a regular file; give a .toml scenario file")
    with os.fdopen(fd, "rb") as fh:
        try:
            raw = fh.read(MAX_BYTES + 1)
        except OSError as err:
            raise ConfigError(f"{path}: cannot read it ({err.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(
            f"{path}: larger than {MAX_BYTES // 1024} KiB; a scenario file is a few lines of TOML"
        )
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark, as some editors write, is fine
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte {err.start}); save it as UTF-8") from None


def read_scenario(path) -> ScenarioFile:
    """Read and check a scenario file.

    Raises
    ------
    ConfigError
        One line naming the file, the key and what is allowed.

    Examples
    --------
    >>> import os, swarm
    >>> root = os.path.dirname(os.path.dirname(swarm.__file__))
    >>> sf = read_scenario(os.path.join(root, "scenarios", "structures.toml"))
    >>> sf.scenario.labels
    ('hierarchy', 'linking_pin', 'silos', 'networked')
    """
    path = os.fspath(path)
    r = _Reader(path)
    try:
        data = tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from None
    r.keys("", data, list(_TOP))
    for key, kind in _TOP.items():
        if key in data and kind != "curve":
            r.check(key, data[key], kind)
    if not data.get("structures"):
        r.fail(
            "structures",
            "required: at least one [structures.LABEL] table with its kind "
            f"({', '.join(STRUCTURES)}) and parameters",
        )
    folder = os.path.dirname(os.path.abspath(path))
    specs = {label: _structure(r, label, t, folder) for label, t in data["structures"].items()}
    whatifs = []
    for k, w in enumerate(data.get("whatifs", [])):
        name = r.check(f"whatifs[{k}].name", w.get("name"), "str")
        whatifs.append((name, {a: b for a, b in w.items() if a != "name"}))
    model = _model(r, data.get("model", {}))
    shock = _shock(r, data.get("shock", {}))
    runs = r.check("runs", data.get("runs", 100), "int")
    if runs < 1:
        r.fail("runs", f"must be >= 1, got {runs}")
    seed = r.check("seed", data.get("seed", 2026), "int")
    if seed < 0:
        r.fail("seed", f"must be >= 0, got {seed}")
    curve = data.get("curve", False)
    if not (
        isinstance(curve, bool)
        or (
            isinstance(curve, list)
            and curve
            and all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in curve)
        )
    ):
        r.fail("curve", f"must be true, false or an array of times, got {curve!r}")
    scenario = r.build(
        "whatifs",
        Scenario,
        specs,
        whatifs=whatifs,
        model=model,
        shock=shock,
        name=r.check("name", data.get("name", os.path.splitext(os.path.basename(path))[0]), "str"),
    )
    grid = _flatten("", data.get("grid", {}))
    for axis, values in grid.items():
        if not isinstance(values, list) or not values:
            r.fail(f"grid.{axis}", f"must be a non-empty array of values, got {values!r}")
        for v in values:
            if isinstance(v, (dict, list)):
                r.fail(f"grid.{axis}", f"values must be numbers, strings or booleans, got {v!r}")
            r.build(f"grid.{axis}", scenario.check_axis, axis, v)
    return ScenarioFile(path, scenario, runs, seed, grid, curve)
