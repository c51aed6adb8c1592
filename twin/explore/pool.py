"""Where runs are evaluated: this process, a Dask ``LocalCluster``, or an existing Dask cluster.

One mechanism for every explore tool (sweep, Monte Carlo, sensitivity, optimiser): a
:class:`Pool` maps a picklable function over items and returns the results in the items'
order, whichever worker finished first, so a table does not depend on the cluster.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

Progress = Callable[[int, int], None] | None  # (done, total)


class Pool:
    """Evaluate functions here or on Dask workers.

    Parameters
    ----------
    workers : int, optional
        Local worker processes (one thread each). 0 evaluates in this process; None uses
        one worker per core.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); overrides ``workers``.
        Its workers must see the scenario files at the same paths.
    bar : bool
        Show a progress bar with an ETA on stderr.
    memory_limit : str
        Memory limit of each local worker (Dask pauses and restarts a worker above it).
    """

    def __init__(self, workers: int | None = None, scheduler: str | None = None, bar: bool = False,
                 memory_limit: str = "1.5GB") -> None:
        self.workers, self.scheduler, self.bar, self.memory_limit = workers, scheduler, bar, memory_limit
        self.client = None
        self._cluster = None

    def __enter__(self) -> Pool:
        if self.scheduler is None and self.workers == 0:
            return self
        from distributed import Client, LocalCluster

        if self.scheduler is not None:
            self.client = Client(self.scheduler)
        else:
            # no dashboard: the machine is shared and the default port may be taken
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, memory_limit=self.memory_limit,
                                         silence_logs=logging.ERROR)
            self.client = Client(self._cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
        self.client = self._cluster = None

    @property
    def size(self) -> int:
        """Number of workers evaluating at once (1 in this process)."""
        return 1 if self.client is None else max(1, len(self.client.scheduler_info()["workers"]))

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any], progress: Progress = None) -> list:
        """``[fn(i) for i in items]``, on the workers; results in the items' order."""
        bar = _bar(len(items)) if self.bar else None
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if bar is not None:
                bar.update(1)
            if progress is not None:
                progress(done, len(items))

        try:
            if self.client is None:
                out = []
                for item in items:
                    out.append(fn(item))
                    tick()
                return out
            from distributed import as_completed

            futures = self.client.map(fn, list(items), pure=False)
            for _ in as_completed(futures):
                tick()
            return self.client.gather(futures)
        finally:
            if bar is not None:
                bar.close()

    def worker_memory_mb(self) -> dict[str, float]:
        """Resident memory of each worker process [MB] (this process when local)."""
        if self.client is None:
            return {"local": _rss_mb()}
        return {k: float(v) for k, v in self.client.run(_rss_mb).items()}


@contextmanager
def using(pool: Pool | None, workers: int | None = None) -> Iterator[Pool]:
    """``pool`` as it is, or a new one of ``workers`` closed at the end."""
    if pool is not None:
        yield pool
        return
    with Pool(workers=workers) as own:
        yield own


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def _bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="run", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
