"""The SNAP email-Eu-core network: a real organisation's e-mail, shipped with swarm."""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib.resources import files

import numpy as np
import pandas as pd

from .._checks import SeedLike, normalise_seed
from ..organisation import Organisation
from ..structures.edges import _build

__all__ = ["email_eu_core"]

_EDGES = "email-Eu-core.txt.gz"
_LABELS = "email-Eu-core-department-labels.txt.gz"


@lru_cache(maxsize=1)
def _raw() -> tuple[np.ndarray, np.ndarray]:
    """(edges (m, 2), department labels (n, 2)) as stored, read once."""
    data = files(__package__).joinpath("data")
    out = []
    for fname in (_EDGES, _LABELS):
        with data.joinpath(fname).open("rb") as fh, gzip.open(fh, "rt") as text:
            out.append(np.loadtxt(text, dtype=np.int64, ndmin=2))
    return out[0], out[1]


def email_eu_core(
    *, k: int | None = None, directed: bool = True, seed: SeedLike = None
) -> Organisation:
    """The e-mail network of a European research institution (SNAP email-Eu-core).

    1,005 people in 42 departments and 25,571 directed e-mail links (u sent
    at least one e-mail to v), anonymised. A link u -> v means v can hear
    news from u, so **v watches u** (see :func:`swarm.from_edges`); the 642
    links of people to themselves are dropped, leaving 24,929 watch edges.
    The data hold no counts, so every edge has latency scale 1. People are
    agents ``0..1004`` with their SNAP ids; departments are named ``"0"``
    to ``"41"`` as in the data.

    This is a real network, not a designed one: people watch 25 others on
    average (0 to 211), 40 people were never written to (nobody can reach
    them) and 181 never wrote (they pass nothing on). Only 803 people form
    the largest strongly connected component, so a cascade from a random
    person reaches about 96 % of staff when it starts inside it and nobody
    else when it starts with someone who never wrote: mean reach below 1 is
    expected, and t90 is infinite in those runs.

    Parameters
    ----------
    k : int, optional
        Keep each person's ``k`` watched contacts only, drawn at random from
        those who wrote to them (the data have no counts to rank them by).
        Default: everyone who wrote to them.
    directed : bool, default True
        ``False``: an e-mail carries news both ways.
    seed : None, int, SeedSequence or Generator
        Seed of the draw with ``k`` (unused without it).

    Returns
    -------
    Organisation
        Named ``"email-Eu-core"``, with ``department``; no levels or
        managers (the data have none).

    Notes
    -----
    Source: Stanford Network Analysis Project (SNAP),
    https://snap.stanford.edu/data/email-Eu-core.html, shipped unchanged
    (gzip-compressed) in ``swarm/datasets/data/``.

    References
    ----------
    .. [1] J. Leskovec, J. Kleinberg and C. Faloutsos, "Graph Evolution:
       Densification and Shrinking Diameters", ACM Transactions on Knowledge
       Discovery from Data 1(1), 2007.
    .. [2] H. Yin, A. R. Benson, J. Leskovec and D. F. Gleich, "Local
       Higher-order Graph Clustering", Proceedings of KDD 2017.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.datasets.email_eu_core()
    >>> org.n, len(org.department_names), org.n_edges
    (1005, 42, 24929)
    >>> int(swarm.datasets.email_eu_core(k=7, seed=1).attention.max())
    7
    """
    edges, labels = _raw()
    if k is not None:  # from_edges keeps the first rows among equals: shuffle them
        edges = edges[np.random.default_rng(normalise_seed(seed)).permutation(len(edges))]
    contacts = pd.DataFrame({"source": edges[:, 0], "target": edges[:, 1]})
    people = pd.DataFrame({"id": labels[:, 0], "department": labels[:, 1]})
    org, _ = _build(
        contacts,
        people,
        source="source",
        target="target",
        weight=None,
        timestamp=None,
        latency="count",
        scale=None,
        channel="colleague",
        directed=directed,
        k=k,
        id="id",
        department="department",
        manager="manager",
        name="email-Eu-core",
        time_unit="hours",
    )
    return org
