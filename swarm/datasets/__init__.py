"""Data shipped with swarm: a real organisation's e-mail network, two time-stamped
communication exports, and a sample org chart with its communication export.

Each loader lives in its own module (``email``, ``temporal``, ``sample`` and
``contacts``) and is re-exported here.
"""

from .contacts import sample_contacts, sample_contacts_path
from .email import email_eu_core
from .sample import sample_org_chart, sample_org_chart_path
from .temporal import college_msg, email_eu_core_temporal

__all__ = [
    "college_msg",
    "email_eu_core",
    "email_eu_core_temporal",
    "sample_contacts",
    "sample_contacts_path",
    "sample_org_chart",
    "sample_org_chart_path",
]
