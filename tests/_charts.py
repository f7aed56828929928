"""Small org charts of different shapes, written as an HR system would export them."""

from __future__ import annotations

import pandas as pd


def small_chart() -> pd.DataFrame:
    """30 people in 3 layers: a director, 4 managers (one per department), 25 staff."""
    rows = [("0001", "", "Board")]
    depts = ["Sales", "Production", "Finance", "Service"]
    staff = [7, 8, 5, 5]
    k = 2
    for dept, count in zip(depts, staff):
        mgr = f"{k:04d}"
        rows.append((mgr, "0001", dept))
        k += 1
        for _ in range(count):
            rows.append((f"{k:04d}", mgr, dept))
            k += 1
    assert len(rows) == 30
    return pd.DataFrame(rows, columns=["Employee ID", "Manager ID", "Department"])


def flat_chart(n: int = 25) -> pd.DataFrame:
    """Two layers: one boss and everyone else reporting to them."""
    rows = [("B", "", "Office")] + [
        (f"P{i:02d}", "B", "Office" if i % 2 else "Shop") for i in range(1, n)
    ]
    return pd.DataFrame(rows, columns=["id", "manager", "department"])


def deep_chart(depth: int = 7) -> pd.DataFrame:
    """A binary tree of ``2**depth - 1`` people, ``depth`` layers, two departments below the top."""
    n = 2**depth - 1
    rows = []
    for i in range(n):
        boss = "" if i == 0 else f"D{(i - 1) // 2:03d}"
        side = i
        while side > 2:
            side = (side - 1) // 2
        rows.append((f"D{i:03d}", boss, ["Top", "Left", "Right"][side]))
    return pd.DataFrame(rows, columns=["id", "manager", "department"])
