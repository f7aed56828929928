"""Real timing: time-stamped contacts, replayed along time-respecting paths.

:class:`Contacts` holds a communication export sorted by time,
:func:`replay` finds who could have heard a piece of news by when, and
:mod:`swarm.temporal.calibrate` holds a static model fitted to the same
contacts against the replay.
"""

from .calibrate import Calibration, calibrate
from .contacts import Contacts, contacts
from .replay import Replay, ReplayResult, replay

__all__ = ["Calibration", "Contacts", "Replay", "ReplayResult", "calibrate", "contacts",
           "replay"]
