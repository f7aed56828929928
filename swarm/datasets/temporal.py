"""Two real, time-stamped communication exports, as :class:`swarm.Contacts`."""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib.resources import files

import numpy as np
import pandas as pd

from ..structures.edges import SECONDS
from ..temporal.contacts import Contacts

__all__ = ["college_msg", "email_eu_core_temporal"]

_EMAIL = "email-Eu-core-temporal-first-quarter.txt.gz"
_COLLEGE = "CollegeMsg.txt.gz"


@lru_cache(maxsize=2)
def _raw(fname: str) -> np.ndarray:
    """The file's ``sender receiver seconds`` rows as int64 (m, 3), read once."""
    with files(__package__).joinpath("data", fname).open("rb") as fh, gzip.open(fh, "rt") as text:
        return np.loadtxt(text, dtype=np.int64, ndmin=2)


def _contacts(rows: np.ndarray, *, epoch, time_unit: str, name: str):
    ids, codes = np.unique(rows[:, :2], return_inverse=True)
    codes = codes.reshape(-1, 2)
    secs = rows[:, 2].astype(np.float64)
    zero = secs.min()
    start = (
        epoch + pd.Timedelta(seconds=float(zero))
        if isinstance(epoch, pd.Timestamp)
        else float(zero)
    )
    return Contacts(
        codes[:, 0],
        codes[:, 1],
        (secs - zero) / SECONDS[time_unit],
        ids=ids,
        directed=True,
        time_unit=time_unit,
        epoch=start,
        name=name,
    )


def email_eu_core_temporal(*, time_unit: str = "hours"):
    """The first quarter of a research institution's e-mail, with timestamps.

    83,083 e-mails between 816 people of a large European research
    institution over 150.3 days (SNAP "email-Eu-core-temporal", the first
    quarter of the interactions, people renumbered by first appearance;
    11,685 distinct sender-receiver pairs, no self-mails). A contact
    ``u -> v`` is an e-mail from u to v. The institution is the one of
    :func:`email_eu_core`, but the numbering differs, so its departments do
    not carry over. Kept as shipped, including 59 rows that repeat an
    e-mail of the same pair in the same second.

    Parameters
    ----------
    time_unit : str, default "hours"
        Unit of the contacts' times; time 0 is the first e-mail (the data
        count seconds from the start of the collection, so ``epoch`` is
        the number 0.0, not a date).

    Returns
    -------
    Contacts
        Named ``"email-Eu-core-temporal"``, people keep their ids.

    Notes
    -----
    Source: SNAP, https://snap.stanford.edu/data/email-Eu-core-temporal.html
    (first quarter as redistributed in a public research repository),
    gzip-compressed in ``swarm/datasets/data/``; provenance in its README.

    References
    ----------
    .. [1] A. Paranjape, A. R. Benson and J. Leskovec, "Motifs in Temporal
       Networks", Proceedings of WSDM 2017.

    Examples
    --------
    >>> import swarm
    >>> c = swarm.datasets.email_eu_core_temporal()
    >>> len(c), c.n, round(c.span / 24, 1)
    (83083, 816, 150.3)
    """
    return _contacts(_raw(_EMAIL), epoch=0.0, time_unit=time_unit, name="email-Eu-core-temporal")


def college_msg(*, time_unit: str = "hours"):
    """Private messages of a university's online community, with timestamps.

    59,835 messages between 1,899 members of an online community of
    students at the University of California, Irvine, over about 194 days
    of 2004 (SNAP "CollegeMsg"; 20,296 distinct sender-receiver pairs, no
    self-messages). A contact ``u -> v`` is a message from u to v. Kept as
    shipped, including 37 rows that repeat a message of the same pair in
    the same second.

    Parameters
    ----------
    time_unit : str, default "hours"
        Unit of the contacts' times; time 0 is the first message and
        ``epoch`` its date (UTC, from the data's Unix times).

    Returns
    -------
    Contacts
        Named ``"CollegeMsg"``, people keep their ids.

    Notes
    -----
    Source: SNAP, https://snap.stanford.edu/data/CollegeMsg.html,
    gzip-compressed in ``swarm/datasets/data/``; provenance in its README.

    References
    ----------
    .. [1] P. Panzarasa, T. Opsahl and K. M. Carley, "Patterns and dynamics
       of users' behavior and interaction: Network analysis of an online
       community", Journal of the American Society for Information Science
       and Technology 60(5), 2009.

    Examples
    --------
    >>> import swarm
    >>> c = swarm.datasets.college_msg()
    >>> len(c), c.n, str(c.epoch.date())
    (59835, 1899, '2004-04-15')
    """
    return _contacts(
        _raw(_COLLEGE),
        epoch=pd.Timestamp(0, unit="s", tz="UTC"),
        time_unit=time_unit,
        name="CollegeMsg",
    )
