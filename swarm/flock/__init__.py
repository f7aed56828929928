"""The starling flock: a 3D model, its turning wave, pictures, and the bridge to organisations.

>>> from swarm.flock import Flock, turning_wave
>>> wave = turning_wave(Flock(300, dynamics="ism", seed=1), 80, birds=10)
>>> wave.linear
True
"""

from .bridge import from_flock
from .measure import TurningWave, correlation_length, pieces, polarisation, turning_wave
from .model import Flock, Trajectory
from .neighbours import NeighbourLists
from .pictures import animate, wave_figure

__all__ = [
    "Flock",
    "NeighbourLists",
    "Trajectory",
    "TurningWave",
    "animate",
    "correlation_length",
    "from_flock",
    "pieces",
    "polarisation",
    "turning_wave",
    "wave_figure",
]
