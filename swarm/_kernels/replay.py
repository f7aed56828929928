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
    if times[u] <= lim and times[v] > t:
        if p >= 1.0 or _hash_uniform(key, c) < p:
            times[v] = t
            informed[v] = u
            return True
    return False


@njit(cache=True)
def _replay_one(src, dst, time, both, delay, p, key, origins, start, first, times, informed):
    """One run: ``times`` (absolute) and ``informed`` filled in place."""
    times[:] = np.inf
    informed[:] = -1
    for o in origins:
        times[o] = start
    m = time.shape[0]
    c = first
    while c < m:
        t = time[c]
        end = c + 1
        while end < m and time[end] == t:
            end += 1
        lim = t - delay
        again = True
        while again:
            again = False
            for e in range(c, end):
                if _pass(e, src[e], dst[e], t, lim, p, key, times, informed):
                    again = True
                elif both and _pass(e, dst[e], src[e], t, lim, p, key, times, informed):
                    again = True
            # with a delay (lim < t) nobody informed at t can pass it on at t
            if lim < t or end - c == 1:
                again = False
        c = end


@njit(cache=True, parallel=True)
def _replay_runs(src, dst, time, both, delay, p, keys, origins, starts, firsts, times,
                 informed):
    """Independent runs in parallel; run ``r`` starts at ``starts[r]``.

    ``origins`` (runs, size) int64, ``keys`` (runs,) uint64, ``firsts[r]``
    the first contact at or after ``starts[r]``; ``times`` (runs, n) float64
    receives arrival times relative to the start (``inf``: never),
    ``informed`` (runs, n) int32 the sender who informed each person (-1
    for origins and people never reached).
    """
    runs = keys.shape[0]
    for r in prange(runs):
        _replay_one(src, dst, time, both, delay, p, keys[r], origins[r], starts[r],
                    firsts[r], times[r], informed[r])
        times[r] -= starts[r]
