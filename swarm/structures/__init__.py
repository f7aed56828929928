"""Structures: who watches whom. Generators of the classic designs, and readers of real ones."""

from .classic import hierarchy, linking_pin, networked, silos
from .designs import circles, matrix, multiscale, small_world, team_of_teams
from .edges import from_edges
from .org_chart import from_org_chart

__all__ = [
    "circles",
    "from_edges",
    "from_org_chart",
    "hierarchy",
    "linking_pin",
    "matrix",
    "multiscale",
    "networked",
    "silos",
    "small_world",
    "team_of_teams",
]
