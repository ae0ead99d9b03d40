"""Dask for ``dialoog batch``: a local cluster started early, and workers that load the pipeline at once.

``--dask-local N`` starts its :class:`~distributed.LocalCluster` *before* the
flow runs (while Prefect's server comes up), and every Dask worker — local, or
on an existing cluster (``--dask-address``) — gets the :class:`WarmUp` plugin:
it imports the pipeline and loads its rules and models in a background thread
as soon as the worker joins, so the first chunk does not pay for it and a
worker that joins later (an adaptive cluster) is warmed up too.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

log = logging.getLogger(__name__)

PLUGIN_NAME = "dialoog-warm-up"


#: Held while this process warms up in the background: imports running in two threads at
#: once can deadlock (Python's per-module import locks), so chunks wait for it to end.
_warming = threading.Lock()


def _warm_up() -> None:
    try:
        from flows.work import warm_up

        warm_up()
    finally:
        _warming.release()


def _warm_up_in_background() -> threading.Thread | None:
    if not _warming.acquire(blocking=False):
        return None  # warming up already
    thread = threading.Thread(target=_warm_up, name="dialoog-warm-up", daemon=True)
    thread.start()
    return thread


def wait_for_warm_up(timeout: float = 600.0) -> None:
    """Wait until this process's background warm-up (if any) has ended."""
    if _warming.acquire(timeout=timeout):
        _warming.release()


def _import_task_modules() -> None:
    """Import what a chunk's task needs to be unpickled (Prefect's task engine, the flows) now.

    The worker unpickles tasks in its event loop; if that imports Prefect while the
    warm-up thread imports too, the two can deadlock ("deadlock detected by
    _ModuleLock", seen in Prefect's start-up).  So these imports happen here, first.
    """
    try:
        import prefect.task_engine  # noqa: F401

        import flows.archive  # noqa: F401 - the chunk task and the early chunks' function

        from flows.runtime import share_tls_contexts

        share_tls_contexts()  # two API clients per chunk: do not re-read the CA bundle for each
    except Exception:  # noqa: BLE001 - an optimisation only
        log.debug("could not import Prefect's task engine", exc_info=True)


def warm_up_plugin():
    """A Dask ``WorkerPlugin`` that warms up each worker (built lazily: distributed is an extra)."""
    from distributed import WorkerPlugin

    class WarmUp(WorkerPlugin):
        name = PLUGIN_NAME

        def setup(self, worker) -> None:  # runs on the worker, in its event loop: do not block it
            from flows.runtime import prepare_prefect

            prepare_prefect()
            _import_task_modules()  # about a second, in the event loop: before tasks can arrive
            _warm_up_in_background()  # the pipeline's models, while the worker takes tasks

    return WarmUp()


def register_warm_up(address: str) -> None:
    """Warm up the workers of the cluster at ``address`` now and whenever one joins."""
    from distributed import Client

    try:
        with Client(address, timeout="30s") as client:
            client.register_plugin(warm_up_plugin(), name=PLUGIN_NAME)
    except Exception:  # noqa: BLE001 - an optimisation: the first chunk loads the pipeline instead
        log.debug("could not register the warm-up plugin on %s", address, exc_info=True)


@contextlib.contextmanager
def local_cluster(n_workers: int) -> Iterator[str]:
    """A local cluster of ``n_workers`` single-threaded processes, warmed up; yields its address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        register_warm_up(cluster.scheduler_address)
        yield cluster.scheduler_address
