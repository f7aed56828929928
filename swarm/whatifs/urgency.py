"""A sense of urgency, as cascade parameters.

The interview's pitfall: without a sense of urgency attention fades and
people wait for confirmation before they act. :class:`~swarm.Cascade`
already has the two knobs this needs: ``ignore``, the chance a lone
(unconfirmed) signal is dismissed, and ``window``, how long a signal stays
in mind. :func:`urgency` sets both from one number.
"""

from __future__ import annotations

from typing import Any

from .._checks import check_float

__all__ = ["urgency"]


def urgency(level: float, *, span: float = 24.0) -> dict[str, Any]:
    """Cascade parameters for a sense of urgency between 0 (none) and 1 (full).

    The mapping, stated so it can be argued with:

    * ``ignore = 1 - level``: a signal that comes alone (nobody else passed
      the news shortly before) is dismissed with probability ``1 - level``.
      With full urgency nobody waits for confirmation; with none, everybody
      does, so it takes two sources within the window (a threshold of two
      in all but name).
    * ``window = span / (1 - level)`` (``None`` at ``level = 1``): news is
      forgotten at a rate proportional to the lack of urgency. With none,
      a signal stays in mind for ``span``; at half urgency twice as long;
      with full urgency it is never forgotten.

    At ``level = 1`` the result is the plain cascade (``ignore = 0``, no
    window). Pass the result to :class:`~swarm.Cascade` with the other
    parameters: ``swarm.Cascade(latency, **swarm.urgency(0.5))``.

    Parameters
    ----------
    level : float in [0, 1]
        The sense of urgency.
    span : float > 0, default 24.0
        How long an unconfirmed signal stays in mind without any urgency,
        in the organisation's time unit (a day, in the default hours).

    Returns
    -------
    dict
        ``{"ignore": float, "window": float or None}``.

    Examples
    --------
    >>> import swarm
    >>> swarm.urgency(0.5)
    {'ignore': 0.5, 'window': 48.0}
    >>> swarm.Cascade(swarm.Exponential(1.0), **swarm.urgency(1.0)) == swarm.Cascade()
    True
    """
    level = check_float("level", level, low=0.0, high=1.0)
    span = check_float("span", span, low=0.0, low_open=True)
    if level == 1.0:
        return {"ignore": 0.0, "window": None}
    return {"ignore": 1.0 - level, "window": span / (1.0 - level)}
