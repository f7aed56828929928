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

from .alignment import Alignment
from .charts import from_org_chart
from .experiments import sweep
from .models import Cascade, Constant, Exponential, LatencyLaw, LogNormal, Scheduled
from .organisation import CHANNELS, Organisation, from_networkx
from .results import Comparison, Result
from .scenario import Scenario
from .shocks import Shock
from .simulate import compare, simulate
from .store import load
from .structures import hierarchy, linking_pin, networked, silos

__version__ = "0.1.0"

__all__ = [
    "Alignment", "CHANNELS", "Cascade", "Comparison", "Constant", "Exponential", "LatencyLaw", "LogNormal",
    "Organisation", "Result", "Scenario", "Scheduled", "Shock", "compare", "from_networkx",
    "from_org_chart", "hierarchy", "linking_pin", "load", "networked", "silos", "simulate",
    "sweep",
]
