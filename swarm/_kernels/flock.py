"""Flock kernels: neighbour selection from reusable candidate lists, and one step.

Birds live in memory slots ``0..n-1`` (kept in spatial order by the caller);
``ids[slot]`` is a bird's identity, which keys its noise, so reordering the
slots never changes a bird's random numbers.

Neighbour lists are Verlet lists with a proof of validity. At a rebuild the
caller stores, per bird, a candidate list (CSR ``cand_ptr``/``cand_idx``) and
the positions ``ref``. Since then bird ``i`` has moved by ``D_i``; for any
common vector ``c`` (we use the mean of ``D``) every pair distance changed by
at most ``|D_i - c| + |D_j - c| <= 2 delta``, ``delta = max_i |D_i - c|``.

- topological (k nearest): the candidates of ``i`` are its ``k + m`` nearest
  at the rebuild and every other bird was at least ``bound[i]`` (the largest
  candidate distance) away. If the k-th smallest *current* candidate distance
  is below ``bound[i] - 2 delta``, every non-candidate is now farther than it,
  so the k nearest candidates are the k nearest birds.
- metric (all within ``radius``): the candidates are all birds within
  ``radius + skin`` at the rebuild; while ``2 delta <= skin`` no other bird
  can have come within ``radius``.

A bird whose proof fails is flagged; the caller then re-queries it (or
everyone). A bird re-queried later has its own reference: the positions of
that moment form a new generation ``g``, bird ``i`` belongs to ``gen[i]`` and
its test uses ``deltas[gen[i]]``, the shift measured from that generation's
positions. Steps are double-buffered: step ``t + 1`` reads only step-``t``
arrays.

Kernels import nothing from the package except other kernels.
"""

import math

import numpy as np
from numba import njit, prange

from .alignment import _agent_normals, _turn


@njit(cache=True)
def _max_shift(pos, ref):
    """``delta = max_i |(pos_i - ref_i) - mean_j (pos_j - ref_j)|``."""
    n = pos.shape[0]
    cx = 0.0
    cy = 0.0
    cz = 0.0
    for i in range(n):
        cx += pos[i, 0] - ref[i, 0]
        cy += pos[i, 1] - ref[i, 1]
        cz += pos[i, 2] - ref[i, 2]
    cx /= n
    cy /= n
    cz /= n
    worst = 0.0
    for i in range(n):
        dx = pos[i, 0] - ref[i, 0] - cx
        dy = pos[i, 1] - ref[i, 1] - cy
        dz = pos[i, 2] - ref[i, 2] - cz
        d = dx * dx + dy * dy + dz * dz
        if d > worst:
            worst = d
    return math.sqrt(worst)


@njit(cache=True, parallel=True)
def _select_nearest(pos, cand_ptr, cand_idx, bound, k, deltas, gen, nb_idx, nb_cnt, work):
    """The k nearest candidates of every bird, by (distance, slot); returns failure flags.

    Writes bird ``i``'s neighbours, nearest first, to
    ``nb_idx[cand_ptr[i]:cand_ptr[i] + k]`` and ``nb_cnt[i] = k``. ``work``
    is scratch of at least ``len(cand_idx)`` floats.
    """
    n = pos.shape[0]
    bad = np.zeros(n, dtype=np.int64)
    for i in prange(n):
        lo = cand_ptr[i]
        hi = cand_ptr[i + 1]
        m = hi - lo
        d2 = work[lo:hi]
        order = nb_idx[lo:hi]  # positions within the row, replaced by slots below
        for e in range(m):
            j = cand_idx[lo + e]
            dx = pos[j, 0] - pos[i, 0]
            dy = pos[j, 1] - pos[i, 1]
            dz = pos[j, 2] - pos[i, 2]
            d2[e] = dx * dx + dy * dy + dz * dz
            order[e] = e
        # insertion sort by (distance, slot): lists are short (k + m)
        for a in range(1, m):
            e = order[a]
            b = a - 1
            while b >= 0 and (
                d2[order[b]] > d2[e]
                or (d2[order[b]] == d2[e] and cand_idx[lo + order[b]] > cand_idx[lo + e])
            ):
                order[b + 1] = order[b]
                b -= 1
            order[b + 1] = e
        kth = d2[order[k - 1]]
        for a in range(k):
            nb_idx[lo + a] = cand_idx[lo + order[a]]
        nb_cnt[i] = k
        if not math.sqrt(kth) < bound[i] - 2.0 * deltas[gen[i]]:
            bad[i] = 1
    return bad


@njit(cache=True, parallel=True)
def _select_within(pos, cand_ptr, cand_idx, radius, nb_idx, nb_cnt):
    """All candidates within ``radius`` (candidate order kept: by slot)."""
    n = pos.shape[0]
    r2 = radius * radius
    for i in prange(n):
        c = 0
        lo = cand_ptr[i]
        for e in range(lo, cand_ptr[i + 1]):
            j = cand_idx[e]
            dx = pos[j, 0] - pos[i, 0]
            dy = pos[j, 1] - pos[i, 1]
            dz = pos[j, 2] - pos[i, 2]
            if dx * dx + dy * dy + dz * dz <= r2:
                nb_idx[lo + c] = j
                c += 1
        nb_cnt[i] = c


@njit(inline="always")
def _pair_force(r, spacing):
    """Cohesion pull along the unit vector to a neighbour at distance ``r``.

    Piecewise linear: -1 (repulsion) at contact, 0 at ``spacing``, +1
    (attraction) from ``2 * spacing`` on.
    """
    f = (r - spacing) / spacing
    return 1.0 if f > 1.0 else f


@njit(cache=True, parallel=True)
def _flock_step(
    pos,
    h,
    s,
    pos_new,
    h_new,
    s_new,
    nb_ptr,
    nb_idx,
    nb_cnt,
    held,
    ids,
    coupling,
    cohesion,
    spacing,
    noise_sd,
    inertia,
    friction,
    speed,
    dt,
    a,
    b,
    key,
    t,
    n_ids,
    time0,
    track,
    u_old,
    e2,
    half,
    times,
    peak,
):
    """Move every bird one step (step ``t`` -> ``t + 1``), double-buffered.

    Social force on bird ``i`` from its neighbours ``W(i)`` (``nb_cnt[i]`` of
    them, from ``nb_idx[nb_ptr[i]]``)::

        F_i = J mean_j h_j + beta mean_j f(r_ij) (x_j - x_i) / r_ij

    torque impulse ``tau = dt h_i x F_i + noise_sd h_i x xi`` (``xi`` three
    normals keyed by ``(key, t, ids[i])``); then exactly the alignment
    kernel's update: spin ``s' = a s + b tau`` projected perpendicular to
    ``h`` and rotation by ``s' dt / chi`` (inertial spin model), or rotation
    by ``tau / eta`` (overdamped, ``inertia == 0``). Held birds keep their
    heading with no spin. Every bird then moves ``speed * dt`` along its new
    heading.

    With ``track``: ``phi`` is the angle of the heading towards ``e2`` in the
    plane of ``u_old`` and ``e2``; ``peak[i]`` keeps its largest value and
    ``times[i]`` the first time it reaches ``half`` (linear in ``phi``
    between steps; ``time0`` is the time of step ``t``).
    """
    n = pos.shape[0]
    for i in prange(n):
        hx = h[i, 0]
        hy = h[i, 1]
        hz = h[i, 2]
        if held[i]:
            s_new[i, 0] = 0.0
            s_new[i, 1] = 0.0
            s_new[i, 2] = 0.0
        else:
            lo = nb_ptr[i]
            cnt = nb_cnt[i]
            fx = 0.0
            fy = 0.0
            fz = 0.0
            gx = 0.0
            gy = 0.0
            gz = 0.0
            for e in range(lo, lo + cnt):
                j = nb_idx[e]
                fx += h[j, 0]
                fy += h[j, 1]
                fz += h[j, 2]
                if cohesion > 0.0:
                    dx = pos[j, 0] - pos[i, 0]
                    dy = pos[j, 1] - pos[i, 1]
                    dz = pos[j, 2] - pos[i, 2]
                    r = math.sqrt(dx * dx + dy * dy + dz * dz)
                    if r > 0.0:
                        w = _pair_force(r, spacing) / r
                        gx += w * dx
                        gy += w * dy
                        gz += w * dz
            if cnt > 0:
                wa = coupling * dt / cnt
                wc = cohesion * dt / cnt
                fx = wa * fx + wc * gx
                fy = wa * fy + wc * gy
                fz = wa * fz + wc * gz
            tx = hy * fz - hz * fy
            ty = hz * fx - hx * fz
            tz = hx * fy - hy * fx
            if noise_sd > 0.0:
                ex, ey, ez = _agent_normals(key, t, n_ids, ids[i], 3)
                tx += noise_sd * (hy * ez - hz * ey)
                ty += noise_sd * (hz * ex - hx * ez)
                tz += noise_sd * (hx * ey - hy * ex)
            hx, hy, hz, px, py, pz = _turn(
                hx, hy, hz, tx, ty, tz, s[i, 0], s[i, 1], s[i, 2], a, b, inertia, friction, dt
            )
            s_new[i, 0] = px
            s_new[i, 1] = py
            s_new[i, 2] = pz
        h_new[i, 0] = hx
        h_new[i, 1] = hy
        h_new[i, 2] = hz
        step = speed * dt
        pos_new[i, 0] = pos[i, 0] + step * hx
        pos_new[i, 1] = pos[i, 1] + step * hy
        pos_new[i, 2] = pos[i, 2] + step * hz
        if track:
            phi = math.atan2(
                hx * e2[0] + hy * e2[1] + hz * e2[2], hx * u_old[0] + hy * u_old[1] + hz * u_old[2]
            )
            if phi > peak[i]:
                peak[i] = phi
            if phi >= half and times[i] == np.inf:
                p0 = math.atan2(
                    h[i, 0] * e2[0] + h[i, 1] * e2[1] + h[i, 2] * e2[2],
                    h[i, 0] * u_old[0] + h[i, 1] * u_old[1] + h[i, 2] * u_old[2],
                )
                frac = 1.0 if phi == p0 else (half - p0) / (phi - p0)
                times[i] = time0 + min(max(frac, 0.0), 1.0) * dt


@njit(cache=True)
def _polarisation(h):
    """``|mean heading|``, summed in slot order."""
    sx = 0.0
    sy = 0.0
    sz = 0.0
    for i in range(h.shape[0]):
        sx += h[i, 0]
        sy += h[i, 1]
        sz += h[i, 2]
    return math.sqrt(sx * sx + sy * sy + sz * sz) / h.shape[0]
