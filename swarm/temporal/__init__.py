"""Real timing: time-stamped contacts, replayed along time-respecting paths.

:class:`Contacts` holds a communication export sorted by time,
:func:`replay` finds who could have heard a piece of news by when, and
:func:`calibrate` holds a static model fitted to the same contacts against
the replay, and :func:`against_nulls` the real timing against null models
that shuffle it.
"""

from .calibrate import Calibration, calibrate, plot_calibration
from .contacts import Contacts, contacts
from .nulls import NULLS, against_nulls
from .replay import Replay, ReplayResult, replay

__all__ = [
    "NULLS",
    "Calibration",
    "Contacts",
    "Replay",
    "ReplayResult",
    "against_nulls",
    "calibrate",
    "contacts",
    "plot_calibration",
    "replay",
]
