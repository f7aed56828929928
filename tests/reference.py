"""Slow, obviously-correct references for the kernels (pure Python)."""

from __future__ import annotations

import math

import numpy as np


def next_meeting(t: float, period: float, phase: float) -> float:
    """First meeting strictly after ``t`` (meetings at phase + k * period)."""
    return phase + (math.floor((t - phase) / period) + 1) * period


def naive_cascade(indptr, indices, delays, ignored, thresh, window, origins,
                  scheduled=None):
    """The cascade model executed literally, one signal arrival at a time.

    ``indptr``/``indices``: the watch CSR (row i = agents i watches);
    ``delays[s]``/``ignored[s]``: draws of CSR entry s (inf = not passed);
    ``scheduled``: None or per-entry (period, phase) or None per entry.
    Every arrival is an event, processed in (time, entry) order; an arrival
    is reinforced when another signal reached the same agent less than
    ``window`` before it; an agent turns when it holds ``thresh[i]`` kept
    signals within the window. Returns (times, informed_by).
    """
    n = len(indptr) - 1
    watchers = [[] for _ in range(n)]  # j -> [(i, s)]
    for i in range(n):
        for s in range(indptr[i], indptr[i + 1]):
            watchers[indices[s]].append((i, s))
    times = [math.inf] * n
    informed = [-1] * n
    received: list[list[tuple[float, bool]]] = [[] for _ in range(n)]  # (time, kept)
    events: list[tuple[float, int, int]] = []

    def turn(j, t):
        times[j] = t
        for i, s in watchers[j]:
            a = t + delays[s]
            if scheduled is not None and scheduled[s] is not None and a < math.inf:
                a = next_meeting(a, *scheduled[s])
            if a < math.inf:
                events.append((a, s, i))

    for o in origins:
        if times[o] > 0:
            turn(int(o), 0.0)
    while events:
        k = min(range(len(events)), key=lambda q: (events[q][0], events[q][1]))
        a, s, i = events.pop(k)
        if times[i] < math.inf:
            continue
        reinforced = any(a - r < window for r, _ in received[i])
        kept = reinforced or not ignored[s]
        received[i].append((a, kept))
        if not kept:
            continue
        count = sum(1 for r, kp in received[i] if kp and a - r < window)
        if count >= thresh[i]:
            informed[i] = int(indices[s])
            turn(i, a)
    return np.array(times), np.array(informed)


def brute_k_nearest(points, k):
    """The k nearest other points of each point by full sort on (squared distance, index).

    Squared distances summed axis by axis as numpy's ``((a - b) ** 2).sum(axis=1)``.
    """
    points = np.asarray(points, dtype=np.float64)
    n = points.shape[0]
    idx = np.arange(n)
    out = np.empty((n, k), dtype=np.int64)
    for i in range(n):
        d2 = ((points - points[i]) ** 2).sum(axis=1)
        d2[i] = np.inf
        out[i] = np.lexsort((idx, d2))[:k]
    return out
