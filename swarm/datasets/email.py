"""The SNAP email-Eu-core network (issue 8 fills this in)."""

__all__ = ["email_eu_core"]


def email_eu_core():
    """Not shipped yet (issue 8)."""
    raise NotImplementedError("email_eu_core is being built (issue 8)")
