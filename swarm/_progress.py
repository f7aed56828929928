"""Progress bars on stderr, shared by the batch runner and the sweep."""

from __future__ import annotations

import sys

__all__ = ["progress_bar"]


def progress_bar(
    total: int,
    progress: bool | None,
    desc: str,
    *,
    unit: str = "run",
    auto_from: int = 0,
    initial: int = 0,
    leave: bool = False,
):
    """A tqdm bar on stderr, or None.

    ``progress=None`` shows one only on a terminal and only when ``total`` is at
    least ``auto_from``; ``True``/``False`` force it on or off.
    """
    if progress is None:
        progress = total >= auto_from and sys.stderr.isatty()
    if not progress:
        return None
    from tqdm.auto import tqdm  # tqdm is only imported when a bar is shown

    return tqdm(
        total=total,
        initial=initial,
        desc=desc,
        unit=unit,
        file=sys.stderr,
        leave=leave,
        dynamic_ncols=True,
        smoothing=0.1,
    )
