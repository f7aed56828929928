"""Models: how a signal passes (latency laws, the cascade, alignment) and where it starts (shocks).

Every model runs through one shared batch runner (:mod:`swarm.models._runner`):
:func:`swarm.simulate` calls ``model._simulate(...)`` and never asks which
model it has.
"""

from .alignment import Alignment, AlignmentResult
from .cascade import Cascade
from .laws import Constant, Exponential, LatencyLaw, LogNormal, Scheduled
from .shocks import Shock

__all__ = [
    "Alignment",
    "AlignmentResult",
    "Cascade",
    "Constant",
    "Exponential",
    "LatencyLaw",
    "LogNormal",
    "Scheduled",
    "Shock",
]
