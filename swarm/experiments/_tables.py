"""The summary table of a sweep: its columns, and rows as stored and as returned."""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..results.metrics import METRICS

__all__ = ["SUMMARY", "as_row", "frame"]

#: The summary columns of every sweep row, after the axes.
SUMMARY = (
    ["agents", "watched_mean", "watched_max", "runs"]
    + [c for m in METRICS for c in ((m,) if m == "reach" else (m, f"{m}_lo", f"{m}_hi"))]
    + ["unit"]
)


def as_row(values: Mapping, row: Mapping, curve) -> dict:
    # through JSON and back: the same floats whether a row was just computed or stored
    out = json.loads(json.dumps({**values, **row}))
    if curve is not None:
        out["curve"] = np.asarray(curve, dtype=np.float64)
    return out


def frame(rows: list[dict], curve) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    axes = [c for c in df.columns if c not in SUMMARY and c != "curve"]
    axes.sort(key=lambda c: c != "structure")  # stable: structure first, the rest in order
    # reindex: rows stored before a summary column existed get NaN there
    df = df.reindex(columns=axes + SUMMARY + (["curve"] if "curve" in df.columns else []))
    if curve is not None:
        df.attrs["curve_times"] = list(curve)
    return df
