"""Structure generators: rules for who watches whom, networkx-style.

Every generator takes the head count first, then ``seed``, then keyword
options, and returns an :class:`~swarm.organisation.Organisation`. With the
defaults everyone watches about seven others, so structures are compared
with head count and attention budget held (nearly) equal; where a structure
gives some people more (a manager watches a manager and seven reports), that
is visible in ``org.describe()`` and in every comparison table.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .._checks import SeedLike, check_int, normalise_seed
from .._memory import check_agents
from ..organisation import CHANNELS, Organisation
from .neighbours import _k_nearest_grid, k_nearest, social_space

__all__ = ["hierarchy", "linking_pin", "networked", "silos"]

FORMAL = CHANNELS.index("formal")
COLLEAGUE = CHANNELS.index("colleague")


def _from_pairs(
    n: int, watcher: np.ndarray, watched: np.ndarray, channel: np.ndarray, **attrs
) -> Organisation:
    """Build an Organisation from edge arrays (no duplicates expected)."""
    key = watcher.astype(np.int64) * n + watched
    order = np.argsort(key, kind="stable")
    key = key[order]
    if key.size and np.any(key[1:] == key[:-1]):
        raise AssertionError("duplicate watch edges in a generated structure")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(watcher, minlength=n), out=indptr[1:])
    w = sp.csr_array((np.ones(key.size), key % n, indptr), shape=(n, n))
    return Organisation(w, channel=channel[order], **attrs)


def _both_ways(a, b):
    """Pairs (a, b) as two watch edges: a watches b and b watches a."""
    return np.concatenate([a, b]), np.concatenate([b, a])


def _on_rake(tree, extra, name: str) -> Organisation:
    """The rake of ``tree`` (``_tree``'s result, both ways on ``formal``) plus pairs.

    ``extra``: ``(a, b, channel)`` triples; each pair ``a[i], b[i]`` watch
    each other on ``channel``. Levels, departments and managers are the
    rake's.
    """
    parent, level, branch, names = tree
    n = parent.size
    parts = [(np.arange(1, n, dtype=np.int64), parent[1:], FORMAL), *extra]
    ways = [(*_both_ways(a, b), chan) for a, b, chan in parts]
    return _from_pairs(
        n,
        np.concatenate([w for w, _, _ in ways]),
        np.concatenate([v for _, v, _ in ways]),
        np.concatenate([np.full(w.size, chan, dtype=np.int8) for w, _, chan in ways]),
        level=level,
        department=branch,
        department_names=names,
        manager=parent,
        name=name,
    )


def _tree(n: int, span: int):
    """Complete ``span``-ary tree in breadth-first order: parent and level."""
    parent = np.full(n, -1, dtype=np.int64)
    parent[1:] = (np.arange(1, n) - 1) // span
    level = np.zeros(n, dtype=np.int64)
    first, size, depth = 1, span, 1
    while first < n:  # level d holds agents [first, first + span**d)
        level[first : first + size] = depth
        first += size
        size *= span
        depth += 1
    # department: the branch under the top (agent 0 is "top")
    branch = np.zeros(n, dtype=np.int64)
    if n > 1:
        branch[1 : min(n, span + 1)] = np.arange(1, min(n, span + 1))
        idx = np.arange(span + 1, n)
        anc = idx.copy()
        while anc.size and anc.max() > span:
            deep = anc > span
            anc[deep] = (anc[deep] - 1) // span
        branch[span + 1 :] = anc
    names = ["top"] + [f"branch {b}" for b in range(1, min(n, span + 1))]
    return parent, level, branch, names


def hierarchy(n: int, seed: SeedLike = None, *, span: int = 7, departments=None) -> Organisation:
    """The rake: a tree in which everyone watches their manager and direct reports.

    A complete ``span``-ary tree filled level by level (agent 0 at the top),
    so its depth is ``ceil(log_span(n (span - 1) + 1)) - 1``; a message from
    the shop floor climbs the chain of command and comes back down, about
    twice the depth in hops. Edges are on the ``formal`` channel.
    Departments are the branches under the top; ``level`` is the depth.

    Parameters
    ----------
    n : int
        Head count (>= 1).
    seed : ignored
        Accepted for a uniform signature; the structure is deterministic.
    span : int, default 7
        Direct reports per manager (>= 1). Managers watch ``span + 1``
        others, everyone else one.
    departments : sequence of int, optional
        Department sizes summing to ``n`` (e.g. those of a real
        organisation): each department is a rake of its own under its head
        (its first member), and the heads form a rake above them, the first
        department's head at the top. Heads then watch up to ``2 span + 1``.
        Departments are named ``dept 1``, ``dept 2``, ...

    Examples
    --------
    >>> import swarm
    >>> org = swarm.hierarchy(57, span=7)
    >>> int(org.level.max()), org.attention[:2].tolist()
    (2, [7, 8])
    >>> org = swarm.hierarchy(10, span=2, departments=[4, 3, 3])
    >>> org.manager.tolist(), org.level.tolist()
    ([-1, 0, 0, 1, 0, 4, 4, 0, 7, 7], [0, 1, 1, 2, 1, 2, 2, 1, 2, 2])
    """
    n = check_int("n", n, low=1)
    check_agents(n, 250, "hierarchy")  # bytes per agent: tracemalloc peak at span 7, rounded up
    span = check_int("span", span, low=1)
    if departments is not None:
        sizes = _department_sizes(n, departments)
        if isinstance(sizes, int):
            raise TypeError(
                f"departments of a hierarchy must be a sequence of sizes; got {departments!r}"
            )
        return _department_rakes(sizes, span)
    return _on_rake(_tree(n, span), [], "hierarchy")


def _department_rakes(sizes: list[int], span: int) -> Organisation:
    """A rake per department under its head, and a rake of the heads."""
    n = sum(sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    parent = np.full(n, -1, dtype=np.int64)
    dept = np.repeat(np.arange(len(sizes)), sizes)
    for lo, size in zip(starts.tolist(), sizes):
        local = _tree(size, span)[0]
        parent[lo + 1 : lo + size] = lo + local[1:]
    head_parent = _tree(len(sizes), span)[0]
    parent[starts[1:]] = starts[head_parent[1:]]
    level = np.zeros(n, dtype=np.int64)
    for i in range(n):  # managers come before their reports in this numbering
        if parent[i] >= 0:
            level[i] = level[parent[i]] + 1
    child = np.flatnonzero(parent >= 0)
    watcher = np.concatenate([child, parent[child]])
    watched = np.concatenate([parent[child], child])
    channel = np.full(watcher.size, FORMAL, dtype=np.int8)
    return _from_pairs(
        n,
        watcher,
        watched,
        channel,
        level=level,
        department=dept,
        department_names=_dept_names(len(sizes)),
        manager=parent,
        name="hierarchy",
    )


def linking_pin(n: int, seed: SeedLike = None, *, group_size: int = 7) -> Organisation:
    """Likert's linking-pin organisation: overlapping work groups.

    Each group is a manager and their ``group_size - 1`` reports, and
    everyone in a group watches everyone else in it. A manager is a member
    of two groups, their own and the one above (where they are one of the
    reports): the *linking pin* between levels (R. Likert, *New Patterns of
    Management*, 1961). Manager-report edges are ``formal``, peer edges
    ``colleague``. Reports watch ``group_size - 1`` others; managers twice
    that.

    Parameters
    ----------
    n : int
        Head count (>= 1).
    seed : ignored
        Accepted for a uniform signature; the structure is deterministic.
    group_size : int, default 7
        People per group, the manager included (>= 2).

    Examples
    --------
    >>> import swarm
    >>> org = swarm.linking_pin(7, group_size=7)
    >>> org.attention.tolist()
    [6, 6, 6, 6, 6, 6, 6]
    """
    n = check_int("n", n, low=1)
    check_agents(n, 720, "linking_pin")  # bytes per agent: tracemalloc peak, rounded up
    group_size = check_int("group_size", group_size, low=2)
    span = group_size - 1
    parent, level, branch, names = _tree(n, span)
    heads = np.unique(parent[1:]) if n > 1 else np.array([], dtype=np.int64)
    # members[g] = head g followed by its reports (padded with -1)
    members = np.full((heads.size, group_size), -1, dtype=np.int64)
    members[:, 0] = heads
    first_child = heads * span + 1
    for c in range(span):
        kid = first_child + c
        members[:, c + 1] = np.where(kid < n, kid, -1)
    a = np.repeat(members, group_size, axis=1).reshape(-1, group_size, group_size)
    b = np.tile(members, group_size).reshape(-1, group_size, group_size)
    valid = (a >= 0) & (b >= 0) & (a != b)
    watcher, watched = a[valid], b[valid]
    formal = (parent[watcher] == watched) | (parent[watched] == watcher)
    channel = np.where(formal, FORMAL, COLLEAGUE).astype(np.int8)
    return _from_pairs(
        n,
        watcher,
        watched,
        channel,
        level=level,
        department=branch,
        department_names=names,
        manager=parent,
        name="linking pin",
    )


def _space(n, seed, dim, departments):
    rng = np.random.default_rng(normalise_seed(seed))
    return social_space(n, rng, dim=dim, departments=departments)


def _department_sizes(n: int, departments) -> int | list[int]:
    """A department count (checked), or a list of sizes summing to ``n``."""
    if np.isscalar(departments) or isinstance(departments, bool):
        return check_int("departments", departments, low=1, high=n)
    sizes = np.asarray(departments)
    if (
        sizes.ndim != 1
        or sizes.size == 0
        or sizes.dtype.kind not in "iu"
        or sizes.min() < 1
        or sizes.sum() != n
    ):
        raise ValueError(
            f"departments must be a count or positive integer sizes summing to "
            f"n = {n}; got {list(np.asarray(departments).ravel()[:5])}"
            f"{'...' if np.size(departments) > 5 else ''}"
        )
    return [int(x) for x in sizes]


def _dept_names(departments: int) -> list[str]:
    return [f"dept {d + 1}" for d in range(departments)]


def networked(
    n: int,
    seed: SeedLike = None,
    *,
    k: int = 7,
    dim: int = 2,
    departments: int = 1,
    positions: np.ndarray | None = None,
) -> Organisation:
    """The flock: everyone watches their ``k`` nearest colleagues in social space.

    The topological rule of starlings (Ballerini et al. 2008, PNAS
    105:1232): a fixed number of nearest others, however far away, across
    department lines. Positions are uniform in the unit cube of ``dim``
    dimensions (or given); ties at the k-th distance go to the lower index.
    With local neighbourhoods the hop distance across the organisation grows
    as ``n ** (1 / dim)``. Edges are on the ``colleague`` channel.

    Parameters
    ----------
    n : int
        Head count (> k).
    seed : int, SeedSequence or None
        Seed of the positions.
    k : int, default 7
        Number of others each agent watches (1 <= k < n).
    dim : int, default 2
        Dimensions of the social space.
    departments : int, default 1
        Compact regions of social space used as department labels (the same
        regions :func:`silos` walls off for the same seed); they do not
        restrict who watches whom.
    positions : (n, d) array, optional
        Use these positions instead of drawing them (departments then all 0).

    Examples
    --------
    >>> import swarm
    >>> org = swarm.networked(100, seed=1, k=7)
    >>> set(org.attention.tolist())
    {7}
    """
    n = check_int("n", n, low=2)
    k = check_int("k", k, low=1)
    check_agents(n, 50 * (k + 1), "networked")  # tracemalloc peak 88 bytes/agent at k = 7
    if k >= n:
        raise ValueError(f"k must be smaller than n ({n}): each agent watches k others, got k={k}")
    if positions is None:
        dim = check_int("dim", dim, low=1)
        departments = check_int("departments", departments, low=1, high=n)
        pos, dept = _space(n, seed, dim, departments)
        names = _dept_names(departments)
    else:
        pos = np.asarray(positions, dtype=np.float64)
        pos = pos[:, None] if pos.ndim == 1 else pos
        if pos.shape[0] != n or not np.all(np.isfinite(pos)):
            raise ValueError(
                f"positions must be a finite (n, d) array with n = {n}, got shape {pos.shape}"
            )
        dept, names = np.zeros(n, dtype=np.int64), ["dept 1"]
    idx = np.int32 if n * k < 2**31 - 1 else np.int64  # the CSR's index type
    nbr = _k_nearest_grid(pos, k, by_index=True, dtype=idx) if 1 <= pos.shape[1] <= 3 else None
    if nbr is None:  # too clustered for a grid, or more than 3 dimensions
        nbr = np.sort(k_nearest(pos, k), axis=1).astype(idx)
    indptr = np.arange(0, n * k + 1, k, dtype=idx)
    # unit scales and one channel, each a single value stored once (a
    # zero-stride view): 9 bytes an edge the organisation need not hold
    ones = np.broadcast_to(np.float64(1.0), (n * k,))
    w = sp.csr_array((ones, nbr.reshape(-1), indptr), shape=(n, n))
    del nbr
    return Organisation(
        w,
        channel=np.broadcast_to(np.int8(COLLEAGUE), (n * k,)),
        position=pos,
        department=dept,
        department_names=names,
        name="networked",
    )


def silos(
    n: int, seed: SeedLike = None, *, departments=8, k: int = 7, dim: int = 2
) -> Organisation:
    """Silos: everyone watches their ``k`` nearest colleagues inside their own department.

    The same social space and departments as :func:`networked` with the
    same seed, but nobody looks over the department wall. Departments touch
    only through their heads (the member nearest the department's centre):
    each head also watches the ``k`` nearest other heads (all of them when
    there are at most ``k + 1`` departments), on the ``formal`` channel.
    Heads are ``level`` 0, everyone else 1.

    Parameters
    ----------
    n : int
        Head count (>= departments).
    seed : int, SeedSequence or None
        Seed of the positions.
    departments : int or sequence of int, default 8
        Number of departments, of equal size (±1); or their sizes (summing
        to ``n``), e.g. those of a real organisation.
    k : int, default 7
        Colleagues watched inside the department (fewer in a department of
        ``k`` or fewer people: then everyone else in it).
    dim : int, default 2
        Dimensions of the social space.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.silos(200, seed=1, departments=4)
    >>> int((org.level == 0).sum()), org.department_names
    (4, ('dept 1', 'dept 2', 'dept 3', 'dept 4'))
    """
    n = check_int("n", n, low=1)
    k = check_int("k", k, low=1)
    check_agents(n, 80 * (k + 1), "silos")  # tracemalloc peak 571 bytes/agent at k = 7
    sizes = _department_sizes(n, departments)
    departments = sizes if isinstance(sizes, int) else len(sizes)
    dim = check_int("dim", dim, low=1)
    pos, dept = _space(n, seed, dim, sizes)
    starts = np.searchsorted(dept, np.arange(departments + 1))
    watcher, watched, heads = [], [], np.empty(departments, dtype=np.int64)
    for d in range(departments):
        lo, hi = starts[d], starts[d + 1]
        size = hi - lo
        centre = pos[lo:hi].mean(axis=0)
        heads[d] = lo + int(np.argmin(((pos[lo:hi] - centre) ** 2).sum(axis=1)))
        kk = min(k, size - 1)
        if kk < 1:
            continue
        nbr = k_nearest(pos[lo:hi], kk) + lo
        watcher.append(np.repeat(np.arange(lo, hi), kk))
        watched.append(nbr.ravel())
    channel = [np.full(sum(w.size for w in watcher), COLLEAGUE, dtype=np.int8)]
    if departments > 1:
        kh = min(k, departments - 1)
        hn = heads[k_nearest(pos[heads], kh)]
        watcher.append(np.repeat(heads, kh))
        watched.append(hn.ravel())
        channel.append(np.full(heads.size * kh, FORMAL, dtype=np.int8))
    watcher = np.concatenate(watcher) if watcher else np.array([], dtype=np.int64)
    watched = np.concatenate(watched) if watched else np.array([], dtype=np.int64)
    channel = np.concatenate(channel)
    level = np.ones(n, dtype=np.int64)
    level[heads] = 0
    manager = heads[dept]
    manager[heads] = -1
    return _from_pairs(
        n,
        watcher,
        watched,
        channel,
        level=level,
        department=dept,
        department_names=_dept_names(departments),
        position=pos,
        manager=manager,
        name="silos",
    )
