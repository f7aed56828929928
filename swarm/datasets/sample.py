"""A synthetic, seeded sample org chart (issue 6 fills this in)."""

__all__ = ["sample_org_chart"]


def sample_org_chart():
    """Not shipped yet (issue 6)."""
    raise NotImplementedError("sample_org_chart is being built (issue 6)")
