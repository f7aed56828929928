"""Regenerate the flock figures the docs show (committed under docs/).

Run:  python scripts/flock_figure.py

- docs/flock_wave.png: the turning wave in a 2,000-bird flock under the
  inertial spin model (a predator at the edge turns 10 birds);
- docs/flock_fronts.png: the front under the inertial spin model and under
  overdamped (Vicsek-type) alignment, for a predator sweeping one side of a
  slow flock (the setting of tests/test_flock_physics.py).
Fixed seeds and the public API only, so the pictures are what a user gets.
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from swarm.flock import Flock, turning_wave, wave_figure  # noqa: E402
from swarm.plot import PALETTE, save_figure  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")


def _show(w, name: str) -> None:
    print(name, {k: round(v, 3) if isinstance(v, float) else v for k, v in w.summary().items()})


def wave() -> None:
    flock = Flock(2000, dynamics="ism", noise=0.05, seed=7)
    flock.run(20, 20, record_positions=False)
    w = turning_wave(flock, 800, birds=10, record_every=20)
    plt.close(wave_figure(w, os.path.join(DOCS, "flock_wave.png")))
    _show(w, "flock_wave.png")


def fronts() -> None:
    fig, axs = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True, sharey=True)
    for ax, (dyn, kw) in zip(axs, [("ism", {"friction": 0.1}), ("vicsek", {})]):
        flock = Flock(1000, dynamics=dyn, noise=0.02, speed=0.1, seed=0, **kw)
        flock.run(20, 20, record_positions=False)
        w = turning_wave(
            flock, 400, birds=100, along="side", record_every=400, record_positions=False
        )
        _show(w, dyn)
        fr = w.front[np.isfinite(w.front["arrival"])]
        x = np.linspace(0, fr["arrival"].max(), 100)
        ax.plot(fr["arrival"], fr["distance"], "o", c=PALETTE[7], label="front")
        ax.plot(
            x, w.line[0] + w.line[1] * x, c=PALETTE[0], label=f"linear, rmse {w.rmse_linear:.2f}"
        )
        ax.plot(
            x,
            np.sqrt(np.maximum(w.root[0] + w.root[1] * x, 0)),
            "--",
            c=PALETTE[3],
            label=f"square root, rmse {w.rmse_sqrt:.2f}",
        )
        ax.set(
            title=f"{'inertial spin' if dyn == 'ism' else 'overdamped (Vicsek-type)'}: "
            f"{w.reach:.0%} turned",
            xlabel="arrival of the turn (time units after the shock)",
        )
        ax.legend(fontsize=8)
    axs[0].set_ylabel("distance from the predator's side (spacings)")
    save_figure(fig, os.path.join(DOCS, "flock_fronts.png"))
    plt.close(fig)


if __name__ == "__main__":
    wave()
    fronts()
