"""Pictures of a flock: an animation coloured by turn time, and a still of the wave."""

from __future__ import annotations

import os
import shutil

import numpy as np

from .._checks import check_int
from .._io import atomic_path
from ..plot._mpl import PALETTE, save_figure
from ..plot._mpl import pyplot as _pyplot
from .measure import TurningWave
from .model import Trajectory

__all__ = ["animate", "wave_figure"]

_UNTURNED = "#BBBBBB"


def _colours(traj: Trajectory):
    """Turn times relative to the shock (inf where never) and the colour scale's top."""
    if traj.turn_times is None:
        return None, 1.0
    t = traj.turn_times - traj.shock_time
    finite = t[np.isfinite(t)]
    return t, float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def animate(
    trajectory: Trajectory,
    path: str | os.PathLike,
    *,
    fps: int = 12,
    max_frames: int = 150,
    axes: tuple[int, int] = (0, 1),
    dpi: int = 80,
) -> str:
    """Write the flock's flight as a GIF (or MP4 where ffmpeg is installed).

    Birds are drawn in the plane of ``axes`` (default x-y, the plane of the
    predator's turn), centred on the flock. After a shock each bird is grey
    until it turns, then coloured by its turn time (cividis; the shocked
    birds are black-edged). At most ``max_frames`` evenly spaced records are
    drawn.

    Returns the path written.

    Examples
    --------
    >>> import os, tempfile
    >>> from swarm.flock import Flock, animate
    >>> f = Flock(60, seed=1); _ = f.predator(3)
    >>> out = animate(f.run(6, 3), os.path.join(tempfile.mkdtemp(), "flock.gif"))
    >>> os.path.getsize(out) > 0
    True
    """
    from matplotlib import animation

    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".gif", ".mp4"):
        raise ValueError(f"path must end in .gif or .mp4, got {path!r}")
    if ext == ".mp4" and shutil.which("ffmpeg") is None:
        raise ValueError(
            f"writing {path!r} needs ffmpeg, which is not installed; write a .gif instead"
        )
    if trajectory.positions is None:
        raise ValueError("trajectory has no positions: run with record_positions=True")
    fps = check_int("fps", fps, low=1)
    max_frames = check_int("max_frames", max_frames, low=1)
    a, b = axes
    pos = trajectory.positions - trajectory.positions.mean(axis=1, keepdims=True)
    frames = np.unique(np.linspace(0, len(pos) - 1, min(max_frames, len(pos))).astype(int))
    turn, top = _colours(trajectory)
    plt = _pyplot()
    import matplotlib as mpl

    cmap = mpl.colormaps["cividis"]
    fig, ax = plt.subplots(figsize=(5.5, 5), constrained_layout=True)
    lim = np.abs(pos[frames][..., [a, b]]).max() * 1.05 or 1.0
    ax.set(
        xlim=(-lim, lim),
        ylim=(-lim, lim),
        aspect="equal",
        xlabel=f"{'xyz'[a]} (spacings, centred on the flock)",
        ylabel=f"{'xyz'[b]} (spacings)",
    )
    size = max(2.0, 400.0 / np.sqrt(pos.shape[1]))
    scat = ax.scatter(pos[0, :, a], pos[0, :, b], s=size, c=_UNTURNED, linewidths=0)
    if turn is not None:
        sm = mpl.cm.ScalarMappable(norm=mpl.colors.Normalize(0, top), cmap=cmap)
        fig.colorbar(sm, ax=ax, label="turn time after the shock (time units)", shrink=0.8)
    title = ax.set_title("")

    def draw(f):
        scat.set_offsets(pos[f][:, [a, b]])
        now = trajectory.times[f]
        if turn is not None:
            done = turn <= now - trajectory.shock_time + 1e-12
            col = np.tile(mpl.colors.to_rgba(_UNTURNED), (len(turn), 1))
            col[done] = cmap(np.clip(turn[done] / top, 0, 1))
            scat.set_facecolors(col)
            title.set_text(f"t = {now:.1f} time units; turned {done.mean():.0%}")
        else:
            title.set_text(
                f"t = {now:.1f} time units; polarisation {trajectory.polarisation[f]:.2f}"
            )
        return scat, title

    anim = animation.FuncAnimation(fig, draw, frames=frames, blit=False)
    writer = animation.PillowWriter(fps=fps) if ext == ".gif" else animation.FFMpegWriter(fps=fps)
    with atomic_path(path) as tmp:
        part = tmp + ext  # the writer needs the real extension
        try:
            anim.save(part, writer=writer, dpi=dpi)
            os.replace(part, tmp)
        finally:
            if os.path.exists(part):
                os.unlink(part)
    plt.close(fig)
    return path


def wave_figure(wave: TurningWave, path: str | os.PathLike | None = None):
    """A still of the turning wave: where and when each bird turned, the front, the fade.

    Left: the birds at the shock (x-y plane, centred) coloured by turn time.
    Middle: each band's arrival time against distance, with the linear
    (wave) and square-root (diffusion) fits. Right: the turn each band
    reached, relative to the shock angle. Saved to ``path`` if given.

    Examples
    --------
    >>> from swarm.flock import Flock, turning_wave, wave_figure
    >>> fig = wave_figure(turning_wave(Flock(200, dynamics="ism", seed=1), 40))
    >>> [ax.get_xlabel() for ax in fig.axes[:3]][1]
    'arrival of the turn (time units after the shock)'
    """
    plt = _pyplot()
    traj = wave.trajectory
    fig, axs = plt.subplots(1, 3, figsize=(13, 4), constrained_layout=True)
    # left: where the wave went
    idx = int(np.searchsorted(traj.times, traj.shock_time - 1e-12))
    if traj.positions is not None:
        p = traj.positions[min(idx, len(traj.times) - 1)]
        p = p - p.mean(axis=0)
        t = wave.turn_times
        done = np.isfinite(t)
        axs[0].scatter(p[~done, 0], p[~done, 1], s=6, c=_UNTURNED, label="never turned")
        sc = axs[0].scatter(p[done, 0], p[done, 1], s=6, c=t[done], cmap="cividis")
        axs[0].scatter(
            p[traj.origins, 0],
            p[traj.origins, 1],
            s=20,
            facecolors="none",
            edgecolors="black",
            label="turned by the predator",
        )
        fig.colorbar(sc, ax=axs[0], label="turn time (time units after the shock)")
        axs[0].legend(loc="lower left", fontsize=8)
    axs[0].set(
        aspect="equal",
        xlabel="x (spacings, course at the shock)",
        ylabel="y (spacings, away from the predator)",
        title="the flock at the shock",
    )
    # middle: the front
    fr = wave.front
    ok = np.isfinite(fr["arrival"])
    other = np.isfinite(wave.turn_times) & (wave.turn_times > 0)
    axs[1].scatter(
        wave.turn_times[other], wave.distance[other], s=3, c=_UNTURNED, label="each bird"
    )
    axs[1].plot(
        fr["arrival"][ok],
        fr["distance"][ok],
        "o",
        c=PALETTE[7],
        label="front (first tenth of each band)",
    )
    if np.isfinite(wave.speed):
        x = np.linspace(0, fr["arrival"][ok].max(), 100)
        a0, c = wave.line
        axs[1].plot(
            x,
            a0 + c * x,
            c=PALETTE[0],
            label=f"linear: {wave.speed:.2f} spacings/time, rmse {wave.rmse_linear:.2f}",
        )
        a2, D = wave.root
        axs[1].plot(
            x,
            np.sqrt(np.maximum(a2 + D * x, 0)),
            "--",
            c=PALETTE[3],
            label=f"square root: rmse {wave.rmse_sqrt:.2f}",
        )
    axs[1].set(
        xlabel="arrival of the turn (time units after the shock)",
        ylabel="distance from the predator's birds (spacings)",
        title="the front" + (" moves linearly" if wave.linear else " spreads as a root"),
    )
    axs[1].legend(fontsize=8)
    # right: attenuation
    at = wave.attenuation
    axs[2].plot(at["distance"], at["relative"], "o-", c=PALETTE[0], label="largest turn")
    axs[2].plot(at["distance"], at["reach"], "s--", c=PALETTE[1], label="fraction turned")
    axs[2].axhline(1.0, c="black", lw=0.8)
    axs[2].set(
        xlabel="distance from the predator's birds (spacings)",
        ylabel="relative to the shock (1: undiminished)",
        ylim=(0, None),
        title="does the turn fade?",
    )
    axs[2].legend(fontsize=8)
    if path is not None:
        save_figure(fig, path)
    return fig
