"""Measurements on a flock: the turning wave, cohesion, order and correlations.

The turning wave follows Attanasi et al. (2014, Nat. Phys. 10:691): a few
birds turn, and we ask how the turn spreads with distance. A linear front
(distance proportional to time) with undiminished amplitude is the signature
of the inertial spin model and of real starlings; a front growing like the
square root of time that fades with distance is diffusion (overdamped,
Vicsek-type alignment). The velocity correlation length follows Cavagna et
al. (2010, PNAS 107:11865): the first zero of the correlation of velocity
fluctuations against distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from .._checks import check_float, check_int
from .model import Flock, Trajectory

__all__ = ["TurningWave", "correlation_length", "pieces", "polarisation", "turning_wave"]


def polarisation(velocities: np.ndarray) -> float:
    """``|mean of the unit velocities|``: 1 when all fly the same way.

    Examples
    --------
    >>> import numpy as np
    >>> polarisation(np.array([[1.0, 0, 0], [0, 1, 0]]))
    0.7071067811865476
    """
    v = np.asarray(velocities, dtype=np.float64)
    u = v / np.linalg.norm(v, axis=1, keepdims=True)
    return float(np.linalg.norm(u.mean(axis=0)))


def pieces(positions: np.ndarray, contact: float) -> tuple[int, float]:
    """Connected pieces of the flock: birds closer than ``contact`` touch.

    Returns
    -------
    count : int
        Number of connected components of the contact graph (1: one flock).
    largest : float
        Fraction of the birds in the largest piece.

    Examples
    --------
    >>> import numpy as np
    >>> pieces(np.array([[0.0, 0, 0], [1, 0, 0], [5, 0, 0]]), 1.5)
    (2, 0.6666666666666666)
    """
    contact = check_float("contact", contact, low=0.0, low_open=True)
    pos = np.asarray(positions, dtype=np.float64)
    n = pos.shape[0]
    pairs = cKDTree(pos).query_pairs(contact, output_type="ndarray")
    graph = coo_array((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    return int(count), float(np.bincount(labels).max() / n)


def correlation_length(
    positions: np.ndarray, velocities: np.ndarray, *, bins: int = 30, max_birds: int = 2000
) -> tuple[float, pd.DataFrame]:
    """Velocity correlation length: the first zero of the fluctuation correlation.

    With ``u_i`` the velocity fluctuation ``v_i - mean(v)`` scaled so that
    ``mean |u|^2 = 1``, ``C(r)`` is the mean of ``u_i . u_j`` over pairs at
    distance ``r`` (Cavagna et al. 2010). Since the fluctuations sum to zero,
    ``C`` must cross zero; the crossing (linear interpolation between bins)
    is the correlation length. Above ``max_birds`` an evenly spaced subset is
    used.

    Returns
    -------
    xi : float
        ``nan`` if ``C`` never crosses zero.
    table : DataFrame with ``r``, ``C``, ``pairs``

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(0, 10, 200)[:, None] * [1.0, 0, 0]
    >>> v = np.c_[np.ones(200), np.sin(x[:, 0] * np.pi / 10), np.zeros(200)]
    >>> xi, tab = correlation_length(x, v)
    >>> 1.5 < xi < 3.0
    True
    """
    from scipy.spatial.distance import pdist

    bins = check_int("bins", bins, low=2)
    pos = np.asarray(positions, dtype=np.float64)
    vel = np.asarray(velocities, dtype=np.float64)
    if pos.shape[0] > max_birds:
        pick = np.linspace(0, pos.shape[0] - 1, max_birds).astype(np.int64)
        pos, vel = pos[pick], vel[pick]
    u = vel - vel.mean(axis=0)
    u /= math.sqrt((u * u).sum(axis=1).mean()) or 1.0
    n = len(pos)
    iu = np.triu_indices(n, 1)
    dots = (u @ u.T)[iu]
    dist = pdist(pos)
    edges = np.linspace(0.0, dist.max() * (1 + 1e-12), bins + 1)
    count, _ = np.histogram(dist, edges)
    total, _ = np.histogram(dist, edges, weights=dots)
    ok = count > 0
    r = 0.5 * (edges[1:] + edges[:-1])[ok]
    c = total[ok] / count[ok]
    table = pd.DataFrame({"r": r, "C": c, "pairs": count[ok]})
    cross = np.flatnonzero((c[:-1] > 0) & (c[1:] <= 0))
    if not cross.size:
        return math.nan, table
    j = cross[0]
    xi = r[j] + (r[j + 1] - r[j]) * c[j] / (c[j] - c[j + 1])
    return float(xi), table


@dataclass(frozen=True, eq=False)
class TurningWave:
    """How a predator's turn spread through a flock (see :func:`turning_wave`).

    Attributes
    ----------
    trajectory : Trajectory
    turn_times : ndarray (n,)
        Time after the shock at which each bird turned past half the angle
        (``inf``: never; the shocked birds: 0).
    distance : ndarray (n,)
        Each bird's distance from the shocked birds' centre at the shock.
    front : DataFrame
        One row per distance band (equal head counts): ``distance`` (mean),
        ``arrival`` (time by which ``front_quantile`` of the band had turned:
        when the front reached it; ``inf`` if it never did), ``birds``.
    speed : float
        Slope of the linear fit ``distance = a + speed * time``.
    diffusivity : float
        ``D`` of the diffusive fit ``distance = sqrt(a + D * time)``.
    line, root : (float, float)
        ``(a, speed)`` and ``(a, diffusivity)`` of the two fits.
    rmse_linear, rmse_sqrt : float
        Root-mean-square misfit of the two fits through the front (bands the
        front reached), in distance units.
    reach : float
        Fraction of the unshocked birds that turned.
    attenuation : DataFrame
        Per distance band: ``distance``, ``birds``, ``relative`` (mean largest
        turn towards the new course over the shock angle), ``reach``.
    """

    trajectory: Trajectory
    turn_times: np.ndarray
    distance: np.ndarray
    front: pd.DataFrame
    speed: float
    diffusivity: float
    rmse_linear: float
    rmse_sqrt: float
    reach: float
    attenuation: pd.DataFrame
    line: tuple[float, float] = (math.nan, math.nan)
    root: tuple[float, float] = (math.nan, math.nan)

    @property
    def linear(self) -> bool:
        """Whether a straight line fits the front better than a square root."""
        return self.rmse_linear < self.rmse_sqrt

    @property
    def damping(self) -> float:
        """Relative turn in the farthest distance band over that in the nearest (1: none)."""
        rel = self.attenuation["relative"].to_numpy()
        return float(rel[-1] / rel[0]) if rel.size and rel[0] > 0 else math.nan

    def table(self) -> pd.DataFrame:
        """One row per bird.

        Columns ``bird``, ``distance``, ``turn_time``, ``peak`` (radians) and
        ``shocked``.
        """
        shocked = np.zeros(len(self.distance), dtype=bool)
        shocked[self.trajectory.origins] = True
        return pd.DataFrame(
            {
                "bird": np.arange(len(self.distance)),
                "distance": self.distance,
                "turn_time": self.turn_times,
                "peak": self.trajectory.peak,
                "shocked": shocked,
            }
        )

    def summary(self) -> dict:
        """The headline numbers as a dict."""
        return {
            "speed": self.speed,
            "diffusivity": self.diffusivity,
            "rmse_linear": self.rmse_linear,
            "rmse_sqrt": self.rmse_sqrt,
            "front": "linear" if self.linear else "sqrt",
            "reach": self.reach,
            "damping": self.damping,
        }


def turning_wave(
    flock: Flock,
    steps: int,
    *,
    birds: int = 10,
    angle: float = math.pi / 2,
    side=(0.0, -1.0, 0.0),
    hold: float | None = None,
    record_every: int = 10,
    record_positions: bool = True,
    bands: int = 12,
    front_quantile: float = 0.1,
    threshold: float = 0.5,
    towards=None,
    along: str = "point",
) -> TurningWave:
    """Shock ``flock`` with a predator at its edge, run ``steps`` steps, measure the wave.

    The ``birds`` birds nearest the predator turn by ``angle`` away from it
    (:meth:`Flock.predator`). Each other bird's turn time and largest turn
    are recorded; its distance is taken from the shocked birds' centre at the
    shock, in the flock's frame (``along="side"``: from the plane of the
    shocked birds). The birds are cut into ``bands`` distance bands of equal
    head count; the front reaches a band when ``front_quantile`` of it has
    turned. Two fits of band distance against arrival: a line
    ``d = a + c t`` (a wave at speed ``c``) and a square root
    ``d = sqrt(a + D t)`` (diffusion); the better one has the smaller misfit.
    The other arguments go to :meth:`Flock.predator`.

    Examples
    --------
    >>> from swarm.flock import Flock, turning_wave
    >>> wave = turning_wave(Flock(300, dynamics="ism", noise=0.0, seed=1), 100)
    >>> wave.speed > 0, wave.linear
    (True, True)
    """
    steps = check_int("steps", steps, low=1)
    bands = check_int("bands", bands, low=1)
    front_quantile = check_float("front_quantile", front_quantile, low=0.0, high=1.0, low_open=True)
    if check_int("birds", birds, low=1) >= flock.n:
        raise ValueError(
            f"birds must be fewer than the flock's {flock.n} birds (the wave needs "
            f"unshocked birds to cross), got {birds}"
        )
    origins = flock.predator(
        birds, angle, side=side, hold=hold, threshold=threshold, towards=towards, along=along
    )
    pos0 = flock.positions
    centre = pos0[origins].mean(axis=0)
    if along == "point":
        distance = np.linalg.norm(pos0 - centre, axis=1)
    else:  # from the plane of the shocked birds
        away = -np.asarray(side, dtype=np.float64) / np.linalg.norm(side)
        distance = np.abs((pos0 - centre) @ away)
    traj = flock.run(steps, record_every, record_positions=record_positions)
    t = traj.turn_times - traj.shock_time
    other = np.ones(flock.n, dtype=bool)
    other[origins] = False
    turned = other & np.isfinite(t)
    # the front: when each distance band (equal head counts) began to turn
    edges = np.quantile(distance[other], np.linspace(0, 1, bands + 1))
    band = np.clip(np.searchsorted(edges, distance, side="right") - 1, 0, bands - 1)
    rows, rel = [], traj.peak / angle
    for b in range(bands):
        sel = other & (band == b)
        if not sel.any():
            continue
        arrival = float(np.quantile(t[sel], front_quantile, method="inverted_cdf"))
        rows.append(
            {
                "distance": float(distance[sel].mean()),
                "birds": int(sel.sum()),
                "arrival": arrival,
                "reach": float(np.isfinite(t[sel]).mean()),
                "relative": float(rel[sel].mean()),
            }
        )
    table = pd.DataFrame(rows)
    line, root, rmse_lin, rmse_sqrt = _fits(
        table["arrival"].to_numpy(), table["distance"].to_numpy()
    )
    return TurningWave(
        trajectory=traj,
        turn_times=t,
        distance=distance,
        front=table[["distance", "arrival", "birds"]],
        speed=line[1],
        diffusivity=root[1],
        line=line,
        root=root,
        rmse_linear=rmse_lin,
        rmse_sqrt=rmse_sqrt,
        reach=float(turned.sum() / max(other.sum(), 1)),
        attenuation=table[["distance", "birds", "relative", "reach"]],
    )


def _fits(t: np.ndarray, d: np.ndarray):
    """Line ``d = a + c t`` and root ``d = sqrt(a + D t)`` through the finite points.

    Returns ``((a, c), (a, D), rmse_line, rmse_root)`` (nan with fewer than 3 points).
    """
    from scipy.optimize import curve_fit

    ok = np.isfinite(t)
    t, d = t[ok], d[ok]
    if t.size < 3 or np.ptp(t) == 0:
        return (math.nan, math.nan), (math.nan, math.nan), math.nan, math.nan
    c, a = np.polyfit(t, d, 1)
    rmse_lin = float(np.sqrt(np.mean((d - (a + c * t)) ** 2)))
    D0, a0 = np.polyfit(t, d**2, 1)

    def root(x, a_, D_):
        return np.sqrt(np.maximum(a_ + D_ * x, 0.0))

    try:
        (a1, D1), _ = curve_fit(root, t, d, p0=(max(a0, 0.0), max(D0, 1e-9)), maxfev=5000)
    except RuntimeError:  # no convergence: keep the fit of the squares
        a1, D1 = a0, D0
    return (
        (float(a), float(c)),
        (float(a1), float(D1)),
        rmse_lin,
        float(np.sqrt(np.mean((d - root(t, a1, D1)) ** 2))),
    )
