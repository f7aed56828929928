"""Data shipped with swarm: a real organisation's e-mail network, a sample org chart and its contacts.

Each loader lives in its own module (``email`` and ``sample``) and is
re-exported here.
"""

from .contacts import sample_contacts, sample_contacts_path
from .email import email_eu_core
from .sample import sample_org_chart, sample_org_chart_path

__all__ = ["email_eu_core", "sample_contacts", "sample_contacts_path", "sample_org_chart",
           "sample_org_chart_path"]
