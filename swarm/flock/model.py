"""The flock: birds in 3D that align with the neighbours they watch and stay together.

Each bird flies at constant speed along its heading ``h_i``. It watches its
``k`` nearest others (topological, Ballerini et al. 2008, PNAS 105:1232) or
everyone within ``radius`` (metric), and turns under the social force

.. math::

    F_i = \\frac{J}{|W(i)|} \\sum_{j \\in W(i)} h_j
        + \\frac{\\beta}{|W(i)|} \\sum_{j \\in W(i)} f(r_{ij})\\, \\hat r_{ij},
    \\qquad f(r) = \\min\\left(\\frac{r - r_0}{r_0}, 1\\right),

alignment (``J = coupling``) plus cohesion (``beta = cohesion``: repelled
closer than ``r_0 = spacing``, attracted farther, saturating from ``2 r_0``;
a pair force of the kind of Grégoire & Chaté 2004, PRL 92:025702). The
heading then follows exactly the equations of :class:`swarm.Alignment`:
overdamped (Vicsek-type,
``eta dh/dt = P(h) (F + xi)``) or the inertial spin model of Cavagna et al.
(2015, J. Stat. Phys. 158:601), ``dh/dt = s x h / chi``,
``ds/dt = h x (F + xi) - (eta / chi) s``, with white noise of amplitude
``noise`` per rotational degree of freedom. Same integrator, same counter-based
noise (keyed by each bird's identity), double-buffered steps.
"""

from __future__ import annotations

import math
import time as _time
from dataclasses import dataclass, field

import numpy as np

from .._checks import SeedLike, check_choice, check_float, check_int, normalise_seed
from .._kernels.alignment import _constants
from .._kernels.flock import _flock_step, _polarisation
from ..models.alignment import Alignment
from .neighbours import NeighbourLists

__all__ = ["Flock", "Trajectory"]


@dataclass(frozen=True, eq=False)
class Trajectory:
    """What :meth:`Flock.run` recorded, birds in identity order.

    Attributes
    ----------
    times : ndarray, shape (records,)
    positions, velocities : ndarray, shape (records, n, 3) or None
        None when the run kept only the polarisation.
    polarisation : ndarray, shape (records,)
        ``|mean heading|``: 1 when all fly the same way, about ``1/sqrt(n)``
        for random headings.
    turn_times : ndarray, shape (n,) or None
        Time each bird turned past half the shock's angle (``inf``: not yet;
        the shocked birds: the shock time); None without a shock.
    peak : ndarray, shape (n,) or None
        Largest angle (radians) each bird turned towards the new course.
    origins : ndarray of int or None
        The birds the predator turned.
    shock_time, angle : float or None
        When and by how much the predator turned them.
    """

    times: np.ndarray
    positions: np.ndarray | None
    velocities: np.ndarray | None
    polarisation: np.ndarray
    turn_times: np.ndarray | None = None
    peak: np.ndarray | None = None
    origins: np.ndarray | None = None
    shock_time: float | None = None
    angle: float | None = None
    params: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of birds."""
        return int(self.params["n"]) if self.positions is None else self.positions.shape[1]


class Flock:
    """Birds in 3D watching their ``k`` nearest (or everyone within ``radius``).

    Parameters
    ----------
    n : int > k
        Number of birds.
    k : int, default 7
        Neighbours watched under the topological rule.
    interaction : "topological" or "metric"
    radius : float, optional
        Metric rule only: the interaction radius. Default: the radius at which
        the starting flock has ``k`` neighbours per bird on average.
    dynamics : "vicsek" or "ism"
        Overdamped constant-speed alignment, or the inertial spin model.
    seed : int, SeedSequence or None
        Starting positions and the noise.
    speed : float > 0, default 0.25
        Flight speed (spacings per time unit).
    coupling : float > 0, default 4
        ``J``, alignment strength.
    noise : float >= 0, default 0.05
        Amplitude of the white-noise torque.
    inertia : float >= 0, optional
        ``chi``; default 1 for ``ism``; must be 0 (default) for ``vicsek``.
    friction : float >= 0, optional
        ``eta``; default 0.2 for ``ism``, 1 for ``vicsek`` (must be > 0 there).
    cohesion : float >= 0, default 2
        ``beta``, strength of the pair force that keeps the flock together.
    spacing : float > 0, default 1
        ``r_0``, the distance at which the pair force changes sign.
    density : float > 0, default 1
        Starting density relative to one bird per ``spacing**3`` (a jittered
        cubic lattice in a ball).
    dt : float > 0, default 0.05
        Time step; refused above the alignment model's stability bound for
        ``J + beta``.
    extra, skin :
        Neighbour-list reuse (:class:`swarm.flock.neighbours.NeighbourLists`):
        extra candidates (default 8) or the metric skin (default
        ``0.3 * radius``). They change only the speed, never the result.

    Examples
    --------
    >>> from swarm.flock import Flock
    >>> flock = Flock(200, dynamics="ism", seed=1)
    >>> traj = flock.run(20, record_every=10)
    >>> traj.positions.shape, round(float(traj.polarisation[-1]), 2)
    ((3, 200, 3), 1.0)
    """

    def __init__(
        self,
        n: int,
        k: int = 7,
        interaction: str = "topological",
        radius: float | None = None,
        dynamics: str = "vicsek",
        seed: SeedLike = None,
        *,
        speed: float = 0.25,
        coupling: float = 4.0,
        noise: float = 0.05,
        inertia: float | None = None,
        friction: float | None = None,
        cohesion: float = 2.0,
        spacing: float = 1.0,
        density: float = 1.0,
        dt: float = 0.05,
        extra: int = 8,
        skin: float | None = None,
    ) -> None:
        self.k = check_int("k", k, low=1)
        self.n = check_int("n", n, low=self.k + 1)
        self.interaction = check_choice("interaction", interaction, ("topological", "metric"))
        self.dynamics = check_choice("dynamics", dynamics, ("vicsek", "ism"))
        self.speed = check_float("speed", speed, low=0.0)
        self.coupling = check_float("coupling", coupling, low=0.0, low_open=True)
        self.noise = check_float("noise", noise, low=0.0)
        ism = self.dynamics == "ism"
        self.inertia = check_float(
            "inertia",
            1.0 if inertia is None and ism else (0.0 if inertia is None else inertia),
            low=0.0,
        )
        if ism and self.inertia == 0.0:
            raise ValueError("inertia must be > 0 for dynamics='ism', got 0.0")
        if not ism and self.inertia != 0.0:
            raise ValueError(
                f"inertia must be 0 for dynamics='vicsek' (use 'ism'), got {self.inertia}"
            )
        self.friction = check_float(
            "friction",
            (0.2 if ism else 1.0) if friction is None else friction,
            low=0.0,
            low_open=not ism,
        )
        self.cohesion = check_float("cohesion", cohesion, low=0.0)
        self.spacing = check_float("spacing", spacing, low=0.0, low_open=True)
        self.density = check_float("density", density, low=0.0, low_open=True)
        self.dt = check_float("dt", dt, low=0.0, low_open=True)
        limit = Alignment(
            coupling=self.coupling + self.cohesion,
            inertia=self.inertia,
            friction=self.friction,
            dt=1e-9,
        ).max_dt
        if self.dt > limit * (1 + 1e-12):
            raise ValueError(
                f"dt must be at most {limit:.6g} for a stable step with "
                f"coupling + cohesion = {self.coupling + self.cohesion:g}, "
                f"inertia={self.inertia:g}, friction={self.friction:g}; "
                f"got dt={self.dt:g}"
            )
        extra = check_int("extra", extra, low=1)
        ss = normalise_seed(seed)
        self.seed = ss
        c_pos, c_noise = ss.spawn(2)
        self._key = c_noise.generate_state(1, np.uint64)[0]
        pos = _starting_positions(
            self.n, self.spacing / self.density ** (1 / 3), np.random.default_rng(c_pos)
        )
        if self.interaction == "metric":
            self.radius = (
                _radius_for(pos, self.k)
                if radius is None
                else check_float("radius", radius, low=0.0, low_open=True)
            )
            skin = 0.3 * self.radius if skin is None else check_float("skin", skin, low=0.0)
            self._lists = NeighbourLists(radius=self.radius, skin=skin)
        else:
            if radius is not None:
                raise ValueError(f"radius is for interaction='metric' only, got radius={radius}")
            self.radius = None
            self._lists = NeighbourLists(k=self.k, extra=extra)
        a, b, noise_sd, _ = _constants(self.inertia, self.friction, self.dt, self.noise, 0.0)
        self._a, self._b, self._noise_sd = a, b, noise_sd
        h = np.zeros((self.n, 3))
        h[:, 0] = 1.0
        # per-bird state in memory slots; ``ids[slot]`` is the bird
        self._s = {
            "pos": pos,
            "h": h,
            "s": np.zeros((self.n, 3)),
            "ids": np.arange(self.n, dtype=np.int64),
            "held": np.zeros(self.n, dtype=np.bool_),
            "times": np.full(self.n, np.inf),
            "peak": np.full(self.n, -np.inf),
        }
        self._spare = {
            "pos": np.empty((self.n, 3)),
            "h": np.empty((self.n, 3)),
            "s": np.empty((self.n, 3)),
        }
        self.steps_done = 0
        self.time = 0.0
        self._shock: dict | None = None
        self.timing = {"neighbours": 0.0, "update": 0.0}
        self._refresh()

    # ---- state, in identity order ---------------------------------------------------
    def _public(self, name: str) -> np.ndarray:
        out = np.empty_like(self._s[name])
        out[self._s["ids"]] = self._s[name]
        return out

    @property
    def positions(self) -> np.ndarray:
        """(n, 3) positions, bird ``i`` in row ``i`` (a copy)."""
        return self._public("pos")

    @property
    def velocities(self) -> np.ndarray:
        """(n, 3) velocities ``speed * heading`` (a copy)."""
        return self.speed * self._public("h")

    @property
    def headings(self) -> np.ndarray:
        """(n, 3) unit headings (a copy)."""
        return self._public("h")

    @property
    def polarisation(self) -> float:
        """``|mean heading|`` now."""
        return float(_polarisation(self._s["h"]))

    def neighbours(self) -> list[np.ndarray]:
        """Whom each bird watches now, in identity numbering (row ``i``: bird ``i``)."""
        ids = self._s["ids"]
        out: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * self.n
        for slot, row in enumerate(self._lists.lists()):
            out[ids[slot]] = ids[row]
        return out

    # ---- stepping --------------------------------------------------------------------
    def _refresh(self) -> None:
        t0 = _time.perf_counter()
        perm = self._lists.refresh(self._s["pos"])
        if perm is not None:
            for name, arr in self._s.items():
                self._s[name] = np.ascontiguousarray(arr[perm])
        self.timing["neighbours"] += _time.perf_counter() - t0

    def step(self) -> None:
        """Advance one time step ``dt`` (neighbour lists are exact for the new positions).

        Examples
        --------
        >>> f = Flock(50, seed=0)
        >>> f.step(); f.steps_done
        1
        """
        st, sp, sh = self._s, self._spare, self._shock
        t0 = _time.perf_counter()
        if sh is not None and sh["release"] is not None and self.time >= sh["release"] - 1e-12:
            st["held"][:] = False
        lists = self._lists
        track = sh is not None
        _flock_step(
            st["pos"],
            st["h"],
            st["s"],
            sp["pos"],
            sp["h"],
            sp["s"],
            lists.ptr,
            lists.idx,
            lists.cnt,
            st["held"],
            st["ids"],
            self.coupling,
            self.cohesion,
            self.spacing,
            self._noise_sd,
            self.inertia,
            self.friction,
            self.speed,
            self.dt,
            self._a,
            self._b,
            self._key,
            self.steps_done,
            self.n,
            self.time,
            track,
            sh["u_old"] if track else _Z3,
            sh["e2"] if track else _Z3,
            sh["cut"] if track else 0.0,
            st["times"],
            st["peak"],
        )
        for name in ("pos", "h", "s"):  # swap the buffers
            st[name], sp[name] = sp[name], st[name]
        self.steps_done += 1
        self.time = self.steps_done * self.dt
        self.timing["update"] += _time.perf_counter() - t0
        self._refresh()

    def run(
        self, steps: int, record_every: int = 1, *, record_positions: bool = True
    ) -> Trajectory:
        """Advance ``steps`` steps, recording now and every ``record_every`` steps.

        Parameters
        ----------
        steps : int >= 0
        record_every : int >= 1
        record_positions : bool, default True
            False keeps only the polarisation (and turn times), for long runs.

        Returns
        -------
        Trajectory
        """
        steps = check_int("steps", steps, low=0)
        record_every = check_int("record_every", record_every, low=1)
        times, pol, pos, vel = [self.time], [self.polarisation], [], []
        if record_positions:
            pos.append(self.positions)
            vel.append(self.velocities)
        for t in range(1, steps + 1):
            self.step()
            if t % record_every == 0:
                times.append(self.time)
                pol.append(self.polarisation)
                if record_positions:
                    pos.append(self.positions)
                    vel.append(self.velocities)
        sh = self._shock
        return Trajectory(
            times=np.array(times),
            positions=np.array(pos) if record_positions else None,
            velocities=np.array(vel) if record_positions else None,
            polarisation=np.array(pol),
            turn_times=None if sh is None else self._public("times"),
            peak=None if sh is None else self._public("peak"),
            origins=None if sh is None else sh["origins"].copy(),
            shock_time=None if sh is None else sh["time"],
            angle=None if sh is None else sh["angle"],
            params=self.params(),
        )

    def params(self) -> dict:
        """The model's parameters, for tables."""
        return {
            "n": self.n,
            "k": self.k,
            "interaction": self.interaction,
            "radius": self.radius,
            "dynamics": self.dynamics,
            "speed": self.speed,
            "coupling": self.coupling,
            "noise": self.noise,
            "inertia": self.inertia,
            "friction": self.friction,
            "cohesion": self.cohesion,
            "spacing": self.spacing,
            "density": self.density,
            "dt": self.dt,
        }

    # ---- the predator ----------------------------------------------------------------
    def predator(
        self,
        birds: int = 10,
        angle: float = math.pi / 2,
        *,
        side=(0.0, -1.0, 0.0),
        hold: float | None = None,
        threshold: float = 0.5,
        towards=None,
        along: str = "point",
        inside: bool = False,
    ) -> np.ndarray:
        """A predator at the flock's edge turns the ``birds`` nearest to it away.

        The predator sits on the flock's surface in direction ``side`` from
        its centre; the ``birds`` birds nearest to it turn by ``angle``
        (radians) away from it, from the flock's mean course, and hold the new
        course for ``hold`` time units (None: to the end). With ``along="side"``
        the predator sweeps the whole side: the birds nearest the tangent
        plane turn. With ``inside`` it dives into the flock's centre instead
        and the nearest birds scatter straight away from it (a flash
        expansion). From now on every
        bird's turn is tracked (:attr:`Trajectory.turn_times`, ``peak``): a
        bird has turned once its heading has moved ``threshold * angle``
        towards the new course (default half-way, as in :class:`swarm.Alignment`).

        Returns the identities of the turned birds.

        Examples
        --------
        >>> f = Flock(100, seed=2)
        >>> f.predator(3).tolist()
        [28, 37, 41]
        """
        birds = check_int("birds", birds, low=1, high=self.n)
        angle = check_float("angle", angle, low=0.0, high=math.pi, low_open=True)
        threshold = check_float("threshold", threshold, low=0.0, high=1.0, low_open=True)
        side = np.asarray(side, dtype=np.float64)
        if side.shape != (3,) or not np.isfinite(side).all() or np.linalg.norm(side) == 0:
            raise ValueError(f"side must be a non-zero 3-vector, got {side.tolist()}")
        st = self._s
        u_old = st["h"].sum(axis=0)
        u_old /= np.linalg.norm(u_old)
        away = -side / np.linalg.norm(side)
        turn = away if towards is None else np.asarray(towards, dtype=np.float64)
        if turn.shape != (3,) or not np.isfinite(turn).all():
            raise ValueError(f"towards must be a 3-vector, got {towards!r}")
        e2 = turn - (turn @ u_old) * u_old
        if np.linalg.norm(e2) < 1e-9:
            raise ValueError(
                "the turn (side or towards) must not be parallel to the flock's course"
            )
        e2 /= np.linalg.norm(e2)
        centre = st["pos"].mean(axis=0)
        reach = ((st["pos"] - centre) @ -away).max()
        spot = centre if inside else centre - away * reach
        along = check_choice("along", along, ("point", "side"))
        if along == "point":
            d = np.linalg.norm(st["pos"] - spot, axis=1)
        else:  # distance from the tangent plane: a predator sweeping along the side
            d = (st["pos"] - spot) @ away
        slots = np.lexsort((st["ids"], d))[:birds]
        u_new = math.cos(angle) * u_old + math.sin(angle) * e2
        h = st["h"]
        st["times"][:] = np.inf
        st["peak"][:] = np.arctan2(h @ e2, h @ u_old)
        st["held"][:] = False
        st["held"][slots] = True
        if inside:  # a dive into the flock: the nearest scatter straight away from it
            out = st["pos"][slots] - spot
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-300)
            h[slots] = out
        else:
            h[slots] = u_new
        st["s"][slots] = 0.0
        st["times"][slots] = self.time
        st["peak"][slots] = angle
        origins = np.sort(st["ids"][slots])
        self._shock = {
            "u_old": u_old,
            "e2": e2,
            "angle": angle,
            "time": self.time,
            "cut": threshold * angle,
            "origins": origins,
            "spot": spot,
            "release": None if hold is None else self.time + check_float("hold", hold, low=0.0),
        }
        return origins


_Z3 = np.zeros(3)


def _starting_positions(n: int, a: float, rng: np.random.Generator) -> np.ndarray:
    """The ``n`` sites of a cubic lattice (constant ``a``) nearest a centre, jittered by ±a/4."""
    m = int(math.ceil((n * 6 / math.pi) ** (1 / 3))) + 3
    g = np.arange(m) - (m - 1) / 2
    sites = np.stack(np.meshgrid(g, g, g, indexing="ij"), axis=-1).reshape(-1, 3)
    r = np.linalg.norm(sites, axis=1)
    pick = np.lexsort((sites[:, 2], sites[:, 1], sites[:, 0], r))[:n]
    return np.ascontiguousarray((sites[pick] + rng.uniform(-0.25, 0.25, (n, 3))) * a)


def _radius_for(pos: np.ndarray, k: int) -> float:
    """The radius within which the birds have ``k`` neighbours on average."""
    from scipy.spatial import cKDTree

    n = pos.shape[0]
    q = min(4 * k + 1, n)
    dist = cKDTree(pos).query(pos, k=q)[0][:, 1:].ravel()
    return float(np.partition(dist, k * n - 1)[k * n - 1])
