"""The stepped alignment kernel in the plane: a heading turns by an angle.

The same model and the same noise draws as ``alignment.py`` with ``dim = 2``,
written for the plane. There the 3-vector kernel carries a zero z component
of the heading, zero x, y components of the spin and of the torque, and turns
the heading about the z axis with Rodrigues' formula. Here the heading is the
pair ``(cos phi, sin phi)`` and the spin a scalar; a step computes the scalar
torque

    tau = J dt (h_i x mean_j h_j)_z + noise sqrt(dt) xi_i,

relaxes the spin (``s' = a s + b tau``, inertial spin) or not
(overdamped), and advances the angle: ``phi += s' dt / chi`` or
``phi += tau / eta``, applied to the stored pair as one rotation (one cosine,
one sine) and renormalised as in the 3-vector kernel. Headings are read as
pairs, not angles, so the mean over watched agents costs no trigonometry.
Most turns in a step are small: below 1/16 rad the cosine and sine are
Taylor polynomials (truncation under 1e-22), and the renormalisation of a
pair whose squared norm is within 1e-8 of 1 is one Newton step
(``1.5 - 0.5 q``, error ``3/8 (q - 1)^2``). Otherwise each operation is the
3-vector one with its zero terms dropped, so the two kernels agree to
rounding (tests hold them within 1e-12).

Signatures and outputs are those of ``_alignment_runs`` and
``_alignment_run_agents`` (the ``dim`` argument must be 2). A single run is
stepped agent-parallel only from ``_AGENTS_PARALLEL`` agents up: below that
one thread finishes a step before a parallel region would have started.

Kernels import nothing from the package and take arrays and scalars only.
"""

import math
import types

import numpy as np
from numba import njit, prange

from .alignment import _agent_normals, _constants

_AGENTS_PARALLEL = 1 << 17


@njit(inline="always")
def _cos_sin(x):
    """``(cos x, sin x)``: Taylor polynomials for ``|x| < 1/16``, the library beyond.

    Most turns in a step are small; there the truncation error (below
    ``x^12 / 12!`` and ``x^11 / 11!``, under 1e-22) is far under the rounding
    of the sums, and two short polynomials cost a fraction of ``cos`` and ``sin``.
    """
    if abs(x) < 0.0625:
        x2 = x * x
        c = 1.0 - x2 * (
            0.5
            - x2 * (1.0 / 24.0 - x2 * (1.0 / 720.0 - x2 * (1.0 / 40320.0 - x2 * (1.0 / 3628800.0))))
        )
        sn = x * (
            1.0
            - x2 * (1.0 / 6.0 - x2 * (1.0 / 120.0 - x2 * (1.0 / 5040.0 - x2 * (1.0 / 362880.0))))
        )
        return c, sn
    return math.cos(x), math.sin(x)


def _step(
    in_ptr,
    in_idx,
    h,
    s,
    h_new,
    s_new,
    held,
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
    """One double-buffered step of every agent; ``h`` is (n, 2), ``s`` is (n,)."""
    n = h.shape[0]
    for i in prange(n):
        hx = h[i, 0]
        hy = h[i, 1]
        if held[i]:
            h_new[i, 0] = hx
            h_new[i, 1] = hy
            s_new[i] = 0.0
            continue
        lo = in_ptr[i]
        hi = in_ptr[i + 1]
        fx = 0.0
        fy = 0.0
        for e in range(lo, hi):
            j = in_idx[e]
            fx += h[j, 0]
            fy += h[j, 1]
        if hi > lo:
            w = coupling * dt / (hi - lo)
            fx *= w
            fy *= w
        tz = hx * fy - hy * fx
        if noise_sd > 0.0:
            ex, _, _ = _agent_normals(key, t, n, i, 2)
            tz += noise_sd * ex
        if inertia > 0.0:
            pz = a * s[i] + b * tz
            turn = pz * (dt / inertia)
        else:
            pz = 0.0
            turn = tz / friction
        if turn != 0.0:
            c, sn = _cos_sin(turn)
            nx = hx * c - hy * sn
            ny = hy * c + hx * sn
            q = nx * nx + ny * ny  # 1 to rounding: one Newton step gives 1 / sqrt(q)
            norm = 1.5 - 0.5 * q if abs(q - 1.0) < 1e-8 else 1.0 / math.sqrt(q)
            hx = nx * norm
            hy = ny * norm
        s_new[i] = pz
        h_new[i, 0] = hx
        h_new[i, 1] = hy
        if hx < min_dot[i]:
            min_dot[i] = hx
            if hx < cut and times[i] == np.inf:
                d_old = h[i, 0]  # >= cut: the crossing lies in (t, t + 1]
                times[i] = (t + (d_old - cut) / (d_old - hx)) * dt


# One source, two compilations, as in alignment.py: serial inside the
# parallel loop over replicates, parallel over the agents of one large run.
_step_serial = njit(cache=True)(_step)
_agents_copy = types.FunctionType(_step.__code__, _step.__globals__, "_step_agents_2d")
_agents_copy.__qualname__ = "_step_agents_2d"
_agents_copy.__doc__ = _step.__doc__
_step_agents = njit(cache=True, parallel=True)(_agents_copy)


@njit(inline="always")
def _polarisation(h, absent):
    """``|mean heading|`` of the agents present, summed in agent order."""
    sx = 0.0
    sy = 0.0
    count = 0
    check = absent.shape[0] > 0
    for i in range(h.shape[0]):
        if check and absent[i]:
            continue
        sx += h[i, 0]
        sy += h[i, 1]
        count += 1
    return math.sqrt(sx * sx + sy * sy) / max(count, 1)


@njit(inline="always")
def _start(n, origins, angle, times, min_dot, order, absent):
    """Headings along x, no spin; origins turned by ``angle`` and held, the absent held."""
    h = np.zeros((n, 2))
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
    return h, np.zeros(n), np.zeros((n, 2)), np.zeros(n), held


@njit(cache=True)
def _run(
    in_ptr,
    in_idx,
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
    agents_parallel,
):
    """One replicate; its agents stepped in parallel if ``agents_parallel``."""
    h, s, h2, s2, held = _start(times.shape[0], origins, angle, times, min_dot, order, absent)
    a, b, noise_sd, cut = _constants(inertia, friction, dt, noise, angle)
    for t in range(steps):
        if agents_parallel:
            _step_agents(
                in_ptr,
                in_idx,
                h,
                s,
                h2,
                s2,
                held,
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
        else:
            _step_serial(
                in_ptr,
                in_idx,
                h,
                s,
                h2,
                s2,
                held,
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
def _alignment_runs_2d(
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
    """Replicates in parallel, as ``alignment._alignment_runs`` (``dim`` is 2)."""
    for r in prange(keys.shape[0]):
        _run(
            in_ptr,
            in_idx,
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
            False,
        )


@njit(cache=True)
def _alignment_run_agents_2d(
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
    """One replicate, as ``alignment._alignment_run_agents`` (``dim`` is 2)."""
    _run(
        in_ptr,
        in_idx,
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
        times.shape[0] >= _AGENTS_PARALLEL,
    )
