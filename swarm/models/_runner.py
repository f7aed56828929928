"""The one batch runner every model runs through.

A model (:class:`~swarm.Cascade`, :class:`~swarm.Alignment`, ...) implements
``_simulate(org, shock, runs, ss, record=..., progress=...)``. It draws
each run's origins and kernel keys with :func:`run_keys` (child ``r`` of the
seed's SeedSequence for run ``r``, whatever the batching or thread count),
calls its kernel on batches of runs through :func:`run_batches` (which keeps
the progress bar), and maps kernel numbering back to the public one with
:func:`to_public`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .._progress import progress_bar

if TYPE_CHECKING:
    from ..organisation import Organisation
    from ..results.result import Result
    from .shocks import Shock

__all__ = ["BATCH", "Model", "entropy_of", "kernel_origins", "run_batches", "run_keys", "to_public"]

#: Runs per kernel call: enough to keep every core busy between progress updates.
BATCH = 64


class Model(Protocol):
    """What :func:`swarm.simulate` asks of a model."""

    #: True when ``_simulate`` takes ``keep="summary"`` and ``grid=`` and then
    #: reduces each run to its metrics inside the batch (no runs x n matrix).
    _keeps_summary: bool

    def _simulate(
        self,
        org: Organisation,
        shock: Shock,
        runs: int,
        ss: np.random.SeedSequence,
        *,
        record: str | None,
        progress: bool | None,
    ) -> Result: ...

    def describe(self) -> str: ...


def run_keys(
    org: Organisation, shock: Shock, children: list[np.random.SeedSequence], words: int
) -> tuple[np.ndarray, np.ndarray]:
    """Origins (public numbering) and ``words`` uint64 kernel keys of each run.

    ``children[r]`` is run ``r``'s seed (child ``r`` of the simulation's
    SeedSequence): its first child draws the origins, its second the
    kernel's counter-based keys.
    """
    runs = len(children)
    origins = np.empty((runs, shock.size if shock.varies else len(shock.origin)), dtype=np.int64)
    keys = np.empty((runs, words), dtype=np.uint64)
    for r, child in enumerate(children):
        c_origin, c_kernel = child.spawn(2)
        origins[r] = shock.origins(org, np.random.default_rng(c_origin))
        keys[r] = c_kernel.generate_state(words, np.uint64)
    return origins, keys


def kernel_origins(org: Organisation, origins: np.ndarray) -> np.ndarray:
    """Origins in the kernel's (locality) numbering."""
    inverse = org._kernel["inverse"]
    return np.ascontiguousarray(origins if inverse is None else inverse[origins])


def to_public(org: Organisation, per_agent: np.ndarray) -> np.ndarray:
    """``(runs, n)`` values in kernel numbering, back in the public numbering."""
    inverse = org._kernel["inverse"]
    return per_agent if inverse is None else per_agent[:, inverse]


def run_batches(
    runs: int,
    step: Callable[[int, int], None],
    *,
    batch: int = BATCH,
    progress: bool | None = None,
    desc: str = "runs",
) -> None:
    """Call ``step(lo, hi)`` for consecutive batches of runs, with a progress bar.

    ``progress=None`` shows the bar only for long ensembles on a terminal.
    """
    bar = progress_bar(runs, progress, desc, auto_from=4 * BATCH)
    try:
        for lo in range(0, runs, batch):
            hi = min(lo + batch, runs)
            step(lo, hi)
            if bar is not None:
                bar.update(hi - lo)
    finally:
        if bar is not None:
            bar.close()


def entropy_of(ss: np.random.SeedSequence):
    """The seed's entropy as stored in ``Result.seed``."""
    return int(ss.entropy) if np.isscalar(ss.entropy) else ss.entropy
