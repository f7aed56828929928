"""The Dask backend of :func:`swarm.sweep`: batches of cells on dask.distributed workers.

Each task computes a batch of cells and returns their rows; the client takes
finished batches as they complete (``as_completed``) and alone writes the
store, so workers need no access to it. A worker lost mid-sweep costs only
the batches it had not returned: the scheduler runs them again elsewhere,
and every cell's numbers depend only on its own key, so the table is the
same bit for bit.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

import numpy as np

__all__ = ["SchedulerError"]


class SchedulerError(ConnectionError):
    """The Dask scheduler given cannot be reached or its address is not one."""


def _import_distributed():
    try:
        import distributed
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError(
            "backend='dask' needs dask.distributed: pip install 'swarm[dask]'"
        ) from None
    return distributed


def batch_size(cells: int, workers: int) -> int:
    """About four tasks per worker (so a lost worker costs little), at most 32 cells each."""
    return max(1, min(32, math.ceil(cells / (4 * max(workers, 1)))))


def local_cluster(workers: int = 2):
    """A LocalCluster of ``workers`` single-threaded processes on the loopback interface.

    Each worker's numba uses its share of the cores (``NUMBA_NUM_THREADS``), so
    the workers do not oversubscribe the machine.
    """
    distributed = _import_distributed()
    threads = max(1, (os.cpu_count() or 1) // workers)
    return distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",
        env={"NUMBA_NUM_THREADS": str(threads)},
    )


def run_dask(
    run_batch: Callable[..., list[dict]],
    scenario,
    todo: list[dict],
    runs: int,
    root: np.random.SeedSequence,
    curve,
    finished: Callable[[dict], None],
    *,
    scheduler=None,
    workers: int | None = None,
    batch: int | None = None,
) -> None:
    """Compute ``todo`` cells on a Dask cluster, calling ``finished`` for each on the client.

    ``run_batch(scenario, cells, runs, entropy, spawn_key, curve)`` computes
    one task's cells on a worker; the caller passes it in, so this backend
    knows nothing of how a cell is computed.
    """
    distributed = _import_distributed()

    cluster = None
    own_client = not isinstance(scheduler, distributed.Client)
    if scheduler is None:
        cluster = local_cluster(workers or 2)
        client = distributed.Client(cluster)
    elif own_client:
        try:
            client = distributed.Client(scheduler)
        except (OSError, ValueError, TypeError) as err:  # unparsable address, nobody there
            raise SchedulerError(
                f"scheduler {scheduler}: cannot connect "
                f"({str(err).splitlines()[0] if str(err) else type(err).__name__})"
            ) from None
    else:
        client = scheduler
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = batch or batch_size(len(todo), n_workers)
        [sc] = client.scatter([scenario], broadcast=True, hash=False)
        futures = [
            client.submit(
                run_batch,
                sc,
                todo[i : i + size],
                runs,
                root.entropy,
                list(root.spawn_key),
                curve,
                pure=False,
            )
            for i in range(0, len(todo), size)
        ]
        try:
            for fut in distributed.as_completed(futures):
                items = fut.result()
                fut.release()
                for item in items:
                    finished(item)
        finally:
            client.cancel(futures)
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()
