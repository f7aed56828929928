"""Experiments: scenarios, sweeps over grids with a resumable store, robustness."""

from .robustness import plot_robustness, robustness
from .scenario import Scenario
from .store import load
from .sweep import sweep

__all__ = ["Scenario", "load", "plot_robustness", "robustness", "sweep"]
