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

**Quiet blocks.** Agents are stepped in blocks of ``_BLOCK`` consecutive
agents (the organisation's locality order puts colleagues who watch each
other close together). Without noise a step is a deterministic function of
an agent's own state and the headings it watches; if none of them changed
in the previous step, the step reproduces the agent's state bit for bit.
So a noiseless step skips every block in which no agent, and no agent that
one of its agents watches, moved in the previous step: the block's state is
already in both buffers. Before a turn has reached them, or wherever the
headings stand still, agents cost one flag test per watched block instead
of a gather and a rotation. With noise every agent moves every step and no
block is skipped. (Where the turn has passed, headings keep changing in
their last bits, so a block that was reached stays busy.)

**Where the time goes** (10^4 agents of ``networked``, 7 watched each, 100
noiseless overdamped steps from a team of 100, as ``benchmarks/peers.py``
runs it; CPU time on the project's 2-core test machine). ``simulate`` takes
this kernel (``_alignment_run_agents_2d``, serial below ``_AGENTS_PARALLEL``)
and spends under 0.3 ms outside it: seeds and origins, the memory check,
mapping back to public order and the Result. The kernel took about 20 ms
when it stepped every agent: the gather of the 7 watched headings of all
10^4 agents each step, the torque, and a rotation for the 46 % of
agent-steps with a non-zero torque (the rest had not been reached); the
order parameter (11 records) costs under 0.1 ms. Skipping quiet blocks
(43 % of block-steps here) and unsigned gathers took it to about 12 ms;
three-term polynomials for turns under 2^-10, fused multiply-adds and no
zero-divisor checks to about 10 ms, of which the rotation is about a
third. Stepping that run's blocks on 2 threads took the kernel from 9.5-9.7
to 7.3-8.3 ms with the second core free (``simulate`` only 10.8 -> 9.6-10.4
ms), but twice as long as one thread when other work kept that core busy:
below ``_AGENTS_PARALLEL`` a single run stays on one thread.

Signatures and outputs are those of ``_alignment_runs`` and
``_alignment_run_agents`` (the ``dim`` argument must be 2). A single run is
stepped in parallel over its blocks only from ``_AGENTS_PARALLEL`` agents
up (see above). Blocks own their agents and their flag, so the bits do not
depend on the thread count.

Kernels import nothing from the package and take arrays and scalars only.
"""

import math
import types

import numpy as np
from numba import njit, prange

from .alignment import _agent_normals, _constants, _polarisation, _start_headings

_AGENTS_PARALLEL = 1 << 17
_BLOCK = 32
_SKIPPED, _STILL, _MOVED = 0, 1, 2  # what a block did in a step


@njit(inline="always")
def _cos_sin(x):
    """``(cos x, sin x)``: Taylor polynomials for ``|x| < 1/16``, the library beyond.

    Most turns in a step are small; there the truncation error is far under
    the rounding of the sums, and two short polynomials cost a fraction of
    ``cos`` and ``sin``. Below ``2^-10`` three terms each suffice (the first
    left out, ``x^6 / 6!`` and ``x^7 / 7!``, are under 2e-21 and 2e-25, i.e.
    relative errors under 1e-21); below 1/16 five (under ``x^12 / 12!`` and
    ``x^11 / 11!``, under 1e-22).
    """
    if abs(x) < 0.0009765625:
        x2 = x * x
        return 1.0 - x2 * (0.5 - x2 * (1.0 / 24.0)), x * (
            1.0 - x2 * (1.0 / 6.0 - x2 * (1.0 / 120.0))
        )
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


@njit(cache=True)
def _watched_blocks(in_ptr, in_idx, block):
    """For each block of ``block`` consecutive agents, the blocks its agents watch.

    CSR ``(ptr, idx)``: block ``b``'s list starts with ``b`` itself, then every
    other block holding an agent that one of ``b``'s agents watches, once.
    """
    n = in_ptr.shape[0] - 1
    nb = (n + block - 1) // block
    seen = np.full(nb, -1, dtype=np.int64)
    ptr = np.zeros(nb + 1, dtype=np.int64)
    idx = np.empty(in_idx.shape[0] + nb, dtype=np.int32)
    count = 0
    for b in range(nb):
        seen[b] = b
        idx[count] = b
        count += 1
        for i in range(b * block, min(n, (b + 1) * block)):
            for e in range(in_ptr[i], in_ptr[i + 1]):
                c = in_idx[e] // block
                if seen[c] != b:
                    seen[c] = b
                    idx[count] = c
                    count += 1
        ptr[b + 1] = count
    return ptr, idx[:count].copy()


def _step(
    in_ptr,
    in_idx,
    block_ptr,
    block_idx,
    block,
    moved,
    moved_new,
    skip_quiet,
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
    """One double-buffered step of every block that may move; ``h`` is (n, 2), ``s`` is (n,).

    ``moved[q]`` says what block ``q`` did in the previous step (read),
    ``moved_new[q]`` in this one (written): ``_MOVED`` (an agent's heading or
    spin changed), ``_STILL`` (stepped, nothing changed) or ``_SKIPPED``. With
    ``skip_quiet``, a block none of whose watched blocks moved is skipped:
    both buffers already hold its state.
    """
    n = h.shape[0]
    for q in prange(block_ptr.shape[0] - 1):
        if skip_quiet:
            busy = False
            for d in range(block_ptr[q], block_ptr[q + 1]):
                if moved[block_idx[d]] == _MOVED:
                    busy = True
                    break
            if not busy:
                moved_new[q] = _SKIPPED
                continue
        any_moved = False
        for i in range(q * block, min(n, (q + 1) * block)):
            hx = h[i, 0]
            hy = h[i, 1]
            if held[i]:
                h_new[i, 0] = hx
                h_new[i, 1] = hy
                s_new[i] = 0.0
                continue
            lo = np.uint64(in_ptr[i])  # unsigned: no negative-index wrap in the gather
            hi = np.uint64(in_ptr[i + 1])
            fx = 0.0
            fy = 0.0
            for e in range(lo, hi):
                j = np.uint32(in_idx[e])
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
                if pz != s[i]:
                    any_moved = True
                s_new[i] = pz  # overdamped: both spin buffers stay 0
            else:
                turn = tz * (1.0 / friction)
            if turn != 0.0:
                c, sn = _cos_sin(turn)
                nx = hx * c - hy * sn
                ny = hy * c + hx * sn
                q2 = nx * nx + ny * ny  # 1 to rounding: one Newton step gives 1 / sqrt(q2)
                norm = 1.5 - 0.5 * q2 if abs(q2 - 1.0) < 1e-8 else 1.0 / math.sqrt(q2)
                hx = nx * norm
                hy = ny * norm
                any_moved = True
            h_new[i, 0] = hx
            h_new[i, 1] = hy
            if hx < min_dot[i]:
                min_dot[i] = hx
                if hx < cut and times[i] == np.inf:
                    d_old = h[i, 0]  # >= cut: the crossing lies in (t, t + 1]
                    times[i] = (t + (d_old - cut) / (d_old - hx)) * dt
        moved_new[q] = _MOVED if any_moved else _STILL


# One source, two compilations, as in alignment.py: serial inside the
# parallel loop over replicates, parallel over the blocks of one large run.
# Both let LLVM fuse a multiply and an add into one rounding (FMA) and skip
# the zero-divisor checks (no divisor here can be 0): the same bits for any
# thread count, to rounding what the 3-vector kernel gives. (Whether a fused
# multiply-add is used depends on the CPU numba compiles for, so the last bits
# may differ between machines, as those of the library's cos and sin may.)
_FAST = {"error_model": "numpy", "fastmath": {"contract"}}
_step_serial = njit(cache=True, **_FAST)(_step)
_blocks_copy = types.FunctionType(_step.__code__, _step.__globals__, "_step_blocks_2d")
_blocks_copy.__qualname__ = "_step_blocks_2d"
_blocks_copy.__doc__ = _step.__doc__
_step_blocks = njit(cache=True, parallel=True, **_FAST)(_blocks_copy)


@njit(inline="always")
def _start(n, origins, angle, times, min_dot, order, absent):
    """Plane headings as in ``alignment._start_headings``, scalar spins 0, second buffers."""
    h, held = _start_headings(n, 2, origins, angle, times, min_dot, order, absent)
    return h, np.zeros(n), np.zeros((n, 2)), np.zeros(n), held


@njit(cache=True)
def _run(
    in_ptr,
    in_idx,
    block_ptr,
    block_idx,
    skip_quiet,
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
    """One replicate; its blocks stepped in parallel if ``agents_parallel``.

    ``block_ptr``, ``block_idx``: ``_watched_blocks(in_ptr, in_idx, _BLOCK)``.
    Returns how many block-steps were taken (the rest were quiet and skipped).
    """
    n = times.shape[0]
    h, s, h2, s2, held = _start(n, origins, angle, times, min_dot, order, absent)
    a, b, noise_sd, cut = _constants(inertia, friction, dt, noise, angle)
    nb = block_ptr.shape[0] - 1
    moved = np.full(nb, _MOVED, dtype=np.uint8)  # the first step takes every block
    moved2 = np.empty(nb, dtype=np.uint8)
    stepped = 0
    for t in range(steps):
        if agents_parallel:
            _step_blocks(
                in_ptr,
                in_idx,
                block_ptr,
                block_idx,
                _BLOCK,
                moved,
                moved2,
                skip_quiet,
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
                block_ptr,
                block_idx,
                _BLOCK,
                moved,
                moved2,
                skip_quiet,
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
        for q in range(nb):
            stepped += moved2[q] != _SKIPPED
        if (t + 1) % record_every == 0:
            order[(t + 1) // record_every] = _polarisation(h2, absent)
        h, h2 = h2, h
        s, s2 = s2, s
        moved, moved2 = moved2, moved
    return stepped


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
    block_ptr, block_idx = _watched_blocks(in_ptr, in_idx, _BLOCK)
    for r in prange(keys.shape[0]):
        _run(
            in_ptr,
            in_idx,
            block_ptr,
            block_idx,
            noise == 0.0,
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
    block_ptr, block_idx = _watched_blocks(in_ptr, in_idx, _BLOCK)
    _run(
        in_ptr,
        in_idx,
        block_ptr,
        block_idx,
        noise == 0.0,
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
