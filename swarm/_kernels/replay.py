"""Replay kernel: earliest arrival along time-respecting paths of real contacts.

Contacts are given sorted by time: contact ``c`` goes from ``src[c]`` to
``dst[c]`` at ``time[c]`` (both ways when ``both``). News passes along
contact ``c`` when its sender knew at ``time[c] - delay`` or earlier and the
contact's draw ``u(key, c) < p``; the receiver then knows at ``time[c]``.
One pass over the contacts after the start time gives every earliest
arrival, because a contact can only inform someone at its own time, which is
never earlier than the times already processed. Contacts at the same time
are a *group*: when ``time - delay`` equals ``time`` (no delay) news can hop
several times within a group, so a group is passed over again until nothing
changes; with a delay, a receiver informed at ``time`` cannot pass it on
before ``time + delay`` and one pass suffices.

A contact's draw is a pure function of (run key, contact index), so passes
over a group repeat the same draws and a run's result does not depend on
which thread computes it. Kernels import nothing from the package and take
arrays and scalars only.
"""

import numpy as np
from numba import njit, prange

from .rng import _hash_uniform


@njit(inline="always")
def _pass(c, u, v, t, lim, p, key, times, informed):
    """Contact ``c`` from ``u`` to ``v``: whether it informed ``v`` just now."""
    if times[u] <= lim and times[v] > t and (p >= 1.0 or _hash_uniform(key, c) < p):
        times[v] = t
        informed[v] = u
        return True
    return False


@njit(inline="always")
def _maybe(c, u, v, t, lim, p, key, times, informed):
    """Whether contact ``c`` passes from ``u`` (knowing) to ``v`` (not yet), and if so record it."""
    if p >= 1.0 or _hash_uniform(key, c) < p:
        times[v] = t
        informed[v] = u
        return True
    return False


@njit(cache=True)
def _replay_one(src, dst, time, both, delay, p, key, origins, start, first, times, informed):
    """One run: ``times`` (absolute) and ``informed`` filled in place.

    The main loop is one straight pass (the common case: nothing new, no
    branch taken); only a tie group in which someone was informed, with no
    delay, is passed over again until nothing changes.
    """
    times[:] = np.inf
    informed[:] = -1
    for o in origins:
        times[o] = start
    m = time.shape[0]
    changed = False
    for c in range(first, m):
        t = time[c]
        lim = t - delay
        u = src[c]
        v = dst[c]
        if times[u] <= lim and times[v] > t:
            changed |= _maybe(c, u, v, t, lim, p, key, times, informed)
        elif both and times[v] <= lim and times[u] > t:
            changed |= _maybe(c, v, u, t, lim, p, key, times, informed)
        if changed and (c + 1 == m or time[c + 1] != t):
            changed = False
            # with a delay (lim < t) nobody informed at t can pass it on at t
            group = c  # the first contact of this tie group
            while group > first and time[group - 1] == t:
                group -= 1
            if lim == t and group < c:
                again = True
                while again:
                    again = False
                    for e in range(group, c + 1):
                        forward = _pass(e, src[e], dst[e], t, lim, p, key, times, informed)
                        if forward or (
                            both and _pass(e, dst[e], src[e], t, lim, p, key, times, informed)
                        ):
                            again = True


@njit(cache=True, parallel=True)
def _replay_runs(src, dst, time, both, delay, p, keys, origins, starts, firsts, times, informed):
    """Independent runs in parallel; run ``r`` starts at ``starts[r]``.

    ``origins`` (runs, size) int64, ``keys`` (runs,) uint64, ``firsts[r]``
    the first contact at or after ``starts[r]``; ``times`` (runs, n) float64
    receives arrival times relative to the start (``inf``: never),
    ``informed`` (runs, n) int32 the sender who informed each person (-1
    for origins and people never reached).
    """
    runs = keys.shape[0]
    for r in prange(runs):
        _replay_one(
            src,
            dst,
            time,
            both,
            delay,
            p,
            keys[r],
            origins[r],
            starts[r],
            firsts[r],
            times[r],
            informed[r],
        )
        times[r] -= starts[r]


# ---- every person as origin at once (no delay) -------------------------------
# With no delay, the runs of ``shock="each"`` differ only in their origin, and
# the state of all of them fits in bitsets: bit ``o`` of ``known[v]`` says
# whether person ``v`` knows in the run from origin ``o``. A contact then
# informs, in every run at once, the receiver of the runs where the sender
# knew and the receiver did not (``known[u] & ~known[v]``), with the same
# single draw per contact, so each run's arrival times and informers are
# exactly those of its own pass, for a word of 64 runs per pass.

_ONE = np.uint64(1)
_ZERO = np.uint64(0)


@njit(inline="always")
def _bit_index(low):
    """Index of the single set bit of ``low`` (a power of two)."""
    b = 0
    while low > _ONE:
        low >>= _ONE
        b += 1
    return b


@njit(inline="always")
def _inform(new, v, u, t, start, base, known, times, informed):
    """Runs ``base + bit`` for the bits of ``new``: ``v`` learns from ``u`` at ``t``."""
    known[v] |= new
    while new != _ZERO:
        low = new & (~new + _ONE)
        r = base + _bit_index(low)
        times[r, v] = t - start
        informed[r, v] = u
        new ^= low


@njit(cache=True)
def _each_word(src, dst, time, both, p, key, start, first, word, n, times, informed):
    """Runs from origins ``64 word .. 64 word + 63``: rows of ``times``/``informed``."""
    base = 64 * word
    top = min(base + 64, n)
    known = np.zeros(n, dtype=np.uint64)
    for o in range(base, top):
        known[o] |= _ONE << np.uint64(o - base)
        times[o, :] = np.inf
        informed[o, :] = -1
        times[o, o] = 0.0
    m = time.shape[0]
    changed = False
    for c in range(first, m):
        t = time[c]
        u = src[c]
        v = dst[c]
        new_v = known[u] & ~known[v]
        new_u = known[v] & ~known[u] if both else _ZERO
        if (new_v | new_u) != _ZERO and (p >= 1.0 or _hash_uniform(key, c) < p):
            _inform(new_v, v, u, t, start, base, known, times, informed)
            _inform(new_u, u, v, t, start, base, known, times, informed)
            changed = True
        if changed and (c + 1 == m or time[c + 1] != t):
            changed = False
            group = c
            while group > first and time[group - 1] == t:
                group -= 1
            again = group < c
            while again:
                again = False
                for e in range(group, c + 1):
                    a = src[e]
                    b = dst[e]
                    nb = known[a] & ~known[b]
                    na = known[b] & ~known[a] if both else _ZERO
                    if (nb | na) != _ZERO and (p >= 1.0 or _hash_uniform(key, e) < p):
                        _inform(nb, b, a, t, start, base, known, times, informed)
                        _inform(na, a, b, t, start, base, known, times, informed)
                        again = True


@njit(cache=True, parallel=True)
def _replay_each(src, dst, time, both, p, key, start, first, times, informed):
    """Every person as origin, no delay: row ``o`` of ``times``/``informed`` is origin ``o``.

    Equal, run by run, to :func:`_replay_runs` with ``origins[o] = [o]``,
    ``delay = 0`` and the same key for every run. Words of 64 origins run in
    parallel.
    """
    n = times.shape[0]
    words = (n + 63) // 64
    for w in prange(words):
        _each_word(src, dst, time, both, p, key, start, first, w, n, times, informed)
