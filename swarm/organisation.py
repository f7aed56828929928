"""The Organisation: who watches whom, and what we know about each person.

Every structure in swarm is a rule for *who watches whom*. Agent ``i``
watches the agents in row ``i`` of the sparse matrix ``watch``; a change in
any watched agent can reach ``i``. The stored value of an entry is the edge's
latency scale (1.0 unless set): a delay drawn from the model's latency law is
multiplied by it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import reverse_cuthill_mckee

from ._kernels.graph import _first_self_watch, _permute_csr, _reverse_csr

__all__ = ["CHANNELS", "Organisation", "from_networkx"]

#: Channel names; an edge's channel code indexes this tuple.
CHANNELS: tuple[str, ...] = ("formal", "colleague", "social")

_FIELDS = (
    "channel",
    "level",
    "department",
    "department_names",
    "position",
    "manager",
    "ids",
    "name",
    "time_unit",
    "absent",
)


def _frozen(a: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return None
    if _shared(a):  # one value, stored once: a view of a private copy of it
        return np.broadcast_to(np.array(a[0]), a.shape)
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


def _shared(a: np.ndarray) -> bool:
    """Whether ``a`` is one value stored once (a read-only zero-stride view, see _compact)."""
    return a.ndim == 1 and a.size > 0 and a.strides[0] == 0


def _compact(a: np.ndarray) -> np.ndarray:
    """A per-edge array whose entries are all equal, as one value stored once.

    ``np.broadcast_to`` of that value: read-only, the same shape, dtype and
    values, with stride 0. An organisation of unit scales on one channel
    then keeps no per-edge scales or channels at all (9 bytes an edge); any
    other array is returned as it is.
    """
    if a.size == 0 or _shared(a) or not np.all(a == a[0]):
        return a
    return np.broadcast_to(np.array(a[0]), a.shape)


def _channel_codes(channel, nnz: int) -> np.ndarray:
    if channel is None:
        return np.broadcast_to(np.int8(1), (nnz,))  # colleague, stored once
    if isinstance(channel, str):
        channel = [channel] * nnz
    arr = np.asarray(channel)
    if arr.shape != (nnz,):
        raise ValueError(f"channel must hold one code per edge ({nnz}), got shape {arr.shape}")
    if arr.dtype.kind in "US O".replace(" ", ""):
        lookup = {c: k for k, c in enumerate(CHANNELS)}
        bad = sorted({str(c) for c in arr.tolist()} - set(lookup))
        if bad:
            raise ValueError(f"channel must be one of {CHANNELS}; got {bad[:3]}")
        return np.array([lookup[c] for c in arr.tolist()], dtype=np.int8)
    if arr.size and (arr.min() < 0 or arr.max() >= len(CHANNELS)):
        raise ValueError(
            f"channel codes must lie in 0..{len(CHANNELS) - 1} ({CHANNELS}), "
            f"got values from {arr.min()} to {arr.max()}"
        )
    return arr.astype(np.int8, copy=False)


class Organisation:
    """An immutable organisation: a watch graph plus per-agent attributes.

    Parameters
    ----------
    watch : scipy sparse matrix or array, shape (n, n)
        Row ``i`` holds the agents that ``i`` watches; the value is the edge's
        latency scale (> 0). Converted to canonical CSR (sorted, no
        duplicates). Self-watching is not allowed.
    channel : array of int or str, optional
        Per-edge channel, aligned with the CSR entries of ``watch``: codes into
        :data:`CHANNELS` (``formal``, ``colleague``, ``social``) or their names.
        Default: ``colleague`` everywhere.
    level : array of int, optional
        Management level (0 = top). ``None`` where the structure has none.
    department : array of int, optional
        Department code per agent, indexing ``department_names``.
    department_names : sequence of str, optional
        Names of the department codes (default ``"0"``, ``"1"``, ...).
    position : array of float, shape (n, d), optional
        Position in social space, where the structure has one.
    manager : array of int, optional
        Index of each agent's formal manager, -1 for none.
    ids : sequence, optional
        The labels the user knows the agents by (default ``0..n-1``).
    name : str, optional
        A short name for tables and plots.
    time_unit : str, default "hours"
        The unit of every time reported for this organisation.
    absent : array of bool, optional
        People who are away (on leave, gone): they neither pass nor receive
        signals, so every watch edge to or from them is dropped, shocks never
        start with them and metrics leave them out. Head count ``n`` keeps
        them. At least one person must be present. See :func:`swarm.remove`.

    Notes
    -----
    Agents may be stored in a different order internally (for memory
    locality); everything public is in the order of ``ids``.

    A latency scale or channel shared by every edge is stored once:
    ``watch.data`` and ``channel`` are then read-only zero-stride views (the
    same shape, dtype and values; ``.copy()`` gives an ordinary array): 9
    bytes an edge saved, 630 MB at 10^7 people watching 7 each.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> import swarm
    >>> w = sp.csr_array(([1.0, 1.0], ([1, 2], [0, 1])), shape=(3, 3))
    >>> org = swarm.Organisation(w, name="chain")
    >>> org.n, org.attention.tolist()
    (3, [0, 1, 1])
    """

    def __init__(
        self,
        watch,
        *,
        channel=None,
        level=None,
        department=None,
        department_names: Sequence[str] | None = None,
        position=None,
        manager=None,
        ids=None,
        name: str | None = None,
        time_unit: str = "hours",
        absent=None,
        _order: np.ndarray | None = None,
    ) -> None:
        if not (sp.issparse(watch) or isinstance(watch, np.ndarray)):
            raise TypeError(
                f"watch must be a scipy sparse matrix or numpy array, got {type(watch).__name__}"
            )
        w = sp.csr_array(watch, dtype=np.float64)
        if w.ndim != 2 or w.shape[0] != w.shape[1] or w.shape[0] == 0:
            raise ValueError(
                f"watch must be a square n x n matrix with n >= 1, got shape {w.shape}"
            )
        n = w.shape[0]
        if _shared(w.data) and not w.has_canonical_format:
            w.data = np.array(w.data)  # summing duplicates writes to the data
        w.sum_duplicates()  # canonical: sorted indices, duplicates merged
        # one index dtype for both arrays, as scipy expects
        idx_dtype = np.int32 if w.nnz < 2**31 - 1 else np.int64
        w.indices = w.indices.astype(idx_dtype, copy=False)
        w.indptr = w.indptr.astype(idx_dtype, copy=False)
        nnz = w.nnz
        data = w.data
        some = data[:1] if _shared(data) else data  # one value stored once: check it once
        if nnz and not (np.all(np.isfinite(some)) and some.min() > 0):
            raise ValueError(
                "watch values are latency scales and must be finite and > 0; "
                f"got min {data.min()}, max {data.max()}"
            )
        who = int(_first_self_watch(w.indptr, w.indices))
        if who >= 0:
            raise ValueError(f"watch must not contain self-watching (agent {who} watches itself)")
        codes = _channel_codes(channel, nnz)
        absent = _absent_mask(absent, n)
        if absent is not None:  # the absent neither pass nor receive: drop their edges
            rows = np.repeat(np.arange(n), np.diff(w.indptr))
            keep = ~(absent[rows] | absent[w.indices])
            if not keep.all():
                indptr = np.zeros(n + 1, dtype=idx_dtype)
                np.cumsum(np.bincount(rows[keep], minlength=n), out=indptr[1:])
                w = sp.csr_array((data[keep], w.indices[keep], indptr), shape=(n, n))
                codes = codes[keep]
        # unit scales (or any one scale) and a single channel are stored once
        w.data = _compact(w.data)
        codes = _compact(codes)
        self._watch = w
        for a in (w.data, w.indices, w.indptr):
            a.flags.writeable = False
        self._n = n
        self._channel = _frozen(codes)
        self._absent = _frozen(absent)
        self._level = None if level is None else _frozen(self._per_agent("level", level, np.int64))
        self._department = (
            None
            if department is None
            else _frozen(self._per_agent("department", department, np.int64))
        )
        if self._department is not None:
            ndep = int(self._department.max()) + 1 if n else 0
            if self._department.min() < 0:
                raise ValueError("department codes must be >= 0")
            if department_names is None:
                department_names = [str(d) for d in range(ndep)]
            department_names = tuple(str(d) for d in department_names)
            if len(department_names) < ndep:
                raise ValueError(
                    f"department_names has {len(department_names)} names for codes up to {ndep - 1}"
                )
        elif department_names is not None:
            raise ValueError("department_names given without department")
        self._department_names = None if department_names is None else tuple(department_names)
        if position is not None:
            position = np.asarray(position, dtype=np.float64)
            if position.ndim == 1:
                position = position[:, None]
            if position.shape[0] != n or not np.all(np.isfinite(position)):
                raise ValueError(
                    f"position must be a finite (n, d) array with n = {n}, "
                    f"got shape {position.shape}"
                )
        self._position = _frozen(position)
        if manager is not None:
            manager = self._per_agent("manager", manager, np.int64)
            if manager.min() < -1 or manager.max() >= n:
                raise ValueError(f"manager must hold agent indices 0..{n - 1} or -1")
        self._manager = _frozen(manager)
        self._ids_are_range = ids is None  # index_of then needs no lookup table
        if ids is None:
            ids = np.arange(n)
            ids.flags.writeable = False  # ours alone: no frozen copy needed
        else:
            ids = np.asarray(ids)
            if ids.shape != (n,):
                raise ValueError(f"ids must hold one label per agent ({n}), got shape {ids.shape}")
            if len(set(ids.tolist())) != n:
                raise ValueError("ids must be unique")
        self._ids = ids if self._ids_are_range else _frozen(ids)
        self._name = name
        if not isinstance(time_unit, str) or not time_unit:
            raise ValueError(f"time_unit must be a non-empty string, got {time_unit!r}")
        self._time_unit = time_unit
        if _order is not None:
            _order = np.asarray(_order, dtype=np.int64)
            if _order.shape != (n,) or not np.array_equal(np.sort(_order), np.arange(n)):
                raise ValueError("_order must be a permutation of range(n)")
        self._order = _frozen(_order)
        self._sealed = True

    def _per_agent(self, what: str, values, dtype) -> np.ndarray:
        arr = np.asarray(values)
        if arr.shape != (self._n,):
            raise ValueError(
                f"{what} must hold one value per agent ({self._n}), got shape {arr.shape}"
            )
        if arr.dtype.kind not in "iu":
            raise TypeError(f"{what} must be integers, got dtype {arr.dtype}")
        return arr.astype(dtype, copy=False)  # frozen (copied) by the caller

    def __setattr__(self, key: str, value: Any) -> None:
        if not self.__dict__.get("_sealed", False):
            object.__setattr__(self, key, value)
        else:
            raise AttributeError(
                "Organisation is immutable; what-ifs return a new one (see Organisation.replace)"
            )

    # ---- public, read-only ------------------------------------------------
    n = property(lambda self: self._n, doc="Number of agents.")
    watch = property(lambda self: self._watch, doc="CSR (n x n): row i = agents i watches.")
    channel = property(lambda self: self._channel, doc="Per-edge channel codes (see CHANNELS).")
    level = property(lambda self: self._level, doc="Management level per agent (0 = top) or None.")
    department = property(lambda self: self._department, doc="Department code per agent or None.")
    department_names = property(
        lambda self: self._department_names, doc="Names of the department codes, or None."
    )
    position = property(lambda self: self._position, doc="(n, d) social-space positions or None.")
    manager = property(lambda self: self._manager, doc="Manager index per agent (-1 none) or None.")
    ids = property(lambda self: self._ids, doc="User-facing labels of the agents.")
    name = property(lambda self: self._name, doc="Short name for tables and plots.")
    time_unit = property(lambda self: self._time_unit, doc="Unit of all reported times.")
    absent = property(
        lambda self: self._absent, doc="Boolean mask of people away (see swarm.remove), or None."
    )

    @cached_property
    def present(self) -> np.ndarray:
        """Indices of the people present (everyone unless some are ``absent``)."""
        return _frozen(
            np.arange(self._n) if self._absent is None else np.flatnonzero(~self._absent)
        )

    @property
    def attention(self) -> np.ndarray:
        """How many others each agent watches (row lengths of ``watch``)."""
        return np.diff(self._watch.indptr)

    @property
    def n_edges(self) -> int:
        """Number of watch relations."""
        return int(self._watch.nnz)

    def replace(self, **changes: Any) -> Organisation:
        """A new Organisation with some fields replaced (the basis of what-ifs).

        Examples
        --------
        >>> import swarm
        >>> org = swarm.hierarchy(50)
        >>> org.replace(name="renamed").name
        'renamed'
        """
        unknown = set(changes) - set(_FIELDS) - {"watch"}
        if unknown:
            raise TypeError(
                f"replace() got unknown fields {sorted(unknown)}; "
                f"allowed: watch, {', '.join(_FIELDS)}"
            )
        kwargs = {f: getattr(self, f) for f in _FIELDS}
        kwargs["watch"] = self._watch
        order = self._order
        if "watch" in changes or "ids" in changes:
            order = None  # a new graph: the old locality order may not fit
        kwargs.update(changes)
        if "watch" in changes and "channel" not in changes and changes["watch"] is not self._watch:
            kwargs["channel"] = None
        return Organisation(kwargs.pop("watch"), _order=order, **kwargs)

    def index_of(self, labels) -> np.ndarray:
        """Positions of agents given by their user-facing ``ids``.

        Raises ValueError naming the first label that is not in the organisation.
        """
        out = np.empty(len(labels), dtype=np.int64)
        for k, lab in enumerate(labels):
            key = lab.item() if isinstance(lab, np.generic) else lab
            at = self._find(key)
            if at < 0:
                raise ValueError(
                    f"agent id {lab!r} is not in this organisation of {self._n} agents"
                )
            out[k] = at
        return out

    def _find(self, key) -> int:
        """Position of the id equal to ``key`` (as a dict of the ids would match it), or -1.

        Integer ids are searched in a sorted copy (or not at all when they are
        ``0..n-1``): a dict of 10^7 ids would take about a gigabyte.
        """
        if self._ids.dtype.kind not in "iu" or not isinstance(key, (numbers.Integral, float)):
            return self._id_lookup.get(key, -1)
        if isinstance(key, float):
            if not key.is_integer():
                return -1  # not a whole number (or nan, inf): equal to no integer id
            key = int(key)
        key = int(key)
        if self._ids_are_range:
            return key if 0 <= key < self._n else -1
        sorted_ids, perm = self._id_sorted
        if not int(sorted_ids[0]) <= key <= int(sorted_ids[-1]):
            return -1
        at = int(np.searchsorted(sorted_ids, key))
        return int(perm[at]) if sorted_ids[at] == key else -1

    @cached_property
    def _id_sorted(self) -> tuple[np.ndarray, np.ndarray]:
        perm = np.argsort(self._ids, kind="stable")
        return self._ids[perm], perm

    @cached_property
    def _watchers(self):
        """``watch`` in CSC form: column ``j`` lists the agents who watch ``j``."""
        return self._watch.tocsc()

    @cached_property
    def _id_lookup(self) -> dict:
        return {lab: k for k, lab in enumerate(self._ids.tolist())}

    def describe(self) -> dict[str, Any]:
        """Head count, edges, attention (mean and max watched), levels, departments."""
        att = self.attention
        return {
            "name": self._name,
            "agents": self._n,
            "edges": self.n_edges,
            "watched_mean": float(att.mean()),
            "watched_max": int(att.max()),
            "levels": None if self._level is None else int(self._level.max()) + 1,
            "departments": None if self._department_names is None else len(self._department_names),
            "absent": 0 if self._absent is None else int(self._absent.sum()),
        }

    def __repr__(self) -> str:
        d = self.describe()
        extra = "".join(f", {k}={d[k]}" for k in ("levels", "departments", "absent") if d[k])
        return (
            f"Organisation(name={self._name!r}, n={self._n}, edges={d['edges']}, "
            f"watched mean {d['watched_mean']:.2f} max {d['watched_max']}{extra})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Organisation):
            return NotImplemented
        if self._n != other._n:
            return False
        a, b = self._watch, other._watch
        if not (
            np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices)
            and _equal_values(a.data, b.data)
        ):
            return False
        for f in ("channel", "level", "department", "position", "manager", "ids", "absent"):
            x, y = getattr(self, f), getattr(other, f)
            if (x is None) != (y is None) or (x is not None and not np.array_equal(x, y)):
                return False
        return (
            self._department_names == other._department_names
            and self._time_unit == other._time_unit
        )

    __hash__ = None  # mutable-free but array-backed: compare with ==, do not hash

    # ---- conversion ---------------------------------------------------------
    def to_networkx(self):
        """A ``networkx.DiGraph`` with an edge u -> v whenever v watches u.

        Edges carry ``latency`` (the scale) and ``channel`` (its name); nodes
        are the ``ids`` and carry ``level``, ``department`` and ``pos`` where
        known.

        Examples
        --------
        >>> import swarm
        >>> g = swarm.hierarchy(8, span=7).to_networkx()
        >>> g.number_of_nodes(), g.has_edge(0, 1), g.has_edge(1, 0)
        (8, True, True)
        """
        import networkx as nx

        g = nx.DiGraph(name=self._name or "")
        ids = self._ids.tolist()
        for k, lab in enumerate(ids):
            attrs = {}
            if self._level is not None:
                attrs["level"] = int(self._level[k])
            if self._department is not None:
                attrs["department"] = self._department_names[self._department[k]]
            if self._position is not None:
                attrs["pos"] = tuple(self._position[k].tolist())
            g.add_node(lab, **attrs)
        w = self._watch
        rows = np.repeat(np.arange(self._n), np.diff(w.indptr))
        for watcher, watched, scale, ch in zip(
            rows.tolist(), w.indices.tolist(), w.data.tolist(), self._channel.tolist()
        ):
            g.add_edge(ids[watched], ids[watcher], latency=scale, channel=CHANNELS[ch])
        return g

    # ---- what the kernels need (internal order, cached) --------------------
    @cached_property
    def _kernel(self) -> Mapping[str, np.ndarray]:
        """The graph in kernel numbering, both directions, with edge maps.

        ``order[q]`` is the public index of kernel agent ``q`` (None: the
        same). In-edges are the watch rows (the receiver's view), out-edges
        their reverse (the sender's view), with each out-edge's slot in the
        in-edges so a signal can be filed under its receiver.
        """
        w, order = self._watch, self._order
        in_ptr = w.indptr.astype(np.int64)  # kernels take int64 offsets, int32 agents
        in_idx = w.indices.astype(np.int32, copy=False)
        scale, chan = w.data, self._channel
        m = in_idx.shape[0]
        inverse = None
        if order is not None:
            inverse = np.argsort(order)
            in_ptr, in_idx, edge = _permute_csr(in_ptr, in_idx, order, inverse)
            scale = scale if _shared(scale) else scale[edge]
            chan = chan if _shared(chan) else chan[edge]
            del edge
        # int32 slots while the edges fit (half the bytes); the kernels take either
        out_slot = np.empty(m, dtype=np.int32 if m < 2**31 - 1 else np.int64)
        out_ptr, out_idx = _reverse_csr(in_ptr, in_idx, out_slot)
        unit_scale = (
            bool(np.all(scale[:1] == 1.0)) if _shared(scale) else bool(np.all(scale == 1.0))
        )
        # "out_scale" and "out_chan" always have one entry per out-edge; a unit
        # scale or a single channel is one value stored once (kernel_args then
        # passes empty arrays: the kernel never reads them)
        out_scale = np.broadcast_to(np.float64(1.0), (m,)) if unit_scale else scale[out_slot]
        out_chan = chan if _shared(chan) else chan[out_slot]
        if _shared(chan):
            used = [int(chan[0])]
        else:  # one pass per channel: a bincount would first widen every code to 8 bytes
            used = [c for c in range(len(CHANNELS)) if np.any(chan == c)]
        return {
            "order": order,
            "inverse": inverse,
            "in_ptr": in_ptr,
            "in_idx": in_idx,
            "out_ptr": out_ptr,
            "out_idx": out_idx,
            "out_scale": out_scale,
            "out_chan": out_chan,
            "out_slot": out_slot,
            "unit_scale": unit_scale,
            "channels_used": frozenset(used),
        }


def _equal_values(x: np.ndarray, y: np.ndarray) -> bool:
    """``np.array_equal`` for per-edge arrays, a value stored once compared once."""
    if x.shape == y.shape and _shared(x) and _shared(y):
        return bool(x[0] == y[0])
    return np.array_equal(x, y)


def _absent_mask(absent, n: int) -> np.ndarray | None:
    """A validated boolean mask, or None when nobody is absent."""
    if absent is None:
        return None
    arr = np.asarray(absent)
    if arr.shape != (n,) or arr.dtype != bool:
        raise ValueError(
            f"absent must be a boolean mask with one entry per agent ({n}), "
            f"got dtype {arr.dtype} and shape {arr.shape}"
        )
    if arr.all():
        raise ValueError(f"absent must leave at least one person present; all {n} are marked")
    return arr.copy() if arr.any() else None


def locality_order(watch) -> np.ndarray | None:
    """A reverse Cuthill-McKee order of the symmetrised graph, or None if small.

    Agents that watch each other end up close in memory, which is what the
    kernels' gathers need; the public order is not touched.
    """
    n = watch.shape[0]
    if n < 4096:
        return None
    sym = (watch + watch.T).tocsr()
    return np.asarray(reverse_cuthill_mckee(sym, symmetric_mode=True), dtype=np.int64)


def from_networkx(
    G,
    *,
    latency: str = "latency",
    channel: str = "channel",
    name: str | None = None,
    time_unit: str = "hours",
) -> Organisation:
    """An Organisation from any networkx graph.

    A directed edge ``u -> v`` means *v watches u* (information flows along
    the edge); an undirected edge means both watch each other. The edge
    attribute ``latency`` (if present) sets the latency scale, ``channel``
    its channel name. Node attributes ``department``, ``level`` and ``pos``
    are kept when every node has them. Node labels become ``ids``.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    latency, channel : str
        Edge attribute names to read.
    name : str, optional
    time_unit : str, default "hours"

    Examples
    --------
    >>> import networkx as nx, swarm
    >>> org = swarm.from_networkx(nx.path_graph(4))
    >>> org.n, org.n_edges
    (4, 6)
    """
    import networkx as nx

    if not isinstance(G, nx.Graph):
        raise TypeError(f"G must be a networkx graph, got {type(G).__name__}")
    if G.is_multigraph():
        raise ValueError("G must not be a multigraph; collapse parallel edges first")
    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        raise ValueError("G must have at least one node")
    pos = {u: k for k, u in enumerate(nodes)}
    watchers, watched, scales, chans = [], [], [], []
    directed = G.is_directed()
    for u, v, data in G.edges(data=True):
        if u == v:
            continue  # watching yourself carries no news
        s = float(data.get(latency, 1.0))
        c = data.get(channel, "colleague")
        pairs = [(pos[u], pos[v])] if directed else [(pos[u], pos[v]), (pos[v], pos[u])]
        for a, b in pairs:  # information a -> b: b watches a
            watchers.append(b)
            watched.append(a)
            scales.append(s)
            chans.append(c)
    w = sp.csr_array(
        (
            np.array(scales, dtype=np.float64),
            (np.array(watchers, dtype=np.int64), np.array(watched, dtype=np.int64)),
        ),
        shape=(n, n),
    )
    # keep the channel aligned with the canonical CSR entries
    key = np.array(watchers, dtype=np.int64) * n + np.array(watched, dtype=np.int64)
    order = np.argsort(key, kind="stable")
    chan_sorted = np.array(chans, dtype=object)[order] if chans else np.array([], dtype=object)
    attrs: dict[str, Any] = {}
    node_data = [G.nodes[u] for u in nodes]
    if all("department" in d for d in node_data):
        names = sorted({str(d["department"]) for d in node_data})
        code = {nm: k for k, nm in enumerate(names)}
        attrs["department"] = np.array([code[str(d["department"])] for d in node_data])
        attrs["department_names"] = names
    if all("level" in d for d in node_data):
        attrs["level"] = np.array(
            [_whole_level(u, d["level"]) for u, d in zip(nodes, node_data)], dtype=np.int64
        )
    if all("pos" in d for d in node_data):
        attrs["position"] = np.array([d["pos"] for d in node_data], dtype=np.float64)
    ids = np.empty(n, dtype=object)
    ids[:] = nodes
    if all(isinstance(u, (int, np.integer)) for u in nodes):
        ids = np.array(nodes, dtype=np.int64)
    return Organisation(
        w,
        channel=chan_sorted if len(chan_sorted) else None,
        ids=ids,
        name=name or (G.name or None),
        time_unit=time_unit,
        _order=locality_order(w),
        **attrs,
    )


def _whole_level(node, value) -> int:
    """A node's ``level`` as an int: 3 or 3.0 is level 3, 2.9 is refused (never truncated)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"node {node!r}: level must be a whole number, got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if not (math.isfinite(value) and float(value).is_integer()):
        raise ValueError(f"node {node!r}: level must be a whole number (0 = top), got {value!r}")
    return int(value)
