"""swarm: how fast a shock travels through an organisation.

Each person watches a few others (seven, like a starling); a structure is a
rule for who watches whom. Build organisations, shock them, and compare how
fast hierarchies, silos and networked organisations respond.

>>> import swarm
>>> cmp = swarm.compare([swarm.hierarchy(500), swarm.networked(500, seed=1)],
...                     swarm.Cascade(swarm.Exponential(1.0)), swarm.Shock("random"),
...                     runs=20, seed=1)
>>> list(cmp.summary().index)
['hierarchy', 'networked']
"""

from . import datasets
from ._checks import SeedLike
from ._version import __version__ as __version__
from .diagnosis import Diagnosis, diagnose
from .experiments import Scenario, load, plot_robustness, robustness, sweep
from .flock import Flock, from_flock
from .models import (
    Alignment,
    Cascade,
    Constant,
    Exponential,
    LatencyLaw,
    LogNormal,
    Scheduled,
    Shock,
)
from .organisation import CHANNELS, Organisation, from_networkx
from .results import Comparison, Result, Summary
from .simulate import compare, simulate
from .structures import (
    circles,
    from_edges,
    from_org_chart,
    hierarchy,
    linking_pin,
    matrix,
    multiscale,
    networked,
    silos,
    small_world,
    team_of_teams,
)
from .temporal import Contacts, contacts, replay
from .whatifs import (
    LinkingPins,
    add_linking_pins,
    adopt,
    champion,
    find_linking_pins,
    flatten,
    remove,
    urgency,
)

__all__ = [
    "Alignment",
    "CHANNELS",
    "Cascade",
    "Comparison",
    "Constant",
    "Diagnosis",
    "Exponential",
    "Flock",
    "LatencyLaw",
    "LinkingPins",
    "LogNormal",
    "Organisation",
    "Result",
    "Scenario",
    "Scheduled",
    "SeedLike",
    "Shock",
    "Summary",
    "add_linking_pins",
    "adopt",
    "champion",
    "circles",
    "compare",
    "datasets",
    "diagnose",
    "find_linking_pins",
    "flatten",
    "from_edges",
    "from_flock",
    "from_networkx",
    "from_org_chart",
    "hierarchy",
    "linking_pin",
    "load",
    "matrix",
    "multiscale",
    "networked",
    "plot_robustness",
    "remove",
    "robustness",
    "silos",
    "simulate",
    "small_world",
    "sweep",
    "team_of_teams",
    "urgency",
]
__all__ += ["Contacts", "contacts", "replay"]  # real timing: swarm.temporal
