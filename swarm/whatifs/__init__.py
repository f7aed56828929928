"""What-ifs: changes to an organisation, each returning a new Organisation.

:data:`WHATIFS` is the registry scenario files and sweeps look names up in:
only these functions can be named as a what-if.
"""

from __future__ import annotations

from collections.abc import Callable

from .interventions import add_linking_pins, adopt, champion, flatten, remove
from .linking_pins import LinkingPins, find_linking_pins
from .urgency import urgency

__all__ = [
    "WHATIFS",
    "LinkingPins",
    "add_linking_pins",
    "adopt",
    "champion",
    "find_linking_pins",
    "flatten",
    "remove",
    "urgency",
]

#: The what-ifs a scenario may name, by name.
WHATIFS: dict[str, Callable] = {
    "adopt": adopt,
    "add_linking_pins": add_linking_pins,
    "champion": champion,
    "flatten": flatten,
    "remove": remove,
}
