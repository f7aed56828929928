"""Matplotlib set-up shared by every plot: the palette, a headless backend, atomic saving."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .._io import atomic_path

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["PALETTE", "pyplot", "save_figure"]

#: Okabe & Ito (2008) colour-blind safe palette, black last.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


def pyplot():
    """matplotlib.pyplot, on the Agg backend when there is no display."""
    import matplotlib

    if not os.environ.get("DISPLAY") and matplotlib.get_backend().lower() not in (
        "agg",
        "module://matplotlib_inline.backend_inline",
    ):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: int = 120) -> None:
    """Write ``fig`` to ``path`` atomically (a crash leaves no half-written file)."""
    fmt = os.path.splitext(os.fspath(path))[1].lstrip(".") or "png"
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=fmt)
