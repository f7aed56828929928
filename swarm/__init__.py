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
from .flock import Flock, from_flock
from .models import Cascade, Constant, Exponential, LatencyLaw, LogNormal, Scheduled
from .organisation import CHANNELS, Organisation, from_networkx
from .results import Comparison, Result
from .shocks import Shock
from .simulate import compare, simulate
from .structures import hierarchy, linking_pin, networked, silos

__version__ = "0.1.0"

__all__ = [
    "Alignment", "CHANNELS", "Cascade", "Comparison", "Constant", "Exponential", "Flock",
    "LatencyLaw", "LogNormal",
    "Organisation", "Result", "Scheduled", "Shock", "compare", "from_networkx",
    "from_flock", "from_org_chart", "hierarchy", "linking_pin", "networked", "silos", "simulate",
]
