"""Stepped alignment kernel: headings that align to their watched neighbours.

State per agent: a unit heading ``h`` and (with inertia) a spin ``s``
perpendicular to it, both stored as 3-vectors (in 2D the z component of
``h`` and the x, y components of ``s`` stay exactly zero). One step maps the
state at step ``t`` (buffers ``h``, ``s``) to step ``t + 1`` (buffers
``h_new``, ``s_new``) using only step-``t`` values: double-buffered.

For agent ``i`` with ``k`` watched agents, the torque impulse over one step is

    tau = J * (h_i x mean_j h_j) * dt + noise * sqrt(dt) * (h_i x xi_i)

(2D: ``tau_z = J * mean_j sin(phi_j - phi_i) * dt + noise * sqrt(dt) * xi``).
With inertia ``chi > 0`` (inertial spin model) the spin takes the impulse
through an exponential integrator of the friction ``gamma = eta / chi``,

    s' = a * s + b * tau,   a = exp(-gamma dt),  b = (1 - a) / (gamma dt)

(``b = 1`` without friction), and the heading rotates about ``s'`` by the
angle ``|s'| dt / chi``. Without inertia (overdamped) it rotates by the
rotation vector ``tau / eta``; the ``chi -> 0`` limit of the inertial step
is exactly this step. Rotations use Rodrigues' formula and headings are
renormalised, so they stay unit vectors.

Noise is counter-based: the normals of agent ``i`` at step ``t`` are a pure
function of (replicate key, t, i) (SplitMix64 hashes, inverted), so agents
can be stepped in any order or in parallel and every thread count gives the
same bits. Replicates run in parallel (``_alignment_runs``); a single large
replicate runs its agents in parallel instead (``_alignment_run_agents``).

Kernels import nothing from the package and take arrays and scalars only.
"""

import math
import types

import numpy as np
from numba import njit, prange

from .rng import _TO_UNIT, _U11, _hash_u64


@njit(inline="always")
def _ndtri(p):
    """The standard normal quantile of ``p`` in (0, 1): Wichura's AS 241 (PPND16).

    M. J. Wichura, "The percentage points of the normal distribution",
    Appl. Statist. 37 (1988) 477-484; relative error about 1e-16. In the
    central 85 % it is one rational function, with no log, sqrt or cosine,
    which makes it several times cheaper than Box-Muller.
    """
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return (
            q
            * (
                (
                    (
                        (
                            (
                                (
                                    (2509.0809287301226727 * r + 33430.575583588128105) * r
                                    + 67265.770927008700853
                                )
                                * r
                                + 45921.953931549871457
                            )
                            * r
                            + 13731.693765509461125
                        )
                        * r
                        + 1971.5909503065514427
                    )
                    * r
                    + 133.14166789178437745
                )
                * r
                + 3.387132872796366608
            )
            / (
                (
                    (
                        (
                            (
                                (
                                    (5226.495278852854561 * r + 28729.085735721942674) * r
                                    + 39307.89580009271061
                                )
                                * r
                                + 21213.794301586595867
                            )
                            * r
                            + 5394.1960214247511077
                        )
                        * r
                        + 687.1870074920579083
                    )
                    * r
                    + 42.313330701600911252
                )
                * r
                + 1.0
            )
        )
    r = math.sqrt(-math.log(p if q < 0.0 else 1.0 - p))
    if r <= 5.0:
        r -= 1.6
        x = (
            (
                (
                    (
                        (
                            (
                                (7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
                                + 0.24178072517745061177
                            )
                            * r
                            + 1.27045825245236838258
                        )
                        * r
                        + 3.64784832476320460504
                    )
                    * r
                    + 5.7694972214606914055
                )
                * r
                + 4.6303378461565452959
            )
            * r
            + 1.42343711074968357734
        ) / (
            (
                (
                    (
                        (
                            (
                                (1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
                                + 0.0151986665636164571966
                            )
                            * r
                            + 0.14810397642748007459
                        )
                        * r
                        + 0.68976733498510000455
                    )
                    * r
                    + 1.6763848301838038494
                )
                * r
                + 2.05319162663775882187
            )
            * r
            + 1.0
        )
    else:
        r -= 5.0
        x = (
            (
                (
                    (
                        (
                            (
                                (2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                                + 0.0012426609473880784386
                            )
                            * r
                            + 0.026532189526576123093
                        )
                        * r
                        + 0.29656057182850489123
                    )
                    * r
                    + 1.7848265399172913358
                )
                * r
                + 5.4637849111641143699
            )
            * r
            + 6.6579046435011037772
        ) / (
            (
                (
                    (
                        (
                            (
                                (2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
                                + 1.8463183175100546818e-5
                            )
                            * r
                            + 7.868691311456132591e-4
                        )
                        * r
                        + 0.0148753612908506148525
                    )
                    * r
                    + 0.13692988092273580531
                )
                * r
                + 0.59983220655588793769
            )
            * r
            + 1.0
        )
    return -x if q < 0.0 else x


@njit(inline="always")
def _open_uniform(key, counter):
    """A double in (0, 1): 53 hashed bits, centred in their interval."""
    return (float(_hash_u64(key, counter) >> _U11) + 0.5) * _TO_UNIT


@njit(inline="always")
def _agent_normals(key, t, n, i, dim):
    """Three standard normals for agent ``i`` at step ``t`` (2D: only the first is used).

    Inversion of one hashed uniform each, counters ``3 (t n + i) + c``.
    """
    base = (np.uint64(t) * np.uint64(n) + np.uint64(i)) * np.uint64(3)
    x0 = _ndtri(_open_uniform(key, base))
    if dim == 2:
        return x0, 0.0, 0.0
    return (
        x0,
        _ndtri(_open_uniform(key, base + np.uint64(1))),
        _ndtri(_open_uniform(key, base + np.uint64(2))),
    )


@njit(cache=True)
def _draw_normals(key, t, n, dim):
    """All agents' normals at step ``t`` as an (n, 3) array (for references and tests)."""
    xi = np.zeros((n, 3))
    for i in range(n):
        x0, x1, x2 = _agent_normals(key, t, n, i, dim)
        xi[i, 0] = x0
        xi[i, 1] = x1
        xi[i, 2] = x2
    return xi


@njit(inline="always")
def _turn(hx, hy, hz, tx, ty, tz, sx, sy, sz, a, b, inertia, friction, dt):
    """Turn heading ``h`` under the torque impulse ``t``: (new heading, new spin).

    Inertial spin (``inertia > 0``): the spin relaxes, ``s' = a s + b t``,
    kept perpendicular to ``h``, and ``h`` rotates by ``s' dt / inertia``;
    overdamped: ``h`` rotates by ``t / friction`` and the spin is 0. The
    rotation is Rodrigues' formula, then renormalised. Scalars in and out,
    shared by the alignment and flock kernels.
    """
    if inertia > 0.0:
        px = a * sx + b * tx
        py = a * sy + b * ty
        pz = a * sz + b * tz
        d = px * hx + py * hy + pz * hz  # keep the spin perpendicular to h
        px -= d * hx
        py -= d * hy
        pz -= d * hz
        r = dt / inertia
        wx = px * r
        wy = py * r
        wz = pz * r
    else:
        px = 0.0
        py = 0.0
        pz = 0.0
        wx = tx / friction
        wy = ty / friction
        wz = tz / friction
    ang = math.sqrt(wx * wx + wy * wy + wz * wz)
    if ang > 0.0:
        ux = wx / ang
        uy = wy / ang
        uz = wz / ang
        c = math.cos(ang)
        sn = math.sin(ang)
        ud = (ux * hx + uy * hy + uz * hz) * (1.0 - c)
        nx = hx * c + (uy * hz - uz * hy) * sn + ux * ud
        ny = hy * c + (uz * hx - ux * hz) * sn + uy * ud
        nz = hz * c + (ux * hy - uy * hx) * sn + uz * ud
        norm = 1.0 / math.sqrt(nx * nx + ny * ny + nz * nz)
        hx = nx * norm
        hy = ny * norm
        hz = nz * norm
    return hx, hy, hz, px, py, pz


def _step(
    in_ptr,
    in_idx,
    h,
    s,
    h_new,
    s_new,
    held,
    dim,
    coupling,
    noise_sd,
    inertia,
    friction,
    dt,
    a,
    b,
    key,
    t,
    cut,
    times,
    min_dot,
):
    """One double-buffered step of every agent (step ``t`` -> ``t + 1``).

    ``noise_sd`` is ``noise * sqrt(dt)``; agent ``i``'s noise is
    ``_agent_normals(key, t, n, i, dim)``. Agents with ``held`` set keep their
    heading and have no spin. ``times[i]`` gets the first time the cosine of
    agent ``i``'s turn drops below ``cut`` (linear interpolation of the cosine
    between steps), ``min_dot[i]`` the smallest cosine so far (headings start
    along x, so the cosine is the x component).
    """
    for i in prange(h.shape[0]):
        if held[i]:
            h_new[i, 0] = h[i, 0]
            h_new[i, 1] = h[i, 1]
            h_new[i, 2] = h[i, 2]
            s_new[i, 0] = 0.0
            s_new[i, 1] = 0.0
            s_new[i, 2] = 0.0
            continue
        hx = h[i, 0]
        hy = h[i, 1]
        hz = h[i, 2]
        lo = in_ptr[i]
        hi = in_ptr[i + 1]
        fx = 0.0
        fy = 0.0
        fz = 0.0
        for e in range(lo, hi):
            j = in_idx[e]
            fx += h[j, 0]
            fy += h[j, 1]
            fz += h[j, 2]
        if hi > lo:
            w = coupling * dt / (hi - lo)
            fx *= w
            fy *= w
            fz *= w
        # torque impulse h x F (+ noise)
        tx = hy * fz - hz * fy
        ty = hz * fx - hx * fz
        tz = hx * fy - hy * fx
        if noise_sd > 0.0:
            ex, ey, ez = _agent_normals(key, t, h.shape[0], i, dim)
            if dim == 2:
                tz += noise_sd * ex
            else:
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
        d_new = hx
        if d_new < min_dot[i]:
            min_dot[i] = d_new
            if d_new < cut and times[i] == np.inf:
                d_old = h[i, 0]  # >= cut: the crossing lies in (t, t + 1]
                times[i] = (t + (d_old - cut) / (d_old - d_new)) * dt


# One source, two compilations: numba runs ``prange`` as ``range`` without
# parallel=True. The serial step runs inside the parallel loop over replicates;
# the parallel one steps the agents of a single large replicate. (Writing the
# body as an inlined helper instead costs 2-3x in the serial loop.) The copy
# gets its own name so numba's on-disk cache keeps the two apart.
_align_step = njit(cache=True)(_step)
_agents_copy = types.FunctionType(_step.__code__, _step.__globals__, "_step_agents")
_agents_copy.__qualname__ = "_step_agents"
_agents_copy.__doc__ = _step.__doc__
_step_agents = njit(cache=True, parallel=True)(_agents_copy)


@njit(inline="always")
def _polarisation(h, absent):
    """``|mean heading|`` of the agents present; ``h`` is (n, 2) or (n, 3).

    Summed in agent order, so the bits are the same for any thread count.
    """
    sx = 0.0
    sy = 0.0
    sz = 0.0
    count = 0
    check = absent.shape[0] > 0
    three = h.shape[1] == 3
    for i in range(h.shape[0]):
        if check and absent[i]:
            continue
        sx += h[i, 0]
        sy += h[i, 1]
        if three:
            sz += h[i, 2]
        count += 1
    return math.sqrt(sx * sx + sy * sy + sz * sz) / max(count, 1)


@njit(inline="always")
def _start_headings(n, dim, origins, angle, times, min_dot, order, absent):
    """The ordered state (every heading along x), origins turned and held: ``(h, held)``.

    ``h`` is (n, dim). Absent agents (``absent``, empty: nobody) are held
    too, so they neither move nor turn, and the order parameter leaves them
    out. Fills ``times``, ``min_dot`` and ``order[0]``.
    """
    h = np.zeros((n, dim))
    held = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        h[i, 0] = 1.0
        times[i] = np.inf
        min_dot[i] = 1.0
    for i in range(absent.shape[0]):
        held[i] = absent[i]
    for o in origins:
        held[o] = True
        h[o, 0] = math.cos(angle)
        h[o, 1] = math.sin(angle)
        times[o] = 0.0
        min_dot[o] = math.cos(angle)
    order[0] = _polarisation(h, absent)
    return h, held


@njit(inline="always")
def _start(n, origins, angle, times, min_dot, order, absent):
    """3-vector headings as in ``_start_headings``, with zero spins and second buffers."""
    h, held = _start_headings(n, 3, origins, angle, times, min_dot, order, absent)
    return h, np.zeros((n, 3)), np.zeros((n, 3)), np.zeros((n, 3)), held


@njit(inline="always")
def _constants(inertia, friction, dt, noise, angle):
    """(a, b, noise * sqrt(dt), cos(angle / 2)) of the step."""
    gdt = 0.0 if inertia == 0.0 else friction / inertia * dt
    b = 1.0 if gdt < 1e-12 else -math.expm1(-gdt) / gdt
    return math.exp(-gdt), b, noise * math.sqrt(dt), math.cos(0.5 * angle)


@njit(cache=True)
def _align_run(
    in_ptr,
    in_idx,
    dim,
    coupling,
    noise,
    inertia,
    friction,
    dt,
    angle,
    steps,
    record_every,
    absent,
    origins,
    key,
    times,
    min_dot,
    order,
):
    """One replicate, agents in order.

    The origins are turned by ``angle`` in the x-y plane at time 0 and held
    there. ``times[i]`` receives the first time agent ``i``'s heading is more
    than ``angle / 2`` away from its initial heading (inf: never), linearly
    interpolated in the cosine between the two steps that bracket it;
    ``min_dot[i]`` the smallest cosine of the turn reached; ``order[q]`` the
    polarisation ``|mean h|`` after step ``q * record_every``.
    """
    h, s, h2, s2, held = _start(times.shape[0], origins, angle, times, min_dot, order, absent)
    a, b, noise_sd, cut = _constants(inertia, friction, dt, noise, angle)
    for t in range(steps):
        _align_step(
            in_ptr,
            in_idx,
            h,
            s,
            h2,
            s2,
            held,
            dim,
            coupling,
            noise_sd,
            inertia,
            friction,
            dt,
            a,
            b,
            key,
            t,
            cut,
            times,
            min_dot,
        )
        if (t + 1) % record_every == 0:
            order[(t + 1) // record_every] = _polarisation(h2, absent)
        h, h2 = h2, h
        s, s2 = s2, s


@njit(cache=True, parallel=True)
def _alignment_runs(
    in_ptr,
    in_idx,
    dim,
    coupling,
    noise,
    inertia,
    friction,
    dt,
    angle,
    steps,
    record_every,
    absent,
    origins,
    keys,
    times,
    min_dot,
    order,
):
    """Independent replicates in parallel, replicate ``r`` drawing from ``keys[r]``.

    ``origins`` is (runs, size) in kernel numbering; ``times``/``min_dot``
    are (runs, n) and ``order`` (runs, steps // record_every + 1) outputs.
    Each replicate owns its noise stream and buffers, so the result is the
    same for any number of threads.
    """
    for r in prange(keys.shape[0]):
        _align_run(
            in_ptr,
            in_idx,
            dim,
            coupling,
            noise,
            inertia,
            friction,
            dt,
            angle,
            steps,
            record_every,
            absent,
            origins[r],
            keys[r],
            times[r],
            min_dot[r],
            order[r],
        )


@njit(cache=True)
def _alignment_run_agents(
    in_ptr,
    in_idx,
    dim,
    coupling,
    noise,
    inertia,
    friction,
    dt,
    angle,
    steps,
    record_every,
    absent,
    origins,
    key,
    times,
    min_dot,
    order,
):
    """One replicate with its agents stepped in parallel: the same bits as ``_align_run``."""
    h, s, h2, s2, held = _start(times.shape[0], origins, angle, times, min_dot, order, absent)
    a, b, noise_sd, cut = _constants(inertia, friction, dt, noise, angle)
    for t in range(steps):
        _step_agents(
            in_ptr,
            in_idx,
            h,
            s,
            h2,
            s2,
            held,
            dim,
            coupling,
            noise_sd,
            inertia,
            friction,
            dt,
            a,
            b,
            key,
            t,
            cut,
            times,
            min_dot,
        )
        if (t + 1) % record_every == 0:
            order[(t + 1) // record_every] = _polarisation(h2, absent)
        h, h2 = h2, h
        s, s2 = s2, s
