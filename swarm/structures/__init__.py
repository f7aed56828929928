"""Structures: who watches whom. Generators of the classic designs, and readers of real ones."""

from .classic import hierarchy, linking_pin, networked, silos
from .edges import from_edges
from .org_chart import from_org_chart

__all__ = ["from_edges", "from_org_chart", "hierarchy", "linking_pin", "networked", "silos"]
