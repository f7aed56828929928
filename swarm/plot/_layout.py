"""Where to draw each person: social-space positions, else a tree drawing by level."""

from __future__ import annotations

import numpy as np

__all__ = ["layout"]


def layout(org) -> np.ndarray:
    """2-D coordinates: social-space positions, else a tree drawing by level."""
    if org.position is not None and org.position.shape[1] >= 2:
        return np.asarray(org.position[:, :2])
    if org.position is not None:  # 1-D space: spread along x
        return np.column_stack([org.position[:, 0], np.zeros(org.n)])
    if org.level is not None:
        return tree_layout(org)
    import networkx as nx

    pos = nx.spring_layout(org.to_networkx().to_undirected(), seed=1)
    return np.array([pos[i] for i in org.ids.tolist()])


def tree_layout(org) -> np.ndarray:
    """Leaves side by side in depth-first order, managers centred over their reports."""
    n = org.n
    manager = org.manager if org.manager is not None else np.full(n, -1)
    children: list[list[int]] = [[] for _ in range(n)]
    for i, m in enumerate(manager.tolist()):
        if m >= 0:
            children[m].append(i)
    x = np.zeros(n)
    leaves = 0
    roots = [i for i in range(n) if manager[i] < 0]
    stack = [(r, False) for r in reversed(roots)]
    while stack:  # iterative post-order: children placed before their manager
        node, seen = stack.pop()
        if seen or not children[node]:
            if children[node]:
                x[node] = np.mean(x[children[node]])
            else:
                x[node] = leaves
                leaves += 1
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(children[node]))
    return np.column_stack([x / max(leaves, 1), -np.asarray(org.level, dtype=float)])
