"""Scenarios: a structure, what-ifs, a model and a shock, addressable by name.

A :class:`Scenario` says how to build the organisation(s) and what to run
on them; a sweep changes it one *address* at a time:

===============================  ============================================
address                          changes
===============================  ============================================
``structure``                    which of the scenario's structures (label)
``structure.n``                  a keyword of the structure generator
``whatif.adopt.fraction``        a keyword of the what-if named ``adopt``
``model.p``                      a field of the model
``model.latency.mean``           a field of the (single) latency law
``model.latency.formal.period``  a field of one channel's law
``model.latency.formal``         one channel's whole law, as text
                                 (``"exponential:1"``, ``"scheduled:8"``)
``shock.size``                   a field of the shock
===============================  ============================================

What-ifs are looked up by name in the ``swarm`` namespace when a cell is
built (``getattr(swarm, name)``), so a scenario can name a what-if that this
installation does not have yet; it then fails with a clear message.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import structures as st
from .._checks import SeedLike
from .._version import __version__
from ..models.cascade import Cascade
from ..models.laws import parse_law
from ..models.shocks import Shock
from ..organisation import Organisation
from ..results import Comparison
from ..whatifs import WHATIFS
from ._cells import cell_key, run_cells

__all__ = ["STRUCTURES", "FunctionScenario", "MissingWhatIf", "Scenario"]


def _generators() -> dict[str, Callable[..., Organisation]]:
    return {
        "hierarchy": st.hierarchy,
        "silos": st.silos,
        "networked": st.networked,
        "linking_pin": st.linking_pin,
        "org_chart": st.from_org_chart,
        "small_world": st.small_world,
        "multiscale": st.multiscale,
        "matrix": st.matrix,
        "team_of_teams": st.team_of_teams,
        "circles": st.circles,
    }


#: Structure kinds a scenario can name, with their generators.
STRUCTURES: tuple[str, ...] = (
    "hierarchy",
    "silos",
    "networked",
    "linking_pin",
    "org_chart",
    "small_world",
    "multiscale",
    "matrix",
    "team_of_teams",
    "circles",
)


class MissingWhatIf(ValueError):
    """A scenario names a what-if this installation of swarm does not have."""


def _whatif_function(name: str) -> Callable[..., Organisation]:
    """The what-if registered under ``name`` (only :data:`swarm.whatifs.WHATIFS` qualify)."""
    fn = WHATIFS.get(name)
    if fn is None:
        raise MissingWhatIf(
            f"what-if {name!r} is not available in swarm {__version__}; "
            f"what-ifs are {', '.join(sorted(WHATIFS))}"
        )
    return fn


def _params_of(fn: Callable) -> dict[str, inspect.Parameter]:
    return {
        p.name: p
        for p in inspect.signature(fn).parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }


def _scalar(name: str, value):
    """A grid or key value as a plain JSON scalar (numpy scalars unwrapped)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            raise ValueError(f"{name} must not be NaN")
        return value
    raise TypeError(
        f"{name} must be a number, string, bool or None, got {value!r} ({type(value).__name__})"
    )


def _canonical(obj) -> Any:
    """A JSON-able description of scenario parts, for hashing and display."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {"type": type(obj).__name__}
        out.update(
            {
                f.name: _canonical(getattr(obj, f.name))
                for f in dataclasses.fields(obj)
                if not f.name.startswith("_")
            }
        )
        return out
    if isinstance(obj, Organisation):
        h = hashlib.sha256()
        w = obj.watch
        for a in (
            w.indptr,
            w.indices,
            w.data,
            obj.channel,
            obj.level,
            obj.department,
            obj.manager,
            obj.position,
        ):
            h.update(b"-" if a is None else np.ascontiguousarray(a).tobytes())
        return {"type": "Organisation", "n": obj.n, "name": obj.name, "sha256": h.hexdigest()}
    if isinstance(obj, Mapping):
        return {str(k): _canonical(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_canonical(v) for v in obj]
    if callable(obj):
        try:
            src = inspect.getsource(obj)
        except (OSError, TypeError):
            src = ""
        return {
            "type": "function",
            "name": f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}",
            "source_sha256": hashlib.sha256(src.encode()).hexdigest(),
        }
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and math.isinf(obj):
        return "inf" if obj > 0 else "-inf"
    return obj


def _law(axis: str, text: str):
    try:
        return parse_law(text)
    except ValueError as err:
        raise ValueError(f"grid axis {axis!r}: {err}") from None


def _set_path(obj, path: Sequence[str], value, where: str):
    """``obj`` with the field or key at ``path`` set to ``value`` (frozen objects replaced)."""
    head, rest = path[0], path[1:]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = [f.name for f in dataclasses.fields(obj) if not f.name.startswith("_")]
        if head not in names:
            raise ValueError(
                f"grid axis {where!r}: {type(obj).__name__} has no field {head!r}; "
                f"allowed: {', '.join(names)}"
            )
        new = value if not rest else _set_path(getattr(obj, head), rest, value, where)
        return dataclasses.replace(obj, **{head: new})
    if isinstance(obj, Mapping):
        if head not in obj:
            raise ValueError(
                f"grid axis {where!r}: no key {head!r}; allowed: {', '.join(map(str, obj))}"
            )
        out = dict(obj)
        out[head] = value if not rest else _set_path(obj[head], rest, value, where)
        return out
    raise ValueError(
        f"grid axis {where!r}: {type(obj).__name__} has no parts to address below {head!r}"
    )


def _spec(label: str, spec) -> Any:
    """Normalise one structure spec: a kind name, a mapping, an Organisation or a function."""
    if isinstance(spec, str):
        spec = {"kind": spec}
    if isinstance(spec, Mapping):
        spec = dict(spec)
        kind = spec.setdefault("kind", label)
        if kind not in STRUCTURES:
            raise ValueError(
                f"structure {label!r}: kind must be one of {', '.join(STRUCTURES)}, got {kind!r}"
            )
        allowed = _params_of(_generators()[kind])
        bad = sorted(set(spec) - set(allowed) - {"kind"})
        if bad:
            raise ValueError(
                f"structure {label!r} ({kind}): unknown parameter {bad[0]!r}; "
                f"allowed: {', '.join(allowed)}"
            )
        return spec
    if isinstance(spec, Organisation) or callable(spec):
        return spec
    raise TypeError(
        f"structure {label!r} must be a kind name, a mapping with 'kind' and its "
        f"parameters, an Organisation or a function, got {type(spec).__name__}"
    )


@dataclass(frozen=True)
class Scenario:
    """A structure (or several), what-ifs, a model and a shock: what a sweep varies.

    Parameters
    ----------
    structure : spec or mapping label -> spec
        A spec is a kind name (``"networked"``), a mapping with ``kind`` and
        the generator's keywords (``{"kind": "networked", "n": 2000}``; the
        kind defaults to the label), a fixed :class:`~swarm.Organisation`,
        or a function ``f(seed=..., **params) -> Organisation``.
    whatifs : sequence of (name, params) or of mappings with a ``name`` key
        Applied in order: ``getattr(swarm, name)(org, **params)``, with a
        ``seed`` when the function takes one.
    model : Cascade or Alignment, default ``Cascade()``
    shock : Shock, default ``Shock("random")``
    name : str, default "scenario"

    Examples
    --------
    >>> import swarm
    >>> sc = swarm.Scenario({"kind": "networked", "n": 300}, model=swarm.Cascade(p=0.8))
    >>> sc.labels
    ('networked',)
    >>> sc.with_values({"model.p": 0.5}).model.p
    0.5
    """

    structure: Any = "networked"
    whatifs: Sequence = ()
    model: Any = field(default_factory=Cascade)
    shock: Shock = field(default_factory=Shock)
    name: str = "scenario"
    _specs: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        s = self.structure
        single = (not isinstance(s, Mapping)) or isinstance(s.get("kind"), str)
        if single:
            label = (
                s
                if isinstance(s, str)
                else s["kind"]
                if isinstance(s, Mapping)
                else (
                    s.name
                    if isinstance(s, Organisation) and s.name
                    else getattr(s, "__name__", "organisation")
                )
            )
            specs = {str(label): _spec(str(label), s)}
        else:
            if not s:
                raise ValueError("structure must name at least one structure")
            specs = {str(k): _spec(str(k), v) for k, v in s.items()}
        object.__setattr__(self, "_specs", specs)
        wis = []
        for k, w in enumerate(self.whatifs):
            if isinstance(w, str):
                w = (w, {})
            elif isinstance(w, Mapping):
                if "name" not in w:
                    raise ValueError(f"whatifs[{k}] needs a 'name', got {dict(w)}")
                w = (w["name"], {a: b for a, b in w.items() if a != "name"})
            if not (
                isinstance(w, tuple)
                and len(w) == 2
                and isinstance(w[0], str)
                and isinstance(w[1], Mapping)
            ):
                raise TypeError(
                    f"whatifs[{k}] must be a name, (name, params) or a mapping "
                    f"with 'name', got {w!r}"
                )
            wis.append((w[0], dict(w[1])))
        names = [n for n, _ in wis]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(
                f"what-if {dup[0]!r} appears twice; grid axes address what-ifs by "
                "name, so give each at most once"
            )
        object.__setattr__(self, "whatifs", tuple(wis))
        if not dataclasses.is_dataclass(self.model):
            raise TypeError(
                f"model must be a swarm.Cascade or swarm.Alignment, got {type(self.model).__name__}"
            )
        if not isinstance(self.shock, Shock):
            raise TypeError(f"shock must be a swarm.Shock, got {type(self.shock).__name__}")

    @property
    def labels(self) -> tuple[str, ...]:
        """The structures' labels, in order."""
        return tuple(self._specs)

    def describe(self) -> dict:
        """A JSON-able description (what the results store hashes)."""
        return {
            "name": self.name,
            "structures": _canonical(self._specs),
            "whatifs": _canonical([list(w) for w in self.whatifs]),
            "model": _canonical(self.model),
            "shock": _canonical(self.shock),
        }

    def check_axis(self, axis: str, value) -> None:
        """Raise a clear error if ``axis`` cannot be set to ``value`` in this scenario."""
        if axis == "structure":
            if value not in self._specs:
                raise ValueError(
                    f"grid axis 'structure': {value!r} is not one of the "
                    f"scenario's structures {list(self._specs)}"
                )
            return
        part, _, rest = axis.partition(".")
        if part == "structure" and rest:
            for label, spec in self._specs.items():
                if isinstance(spec, Organisation):
                    raise ValueError(
                        f"grid axis {axis!r}: structure {label!r} is a fixed "
                        "Organisation and has no parameters"
                    )
                fn = _generators()[spec["kind"]] if isinstance(spec, dict) else spec
                params = _params_of(fn)
                if rest not in params and not any(
                    p.kind == p.VAR_KEYWORD for p in inspect.signature(fn).parameters.values()
                ):
                    raise ValueError(
                        f"grid axis {axis!r}: structure {label!r} takes no "
                        f"parameter {rest!r}; allowed: {', '.join(params)}"
                    )
            return
        if part == "whatif":
            name, _, key = rest.partition(".")
            if name not in dict(self.whatifs) or not key:
                raise ValueError(
                    f"grid axis {axis!r}: address a what-if of the scenario as "
                    f"whatif.NAME.PARAM; its what-ifs are "
                    f"{[n for n, _ in self.whatifs] or 'none'}"
                )
            return
        if part in ("model", "shock") and rest:
            self.with_values({axis: value})
            return
        raise ValueError(
            f"grid axis {axis!r}: must be 'structure', or start with "
            "'structure.', 'whatif.', 'model.' or 'shock.'"
        )

    def with_values(self, values: Mapping[str, Any]) -> Scenario:
        """This scenario with model and shock fields set from ``values`` (other axes kept)."""
        model, shock = self.model, self.shock
        for axis, v in values.items():
            part, _, rest = axis.partition(".")
            if part == "model" and rest:
                if rest.split(".")[0] == "latency" and isinstance(v, str):
                    v = _law(axis, v)  # a whole law given as text, e.g. "scheduled:8"
                model = _set_path(model, rest.split("."), v, axis)
            elif part == "shock" and rest:
                shock = _set_path(shock, rest.split("."), v, axis)
        if model is self.model and shock is self.shock:
            return self
        return dataclasses.replace(self, structure=self._specs, model=model, shock=shock)

    def run(self, runs: int = 100, seed: SeedLike = None, *, progress: bool | None = None):
        """Every structure of the scenario simulated side by side.

        Each structure gets the organisation and runs that a sweep cell with
        no grid axes would (same seeds), so ``run`` and ``sweep(..., grid={})``
        agree.

        Returns
        -------
        Comparison

        Examples
        --------
        >>> import swarm
        >>> sc = swarm.Scenario({"hierarchy": {"n": 100}, "networked": {"n": 100}})
        >>> sorted(sc.run(runs=5, seed=1))
        ['hierarchy', 'networked']
        """
        results = run_cells(
            self, [{"structure": lab} for lab in self.labels], runs, seed, progress=progress
        )
        return Comparison(
            {
                lab: res
                if res.organisation.name == lab
                else dataclasses.replace(
                    res, organisation=res.organisation.replace(name=lab), _cache={}
                )
                for lab, res in zip(self.labels, results)
            }
        )

    # ---- building a cell's organisation --------------------------------------
    def cell_parts(self, values: Mapping[str, Any], seed_for, cache) -> tuple:
        """``(org, model, shock)`` of the sweep cell ``values``.

        ``seed_for(purpose, values)`` gives the cell's seeds; ``cache`` (a
        mapping) keeps organisations built for cells that share their
        ``structure.*`` and ``whatif.*`` values.
        """
        label = values["structure"]
        struct = {a: v for a, v in values.items() if a.startswith("structure.")}
        shaped = {a: v for a, v in values.items() if a.startswith(("structure.", "whatif."))}
        key = (label, cell_key(shaped))
        org = cache.get(key)
        if org is None:
            org = self.build_structure(label, values, seed_for("structure", struct))
            seeds = [
                seed_for(f"whatif:{k}:{name}", shaped) for k, (name, _) in enumerate(self.whatifs)
            ]
            org = self.apply_whatifs(org, values, seeds)
            cache[key] = org
        elif hasattr(cache, "move_to_end"):
            cache.move_to_end(key)
        sc = self.with_values(values)
        return org, sc.model, sc.shock

    def build_structure(
        self, label: str, values: Mapping[str, Any], seed: SeedLike
    ) -> Organisation:
        """The organisation of structure ``label`` with ``structure.*`` values applied."""
        spec = self._specs[label]
        params = {a.split(".", 1)[1]: v for a, v in values.items() if a.startswith("structure.")}
        if isinstance(spec, Organisation):
            return spec
        if isinstance(spec, dict):
            kw = {k: v for k, v in spec.items() if k != "kind"}
            kw.update(params)
            fn = _generators()[spec["kind"]]
            if "n" in _params_of(fn) and "n" not in kw:
                raise ValueError(
                    f"structure {label!r} ({spec['kind']}) needs a head count: "
                    "give 'n' in the structure or a 'structure.n' grid axis"
                )
        else:
            fn, kw = spec, dict(params)
        if "seed" in _params_of(fn):
            kw.setdefault("seed", seed)  # a seed given in the spec or grid wins
        return fn(**kw)

    def apply_whatifs(self, org: Organisation, values: Mapping[str, Any], seeds) -> Organisation:
        """``org`` after every what-if, in order, with ``whatif.*`` values applied."""
        for (name, params), seed in zip(self.whatifs, seeds):
            fn = _whatif_function(name)
            kw = dict(params)
            prefix = f"whatif.{name}."
            kw.update({a[len(prefix) :]: v for a, v in values.items() if a.startswith(prefix)})
            if "seed" in _params_of(fn):
                kw["seed"] = seed
            org = fn(org, **kw)
            if not isinstance(org, Organisation):
                raise TypeError(
                    f"what-if {name!r} must return an Organisation, got {type(org).__name__}"
                )
        return org


class FunctionScenario:
    """A scenario given as a function of the grid values (what :func:`swarm.sweep` wraps).

    ``fn(**values)`` returns an :class:`~swarm.Organisation` (run with the
    default model and shock), a tuple ``(org, model, shock)``, or a
    :class:`Scenario` (its first structure, what-ifs, model and shock). The
    grid axes are ``fn``'s keyword names; a ``seed`` keyword, if ``fn`` takes
    one, receives a SeedSequence derived from the cell's key.

    Examples
    --------
    >>> import swarm
    >>> def make(n, seed):
    ...     return swarm.networked(n, seed=seed)
    >>> fs = FunctionScenario(make)
    >>> fs.labels
    ('make',)
    >>> fs.build({"structure": "make", "n": 50}, seed=1)[0].n
    50
    """

    def __init__(self, fn: Callable):
        if not callable(fn):
            raise TypeError(
                f"scenario must be a swarm.Scenario or a function, got {type(fn).__name__}"
            )
        self.fn = fn
        self.name = getattr(fn, "__name__", "scenario")
        self.whatifs: tuple = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.name,)

    def describe(self) -> dict:
        return {"name": self.name, "structures": {self.name: _canonical(self.fn)}}

    def check_axis(self, axis: str, value) -> None:
        if axis == "structure":
            if value != self.name:
                raise ValueError(
                    f"grid axis 'structure': a function scenario has the one "
                    f"structure {self.name!r}, got {value!r}"
                )
            return
        params = inspect.signature(self.fn).parameters
        takes_any = any(p.kind == p.VAR_KEYWORD for p in params.values())
        if axis == "seed" or not (axis in _params_of(self.fn) or takes_any):
            allowed = [p for p in _params_of(self.fn) if p != "seed"]
            raise ValueError(
                f"grid axis {axis!r}: the scenario function {self.name}() takes "
                f"no keyword {axis!r}; allowed: {', '.join(allowed) or 'none'}"
            )

    def cell_parts(self, values: Mapping[str, Any], seed_for, cache) -> tuple:
        """``(org, model, shock)`` of the sweep cell ``values`` (``cache`` is not used)."""
        return self.build(values, seed_for("build", values))

    def build(self, values: Mapping[str, Any], seed: SeedLike):
        """``(org, model, shock)`` of one cell."""
        kw = {a: v for a, v in values.items() if a != "structure"}
        if "seed" in _params_of(self.fn):
            kw["seed"] = seed
        out = self.fn(**kw)
        if isinstance(out, Scenario):
            label = out.labels[0]
            org = out.build_structure(label, {}, seed)
            org = out.apply_whatifs(org, {}, [seed] * len(out.whatifs))
            return org, out.model, out.shock
        if isinstance(out, Organisation):
            return out, Cascade(), Shock()
        if isinstance(out, tuple) and len(out) == 3 and isinstance(out[0], Organisation):
            return out
        raise TypeError(
            f"the scenario function {self.name}() must return an Organisation, "
            f"(org, model, shock) or a swarm.Scenario, got {type(out).__name__}"
        )
