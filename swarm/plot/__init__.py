"""Plots: response curves, organisations, sweeps and transmission trees.

Every plot takes an optional matplotlib ``ax`` and returns it; colours are
the Okabe-Ito palette (:data:`PALETTE`); matplotlib is imported only when a
plot is drawn.
"""

from ._mpl import PALETTE, save_figure
from .curves import department_bars, draw_organisation, heatmap, response_curves
from .sweep import adoption_curve, scenario_bars, sweep_lines
from .tree import transmission_tree

__all__ = [
    "PALETTE",
    "adoption_curve",
    "department_bars",
    "draw_organisation",
    "heatmap",
    "response_curves",
    "save_figure",
    "scenario_bars",
    "sweep_lines",
    "transmission_tree",
]
