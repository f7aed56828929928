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

Kernels import nothing from the package and take arrays and scalars only.
"""

import math

import numpy as np
from numba import njit, prange

from .rng import _normal


@njit(cache=True)
def _align_step(in_ptr, in_idx, h, s, h_new, s_new, xi, held, dim, coupling,
                noise_sd, inertia, friction, dt, a, b):
    """One double-buffered step of every agent; returns the sum of new headings.

    ``xi`` (n, 3) holds the step's standard normal draws (2D uses ``xi[:, 0]``
    only); ``noise_sd`` is ``noise * sqrt(dt)``. Agents with ``held`` set keep
    their heading and have no spin.
    """
    n = h.shape[0]
    sx = 0.0
    sy = 0.0
    sz = 0.0
    for i in range(n):
        hx = h[i, 0]
        hy = h[i, 1]
        hz = h[i, 2]
        if held[i]:
            h_new[i, 0] = hx
            h_new[i, 1] = hy
            h_new[i, 2] = hz
            s_new[i, 0] = 0.0
            s_new[i, 1] = 0.0
            s_new[i, 2] = 0.0
            sx += hx
            sy += hy
            sz += hz
            continue
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
            if dim == 2:
                tz += noise_sd * xi[i, 0]
            else:
                ex = xi[i, 0]
                ey = xi[i, 1]
                ez = xi[i, 2]
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
        sx += hx
        sy += hy
        sz += hz
    return sx, sy, sz


@njit(cache=True)
def _align_run(in_ptr, in_idx, dim, coupling, noise, inertia, friction, dt, angle,
               steps, record_every, origins, state, times, min_dot, order):
    """One replicate from the ordered state (every heading along x, no spin).

    The origins are turned by ``angle`` in the x-y plane at time 0 and held
    there. ``times[i]`` receives the first time agent ``i``'s heading is more
    than ``angle / 2`` away from its initial heading (inf: never), linearly
    interpolated in the cosine between the two steps that bracket it;
    ``min_dot[i]`` the smallest cosine of the turn reached; ``order[q]`` the
    polarisation ``|mean h|`` after step ``q * record_every``.
    """
    n = times.shape[0]
    h = np.zeros((n, 3))
    s = np.zeros((n, 3))
    h2 = np.zeros((n, 3))
    s2 = np.zeros((n, 3))
    xi = np.zeros((n, 3))
    held = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        h[i, 0] = 1.0
        times[i] = np.inf
        min_dot[i] = 1.0
    ca = math.cos(angle)
    sa = math.sin(angle)
    for o in origins:
        held[o] = True
        h[o, 0] = ca
        h[o, 1] = sa
        times[o] = 0.0
        min_dot[o] = ca
    cut = math.cos(0.5 * angle)
    sx = 0.0
    sy = 0.0
    for i in range(n):
        sx += h[i, 0]
        sy += h[i, 1]
    order[0] = math.sqrt(sx * sx + sy * sy) / n
    gdt = 0.0 if inertia == 0.0 else friction / inertia * dt
    a = math.exp(-gdt)
    b = 1.0 if gdt < 1e-12 else -math.expm1(-gdt) / gdt
    noise_sd = noise * math.sqrt(dt)
    draws = 1 if dim == 2 else 3
    for t in range(steps):
        if noise_sd > 0.0:
            for i in range(n):
                for c in range(draws):
                    xi[i, c] = _normal(state)
        sx, sy, sz = _align_step(in_ptr, in_idx, h, s, h2, s2, xi, held, dim, coupling,
                                 noise_sd, inertia, friction, dt, a, b)
        for i in range(n):
            d_new = h2[i, 0]
            if d_new < min_dot[i]:
                min_dot[i] = d_new
                if d_new < cut and times[i] == np.inf:
                    d_old = h[i, 0]
                    frac = (d_old - cut) / (d_old - d_new)
                    times[i] = (t + frac) * dt
        if (t + 1) % record_every == 0:
            order[(t + 1) // record_every] = math.sqrt(sx * sx + sy * sy + sz * sz) / n
        h, h2 = h2, h
        s, s2 = s2, s


@njit(cache=True, parallel=True)
def _alignment_runs(in_ptr, in_idx, dim, coupling, noise, inertia, friction, dt, angle,
                    steps, record_every, origins, states, times, min_dot, order):
    """Independent replicates in parallel, replicate ``r`` seeded by ``states[r]``.

    ``origins`` is (runs, size) in kernel numbering; ``times``/``min_dot``
    are (runs, n) and ``order`` (runs, steps // record_every + 1) outputs.
    Each replicate owns its RNG state and buffers, so the result is the same
    for any number of threads.
    """
    runs = states.shape[0]
    for r in prange(runs):
        state = states[r].copy()
        _align_run(in_ptr, in_idx, dim, coupling, noise, inertia, friction, dt, angle,
                   steps, record_every, origins[r], state, times[r], min_dot[r], order[r])
