"""Memory preflight: estimate the bytes of a large allocation and refuse it up front.

Without it, ``simulate(networked(10**6), runs=1000)`` or
``compare --agents 100000000000`` fail only when numpy cannot allocate, or
swap the machine for minutes first. Each model's ``_simulate`` and each
structure generator calls one function here before it allocates; a refusal
is one line: the estimate, the memory available and how to need less.

The estimates are of the arrays that dominate (``runs x n`` float64
matrices, per-run seeds, a structure's edges), measured with
``tracemalloc`` on this code; they err on the high side by design.
"""

from __future__ import annotations

import os

__all__ = [
    "MemoryPreflightError",
    "available_bytes",
    "check_agents",
    "check_simulation",
    "preflight",
]

#: Refuse an estimate above this share of the memory available (the rest: Python,
#: numba, the organisation itself and everything else running).
SHARE = 0.8
#: Bytes per run outside the (runs, n) matrices: its SeedSequence (about 370 bytes
#: measured), origins and kernel keys.
PER_RUN = 400


class MemoryPreflightError(ValueError, MemoryError):
    """An allocation estimated to exceed the memory available; nothing was allocated.

    A ValueError (bad input: exit code 2 on the command line) and a MemoryError.
    """


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cgroup_available() -> int | None:
    """Room left under a cgroup v2 memory limit (containers, batch schedulers)."""
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as fh:
            limit = fh.read().strip()
        if limit == "max":
            return None
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as fh:
            used = int(fh.read().strip())
        return max(int(limit) - used, 0)
    except (OSError, ValueError):
        return None


def available_bytes() -> int | None:
    """Memory this process can still take: ``MemAvailable``, a cgroup limit, or free pages.

    ``None`` when the system does not say (then nothing is refused).
    """
    found = [b for b in (_meminfo_available(), _cgroup_available()) if b is not None]
    if not found:
        try:
            found = [os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")]
        except (ValueError, OSError, AttributeError):
            return None
    return min(found)


def _size(nbytes: float) -> str:
    for unit, scale in (("TiB", 2.0**40), ("GiB", 2.0**30), ("MiB", 2.0**20)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes / 1024:.3g} KiB"


def preflight(nbytes: float, what: str, reduce: str) -> None:
    """Raise :class:`MemoryPreflightError` if ``nbytes`` will not fit in memory.

    >>> preflight(1e3, "a tiny table", "nothing to reduce")
    >>> preflight(1e30, "a huge table", "ask for less")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    swarm._memory.MemoryPreflightError: a huge table needs about ... of memory, ... ask for less
    """
    avail = available_bytes()
    if avail is None or nbytes <= SHARE * avail:
        return
    raise MemoryPreflightError(
        f"{what} needs about {_size(nbytes)} of memory, but {_size(avail)} is available; {reduce}"
    )


def check_simulation(
    n: int,
    runs: int,
    *,
    per_cell: float,
    per_run: float = 0.0,
    what: str = "simulate",
    reduce: str | None = None,
) -> None:
    """Preflight ``runs`` replicates on ``n`` agents keeping ``per_cell`` bytes per run and agent.

    >>> check_simulation(100, 10, per_cell=16)
    """
    nbytes = float(runs) * (float(n) * per_cell + per_run + PER_RUN)
    preflight(
        nbytes,
        f"{what}: {runs} runs x {n} agents",
        reduce or 'use fewer runs or agents, or keep only summaries (keep="summary")',
    )


def check_agents(n: int, per_agent: float, what: str) -> None:
    """Preflight a structure of ``n`` agents that takes about ``per_agent`` bytes each.

    >>> check_agents(1000, 300, "networked")
    """
    preflight(float(n) * per_agent, f"{what} of {n} agents", "use fewer agents")
