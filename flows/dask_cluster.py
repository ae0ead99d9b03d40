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


def _warm_up() -> None:
    from flows.work import warm_up

    warm_up()
    try:  # the task engine that runs each chunk in this worker
        import prefect.task_engine  # noqa: F401

        from flows.runtime import share_tls_contexts

        share_tls_contexts()  # two API clients per chunk: do not re-read the CA bundle for each
    except Exception:  # noqa: BLE001 - an optimisation only
        log.debug("could not import Prefect's task engine", exc_info=True)


def _warm_up_in_background() -> threading.Thread:
    thread = threading.Thread(target=_warm_up, name="dialoog-warm-up", daemon=True)
    thread.start()
    return thread


def warm_up_plugin():
    """A Dask ``WorkerPlugin`` that warms up each worker (built lazily: distributed is an extra)."""
    from distributed import WorkerPlugin

    class WarmUp(WorkerPlugin):
        name = PLUGIN_NAME

        def setup(self, worker) -> None:  # runs on the worker, in its event loop: do not block it
            from flows.runtime import prepare_prefect

            prepare_prefect()
            _warm_up_in_background()

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
