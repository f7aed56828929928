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
function of (replicate key, t, i) (SplitMix64 hashes, Box-Muller), so agents
can be stepped in any order or in parallel and every thread count gives the
same bits. Replicates run in parallel (``_alignment_runs``); a single large
replicate runs its agents in parallel instead (``_alignment_run_agents``).

Kernels import nothing from the package and take arrays and scalars only.
"""

import math
import types

import numpy as np
from numba import njit, prange

from .rng import _hash_uniform


@njit(inline="always")
def _agent_normals(key, t, n, i, dim):
    """Three standard normals for agent ``i`` at step ``t`` (2D: only the first is used)."""
    base = (np.uint64(t) * np.uint64(n) + np.uint64(i)) * np.uint64(4)
    r = math.sqrt(-2.0 * math.log(1.0 - _hash_uniform(key, base)))
    phi = 2.0 * math.pi * _hash_uniform(key, base + np.uint64(1))
    x0 = r * math.cos(phi)
    if dim == 2:
        return x0, 0.0, 0.0
    x1 = r * math.sin(phi)
    r = math.sqrt(-2.0 * math.log(1.0 - _hash_uniform(key, base + np.uint64(2))))
    x2 = r * math.cos(2.0 * math.pi * _hash_uniform(key, base + np.uint64(3)))
    return x0, x1, x2


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


def _step(in_ptr, in_idx, h, s, h_new, s_new, held, dim, coupling, noise_sd, inertia,
          friction, dt, a, b, key, t, cut, times, min_dot):
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
        if inertia > 0.0:
            px = a * s[i, 0] + b * tx
            py = a * s[i, 1] + b * ty
            pz = a * s[i, 2] + b * tz
            d = px * hx + py * hy + pz * hz  # keep the spin perpendicular to h
            px -= d * hx
            py -= d * hy
            pz -= d * hz
            s_new[i, 0] = px
            s_new[i, 1] = py
            s_new[i, 2] = pz
            r = dt / inertia
            wx = px * r
            wy = py * r
            wz = pz * r
        else:
            s_new[i, 0] = 0.0
            s_new[i, 1] = 0.0
            s_new[i, 2] = 0.0
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
def _polarisation(h):
    """``|mean heading|``, summed in agent order (the same bits for any thread count)."""
    sx = 0.0
    sy = 0.0
    sz = 0.0
    for i in range(h.shape[0]):
        sx += h[i, 0]
        sy += h[i, 1]
        sz += h[i, 2]
    return math.sqrt(sx * sx + sy * sy + sz * sz) / h.shape[0]


@njit(inline="always")
def _start(n, origins, angle, times, min_dot, order):
    """The ordered state (every heading along x, no spin), origins turned and held."""
    h = np.zeros((n, 3))
    held = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        h[i, 0] = 1.0
        times[i] = np.inf
        min_dot[i] = 1.0
    for o in origins:
        held[o] = True
        h[o, 0] = math.cos(angle)
        h[o, 1] = math.sin(angle)
        times[o] = 0.0
        min_dot[o] = math.cos(angle)
    order[0] = _polarisation(h)
    return h, np.zeros((n, 3)), np.zeros((n, 3)), np.zeros((n, 3)), held


@njit(inline="always")
def _constants(inertia, friction, dt, noise, angle):
    """(a, b, noise * sqrt(dt), cos(angle / 2)) of the step."""
    gdt = 0.0 if inertia == 0.0 else friction / inertia * dt
    b = 1.0 if gdt < 1e-12 else -math.expm1(-gdt) / gdt
    return math.exp(-gdt), b, noise * math.sqrt(dt), math.cos(0.5 * angle)


@njit(cache=True)
def _align_run(in_ptr, in_idx, dim, coupling, noise, inertia, friction, dt, angle,
               steps, record_every, origins, key, times, min_dot, order):
    """One replicate, agents in order.

    The origins are turned by ``angle`` in the x-y plane at time 0 and held
    there. ``times[i]`` receives the first time agent ``i``'s heading is more
    than ``angle / 2`` away from its initial heading (inf: never), linearly
    interpolated in the cosine between the two steps that bracket it;
    ``min_dot[i]`` the smallest cosine of the turn reached; ``order[q]`` the
    polarisation ``|mean h|`` after step ``q * record_every``.
    """
    h, s, h2, s2, held = _start(times.shape[0], origins, angle, times, min_dot, order)
    a, b, noise_sd, cut = _constants(inertia, friction, dt, noise, angle)
    for t in range(steps):
        _align_step(in_ptr, in_idx, h, s, h2, s2, held, dim, coupling, noise_sd, inertia,
                    friction, dt, a, b, key, t, cut, times, min_dot)
        if (t + 1) % record_every == 0:
            order[(t + 1) // record_every] = _polarisation(h2)
        h, h2 = h2, h
        s, s2 = s2, s


@njit(cache=True, parallel=True)
def _alignment_runs(in_ptr, in_idx, dim, coupling, noise, inertia, friction, dt, angle,
                    steps, record_every, origins, keys, times, min_dot, order):
    """Independent replicates in parallel, replicate ``r`` drawing from ``keys[r]``.

    ``origins`` is (runs, size) in kernel numbering; ``times``/``min_dot``
    are (runs, n) and ``order`` (runs, steps // record_every + 1) outputs.
    Each replicate owns its noise stream and buffers, so the result is the
    same for any number of threads.
    """
    for r in prange(keys.shape[0]):
        _align_run(in_ptr, in_idx, dim, coupling, noise, inertia, friction, dt, angle, steps,
                   record_every, origins[r], keys[r], times[r], min_dot[r], order[r])


@njit(cache=True)
def _alignment_run_agents(in_ptr, in_idx, dim, coupling, noise, inertia, friction, dt,
                          angle, steps, record_every, origins, key, times, min_dot, order):
    """One replicate with its agents stepped in parallel: the same bits as ``_align_run``."""
    h, s, h2, s2, held = _start(times.shape[0], origins, angle, times, min_dot, order)
    a, b, noise_sd, cut = _constants(inertia, friction, dt, noise, angle)
    for t in range(steps):
        _step_agents(in_ptr, in_idx, h, s, h2, s2, held, dim, coupling, noise_sd, inertia,
                     friction, dt, a, b, key, t, cut, times, min_dot)
        if (t + 1) % record_every == 0:
            order[(t + 1) // record_every] = _polarisation(h2)
        h, h2 = h2, h
        s, s2 = s2, s
