"""The HR door: one call from an org chart to a report a non-programmer can read.

:func:`diagnose` asks the questions an HR strategist asks and returns a
:class:`Diagnosis` with tables, a summary and a self-contained HTML report.
"""

from .assumptions import GRID, Assumptions
from .diagnose import Diagnosis, diagnose

__all__ = ["GRID", "Assumptions", "Diagnosis", "diagnose"]
