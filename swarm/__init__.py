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
from .alignment import Alignment
from .charts import from_org_chart
from .designs import circles, matrix, multiscale, small_world, team_of_teams
from .edges import from_edges
from .experiments import sweep
from .flock import Flock, from_flock
from .interventions import add_linking_pins, adopt, champion, flatten, remove
from .linking import LinkingPins, linking_pins
from .models import Cascade, Constant, Exponential, LatencyLaw, LogNormal, Scheduled
from .organisation import CHANNELS, Organisation, from_networkx
from .results import Comparison, Result
from .robustness import plot_robustness, robustness
from .scenario import Scenario
from .shocks import Shock
from .simulate import compare, simulate
from .store import load
from .structures import hierarchy, linking_pin, networked, silos
from .urgency import urgency

__version__ = "0.1.0"

__all__ = [
    "Alignment", "CHANNELS", "Cascade", "Comparison", "Constant", "Exponential", "Flock",
    "LatencyLaw", "LinkingPins", "LogNormal", "Organisation", "Result", "Scenario", "Scheduled",
    "Shock", "add_linking_pins", "adopt", "champion", "circles", "compare", "datasets",
    "flatten", "from_edges", "from_flock", "from_networkx", "from_org_chart", "hierarchy",
    "linking_pin", "linking_pins", "load", "matrix", "multiscale", "networked",
    "plot_robustness", "remove", "robustness", "silos", "simulate", "small_world", "sweep",
    "team_of_teams", "urgency",
]
