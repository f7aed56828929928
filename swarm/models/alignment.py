"""The alignment model: headings that align to the watched neighbours.

Each agent holds a heading (a unit vector, 2D or 3D) and turns it towards
the mean heading of the agents it watches, with noise: Vicsek-type
(overdamped) without inertia, the inertial spin model (ISM) of Cavagna et
al. (2015, J. Stat. Phys. 158:601) with inertia. The shock turns the
origin agents by ``angle`` at time 0 and holds them there (they know the
new course); an agent counts as turned once its heading is more than
``angle / 2`` away from where it started, so ``simulate`` returns arrival
times with the same meaning as for the cascade.

Attanasi et al. (2014, Nat. Phys. 10:691) observed that a turn crosses a
starling flock as a linear, undamped wave, which the ISM reproduces and an
overdamped model does not: there the turn diffuses and fades with distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
import pandas as pd

from .._checks import check_float, check_int
from .._kernels.alignment import _alignment_run_agents, _alignment_runs
from .._kernels.alignment2d import _alignment_run_agents_2d, _alignment_runs_2d
from .._memory import check_simulation
from ..organisation import Organisation
from ..results.result import Result
from ._runner import BATCH, entropy_of, kernel_origins, run_batches, run_keys, to_public
from .shocks import Shock

__all__ = ["Alignment", "AlignmentResult"]

# From this many agents, an ensemble smaller than the thread count steps each
# run's agents in parallel instead of running replicates side by side.
_AGENT_PARALLEL = 8192


def _by_agents(n: int, runs: int) -> bool:
    """Whether to step each run's agents in parallel (same bits either way)."""
    return n >= _AGENT_PARALLEL and runs < numba.get_num_threads()


@dataclass(frozen=True)
class Alignment:
    r"""Stepped heading alignment on the watch graph (Vicsek-type or inertial spin).

    In 2D, with heading angle :math:`\phi_i` and :math:`W(i)` the
    :math:`k_i` agents ``i`` watches,

    .. math::

        \chi \ddot\phi_i + \eta \dot\phi_i
        = \frac{J}{k_i} \sum_{j \in W(i)} \sin(\phi_j - \phi_i) + \xi_i(t),
        \qquad \langle \xi_i(t) \xi_i(t') \rangle = \sigma^2 \delta(t - t'),

    with ``J = coupling`` (it multiplies the *mean* over the watched agents,
    so people who watch many are not pulled harder), ``chi = inertia``,
    ``eta = friction`` and ``sigma = noise``. In 3D the same holds for unit
    vectors: spin :math:`s_i`, :math:`\dot h_i = s_i \times h_i / \chi`,
    :math:`\dot s_i = h_i \times (J \bar h_{W(i)} + \xi_i) - (\eta/\chi) s_i`
    (Cavagna et al. 2015); without inertia
    :math:`\eta \dot h_i = P_\perp(h_i)(J \bar h_{W(i)} + \xi_i)`.

    **Linear theory on a chain.** Linearised, :math:`\sin x \approx x`. On a
    1D chain with unit spacing each inner agent watches its two neighbours,
    so the right side is :math:`(J/2)(\phi_{i+1} + \phi_{i-1} - 2\phi_i)
    \approx (J/2)\,\partial_x^2 \phi`. Hence

    - ``friction = 0``: the wave equation :math:`\chi \phi_{tt} = (J/2)
      \phi_{xx}`, a turn travels undamped at ``c = sqrt(J / (2 chi))`` hops
      per time unit (:attr:`chain_speed`; ``sqrt(J / chi)`` if ``J``
      multiplied the sum instead of the mean). The lattice dispersion
      :math:`\omega = 2c \sin(k/2)` only slows short waves; the long-wave
      front still moves at ``c`` and sharpens into an Airy front of width
      :math:`\propto t^{1/3}`.
    - ``friction > 0``: a damped (telegraph) wave; the front still moves at
      ``c`` but its height decays as :math:`e^{-\eta t / 2\chi}`, and the
      turn is carried by diffusion behind it.
    - overdamped (``inertia = 0``, or :math:`t \gg \chi/\eta`): diffusion
      :math:`\phi_t = D \phi_{xx}` with ``D = J / (2 eta)``
      (:attr:`chain_diffusivity`). With the origin held at the turn angle
      :math:`\theta`, :math:`\phi(x, t) = \theta\,\mathrm{erfc}(x / 2\sqrt{Dt})`:
      the half-angle front is at :math:`x = 0.954 \sqrt{Dt}` and the turn
      fades with distance.

    **Stepping.** Time steps of ``dt``, double-buffered (step ``t + 1`` from
    step ``t`` only); friction by an exponential integrator, the heading by
    an exact rotation (see ``swarm/_kernels/alignment.py``). For
    ``friction = 0`` this is symplectic Euler, whose long-wave speed is
    ``c`` for any stable ``dt``. Stability on any graph needs
    ``dt * J / eta <= 1`` without inertia and ``b dt^2 J / chi <= 1 + a``
    with it (``a = exp(-eta dt / chi)``, ``b = (1 - a) / (eta dt / chi)``);
    a larger ``dt`` is refused.

    Parameters
    ----------
    coupling : float > 0, default 1
        ``J``: strength of the pull towards the mean watched heading (1/time
        when overdamped with ``friction = 1``).
    noise : float >= 0, default 0
        ``sigma``: amplitude of the white-noise torque (per rotational degree
        of freedom; 3D has two). An isolated overdamped agent's heading
        diffuses with angular variance ``(sigma / eta)^2 t`` per degree.
    inertia : float >= 0, default 0
        ``chi``. 0: overdamped (Vicsek-type); > 0: inertial spin model.
    friction : float >= 0, default 1
        ``eta``; must be > 0 without inertia.
    dt : float > 0, default 0.05
        Time step, in the organisation's time unit.
    angle : float in (0, pi], default pi / 2
        How far the shock turns the origins (radians, in the x-y plane).
    max_time : float > 0, default 50
        Simulated time span; ``ceil(max_time / dt)`` steps.
    dim : 2 or 3, default 2
        Headings in the plane or in space.
    record_every : int >= 1, default 10
        Steps between records of the order parameter.

    Notes
    -----
    All agents start aligned along x with no spin. A turn time is linearly
    interpolated in the cosine of the turn between the two steps that
    bracket the crossing of ``angle / 2``. With noise, an agent may also
    wander past ``angle / 2`` on its own: that counts as turning. An exactly
    reversed neighbour exerts no torque (``sin(pi) = 0``), so without noise
    a turn by ``angle = pi`` cannot spread. Because the pull is towards the
    *mean* of the watched agents, one turned colleague among seven moves an
    agent only a seventh of the way: on a dense watch graph a lone origin
    turns few others (a team of origins, ``Shock(..., together=True)``, or
    inertia carries a turn further).

    Examples
    --------
    >>> import swarm
    >>> model = swarm.Alignment(coupling=2.0, noise=0.0, inertia=1.0, friction=0.0)
    >>> model.chain_speed
    1.0
    >>> model.steps
    1000
    """

    coupling: float = 1.0
    noise: float = 0.0
    inertia: float = 0.0
    friction: float = 1.0
    dt: float = 0.05
    angle: float = math.pi / 2
    max_time: float = 50.0
    dim: int = 2
    record_every: int = 10

    def __post_init__(self):
        def put(name, value):
            object.__setattr__(self, name, value)

        put("coupling", check_float("coupling", self.coupling, low=0.0, low_open=True))
        put("noise", check_float("noise", self.noise, low=0.0))
        put("inertia", check_float("inertia", self.inertia, low=0.0))
        put("friction", check_float("friction", self.friction, low=0.0))
        put("dt", check_float("dt", self.dt, low=0.0, low_open=True))
        put("angle", check_float("angle", self.angle, low=0.0, high=math.pi, low_open=True))
        put("max_time", check_float("max_time", self.max_time, low=0.0, low_open=True))
        put("dim", check_int("dim", self.dim))
        if self.dim not in (2, 3):
            raise ValueError(f"dim must be 2 or 3, got {self.dim}")
        put("record_every", check_int("record_every", self.record_every, low=1))
        if self.inertia == 0.0 and self.friction == 0.0:
            raise ValueError(
                "friction must be > 0 when inertia is 0 (an overdamped model "
                "needs friction), got friction=0.0"
            )
        if self.dt > self.max_dt * (1 + 1e-12):
            raise ValueError(
                f"dt must be at most {self.max_dt:.6g} for a stable step with "
                f"coupling={self.coupling:g}, inertia={self.inertia:g}, "
                f"friction={self.friction:g}; got dt={self.dt:g}"
            )

    @property
    def max_dt(self) -> float:
        """The largest stable time step for these parameters (any graph).

        Examples
        --------
        >>> Alignment(coupling=2.0, friction=1.0).max_dt
        0.5
        """
        if self.inertia == 0.0:
            return self.friction / self.coupling
        gamma = self.friction / self.inertia

        def excess(dt: float) -> float:  # stable where <= 0
            g = gamma * dt
            a = math.exp(-g)
            b = 1.0 if g < 1e-12 else -math.expm1(-g) / g
            return b * dt * dt * self.coupling / self.inertia - (1.0 + a)

        lo, hi = 0.0, math.sqrt(2.0 * self.inertia / self.coupling)
        while excess(hi) <= 0.0:  # friction makes larger steps stable
            lo, hi = hi, 2.0 * hi
            if hi > 1e12:
                return math.inf
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if excess(mid) <= 0.0 else (lo, mid)
        return lo

    @property
    def steps(self) -> int:
        """Number of time steps: ``ceil(max_time / dt)``."""
        return max(1, math.ceil(self.max_time / self.dt - 1e-9))

    @property
    def chain_speed(self) -> float:
        """Linear undamped wave speed on a chain, ``sqrt(J / (2 chi))`` hops per time unit.

        ``inf`` without inertia (no wave: diffusion, see :attr:`chain_diffusivity`).
        """
        if self.inertia == 0.0:
            return math.inf
        return math.sqrt(self.coupling / (2.0 * self.inertia))

    @property
    def chain_diffusivity(self) -> float:
        """Overdamped diffusion constant on a chain, ``J / (2 eta)`` hops^2 per time unit.

        ``inf`` without friction.
        """
        return math.inf if self.friction == 0.0 else self.coupling / (2.0 * self.friction)

    def describe(self) -> str:
        """One line for tables and plot titles."""
        kind = "inertial spin" if self.inertia > 0 else "overdamped"
        parts = [f"alignment ({kind}, {self.dim}D)", f"J={self.coupling:g}"]
        if self.inertia > 0:
            parts.append(f"chi={self.inertia:g}")
        parts += [
            f"eta={self.friction:g}",
            f"noise={self.noise:g}",
            f"turn {math.degrees(self.angle):.0f} deg",
        ]
        return ", ".join(parts)

    #: Its runs are stepped headings, not arrival times alone: always a full result.
    _keeps_summary = False

    def _simulate(
        self,
        org: Organisation,
        shock: Shock,
        runs: int,
        ss: np.random.SeedSequence,
        *,
        record: str | None = None,
        progress: bool | None = None,
    ) -> AlignmentResult:
        """Step ``runs`` replicates through the shared batch runner (see :func:`swarm.simulate`)."""
        if record is not None:
            raise ValueError(
                f"record must be None for the Alignment model (it keeps no tree), got {record!r}"
            )
        return _simulate_alignment(org, self, shock, runs, ss, progress)


@dataclass(frozen=True, eq=False)
class AlignmentResult(Result):
    """A :class:`Result` of the alignment model, with heading order and turn amplitude.

    Attributes
    ----------
    order_parameter : ndarray, shape (runs, records)
        Polarisation ``|mean heading|`` (1: all aligned) at ``record_times``.
    record_times : ndarray, shape (records,)
    amplitude : ndarray, shape (runs, n)
        Largest angle (radians) each agent's heading moved from its start.
    """

    order_parameter: np.ndarray | None = None
    record_times: np.ndarray | None = None
    amplitude: np.ndarray | None = None

    def order(self) -> pd.DataFrame:
        """The order parameter over time: mean and 5-95 % band over runs.

        Examples
        --------
        >>> import swarm, networkx as nx
        >>> res = swarm.simulate(swarm.from_networkx(nx.path_graph(5)),
        ...                      swarm.Alignment(max_time=1.0), swarm.Shock([0]))
        >>> list(res.order().columns)
        ['time', 'mean', 'lo', 'hi']
        """
        lo, hi = np.quantile(self.order_parameter, [0.05, 0.95], axis=0)
        return pd.DataFrame(
            {
                "time": self.record_times,
                "mean": self.order_parameter.mean(axis=0),
                "lo": lo,
                "hi": hi,
            }
        )

    def distances(self) -> np.ndarray:
        """Hops from each run's nearest origin to every agent along the watch graph.

        Shape (runs, n); ``inf`` where no path leads.
        """
        if "distances" not in self._cache:
            from scipy.sparse.csgraph import shortest_path

            flow = self.organisation.watch.T.tocsr()  # j -> i when i watches j
            out = np.empty(self.arrival_times.shape)
            done: dict[tuple, np.ndarray] = {}
            for r, o in enumerate(self.origins):
                key = tuple(np.unique(o).tolist())
                if key not in done:
                    d = shortest_path(flow, indices=list(key), unweighted=True)
                    done[key] = np.atleast_2d(d).min(axis=0)
                out[r] = done[key]
            self._cache["distances"] = out
        return self._cache["distances"]

    def attenuation(self) -> pd.DataFrame:
        """How the turn fades with distance from the origins.

        One row per distance in hops (agents no path reaches are left out):
        ``agents`` (mean per run), ``amplitude`` (mean largest heading change,
        radians), ``relative`` (amplitude / shock angle), ``amplitude_lo`` /
        ``amplitude_hi`` (5-95 % over agents and runs), ``reach`` (fraction
        turned past half the angle) and ``t_median`` (median turn time of
        those turned).

        Examples
        --------
        >>> import swarm, networkx as nx
        >>> res = swarm.simulate(swarm.from_networkx(nx.path_graph(6)),
        ...                      swarm.Alignment(max_time=2.0), swarm.Shock([0]))
        >>> tab = res.attenuation()
        >>> tab.index.tolist()
        [0, 1, 2, 3, 4, 5]
        >>> bool(tab["relative"].is_monotonic_decreasing)
        True
        """
        d = self.distances().ravel()
        amp = self.amplitude.ravel()
        t = self.arrival_times.ravel()
        ok = np.isfinite(d)
        d, amp, t = d[ok].astype(np.int64), amp[ok], t[ok]
        rows = []
        for k in np.unique(d):
            sel = d == k
            a, tt = amp[sel], t[sel]
            turned = tt[np.isfinite(tt)]
            rows.append(
                {
                    "distance": int(k),
                    "agents": sel.sum() / self.runs,
                    "amplitude": float(a.mean()),
                    "relative": float(a.mean() / self.model.angle),
                    "amplitude_lo": float(np.quantile(a, 0.05)),
                    "amplitude_hi": float(np.quantile(a, 0.95)),
                    "reach": float(np.isfinite(tt).mean()),
                    "t_median": float(np.median(turned)) if turned.size else np.inf,
                }
            )
        return pd.DataFrame(rows).set_index("distance")


def _simulate_alignment(
    org: Organisation,
    model: Alignment,
    shock: Shock,
    runs: int,
    ss: np.random.SeedSequence,
    progress: bool | None,
) -> AlignmentResult:
    """Run the alignment kernel through the shared runner; seeds and origins as for the cascade."""
    check_simulation(
        org.n,
        runs,
        per_cell=40,
        per_run=16 * (model.steps // model.record_every + 1),
        what=org.name or "simulate",
        reduce="use fewer runs or agents, a shorter max_time or a larger record_every",
    )
    g = org._kernel
    origins, keys = run_keys(org, shock, ss.spawn(runs), 1)
    keys = np.ascontiguousarray(keys[:, 0])  # one counter-based noise stream per run
    k_origins = kernel_origins(org, origins)

    n, steps = org.n, model.steps
    records = steps // model.record_every + 1
    times = np.empty((runs, n))
    min_dot = np.empty((runs, n))
    order = np.empty((runs, records))
    absent = np.zeros(0, dtype=np.bool_)
    if org.absent is not None:  # kernel numbering: kernel agent k is public order[k]
        absent = np.ascontiguousarray(org.absent if g["order"] is None else org.absent[g["order"]])
    args = (
        g["in_ptr"],
        g["in_idx"],
        model.dim,
        model.coupling,
        model.noise,
        model.inertia,
        model.friction,
        model.dt,
        model.angle,
        steps,
        model.record_every,
        absent,
    )
    runs_kernel, agents_kernel = (
        (_alignment_runs_2d, _alignment_run_agents_2d)  # the plane
        if model.dim == 2
        else (_alignment_runs, _alignment_run_agents)
    )
    by_agents = _by_agents(n, runs)

    def step(lo: int, hi: int) -> None:
        if by_agents:
            agents_kernel(*args, k_origins[lo], keys[lo], times[lo], min_dot[lo], order[lo])
        else:
            runs_kernel(
                *args, k_origins[lo:hi], keys[lo:hi], times[lo:hi], min_dot[lo:hi], order[lo:hi]
            )

    run_batches(
        runs, step, batch=1 if by_agents else BATCH, progress=progress, desc=org.name or "runs"
    )
    return AlignmentResult(
        arrival_times=to_public(org, times),
        organisation=org,
        model=model,
        shock=shock,
        seed=entropy_of(ss),
        origins=origins,
        order_parameter=order,
        record_times=np.arange(records) * model.record_every * model.dt,
        amplitude=np.arccos(np.clip(to_public(org, min_dot), -1.0, 1.0)),
    )
