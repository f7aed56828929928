"""Data shipped with swarm: a real organisation's e-mail network and a sample org chart.

Each loader lives in its own module (``email`` and ``sample``) and is
re-exported here.
"""

from .email import email_eu_core
from .sample import sample_org_chart, sample_org_chart_path

__all__ = ["email_eu_core", "sample_org_chart", "sample_org_chart_path"]
