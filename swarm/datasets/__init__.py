"""Data shipped with swarm: a real organisation's e-mail network, two time-stamped
communication exports and a sample org chart.

Each loader lives in its own module (``email``, ``temporal`` and ``sample``)
and is re-exported here.
"""

from .email import email_eu_core
from .sample import sample_org_chart, sample_org_chart_path
from .temporal import college_msg, email_eu_core_temporal

__all__ = ["college_msg", "email_eu_core", "email_eu_core_temporal", "sample_org_chart",
           "sample_org_chart_path"]
