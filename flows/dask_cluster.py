"""Dask for ``dialoog batch``: a local cluster started early, and workers that load the pipeline at once.

``--dask-local N`` starts its :class:`~distributed.LocalCluster` in a background
thread as the batch begins (:class:`BatchCluster`: while Prefect is imported and
its server comes up), and every Dask worker — local, or
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


def cluster_slots(address: str, timeout: str = "15s") -> int:
    """How many chunks the cluster at ``address`` runs at once (its workers' threads, now)."""
    from distributed import Client

    from pipeline.errors import InputError

    try:
        with Client(address, timeout=timeout) as client:
            return max(1, sum(client.nthreads().values()))
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address} ({exc})",
                         hint="check --dask-address (tcp://HOST:PORT) and that the scheduler is running") from None


class BatchCluster:
    """The Dask cluster a batch runs on, brought up in a background thread.

    ``local=N`` starts a :class:`~distributed.LocalCluster` of N single-threaded
    processes; ``address=`` joins an existing cluster (its worker threads are
    counted at once).  Either way the workers get the :class:`WarmUp` plugin
    before :meth:`address` returns, and all of it happens while the batch
    process imports and starts Prefect.  ``slots``: chunks run at once.
    """

    def __init__(self, *, local: int | None = None, address: str | None = None) -> None:
        import distributed  # noqa: F401 - imported here, not in two threads at once

        if not local and not address:
            raise ValueError("BatchCluster needs local= or address=")
        self.slots = int(local) if local else cluster_slots(address)
        self._address, self._cluster, self._error = address, None, None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._start, args=(local,), name="dialoog-dask-cluster", daemon=True)
        self._thread.start()

    def _start(self, local: int | None) -> None:
        try:
            if local:
                from distributed import LocalCluster

                self._cluster = LocalCluster(n_workers=int(local), threads_per_worker=1, processes=True,
                                             dashboard_address=None)
                self._address = self._cluster.scheduler_address
            register_warm_up(self._address)  # before any chunk can reach a worker
        except BaseException as exc:  # noqa: BLE001 - reported by address()
            self._error = exc
        finally:
            self._ready.set()

    def address(self, timeout: float = 600.0) -> str:
        """The scheduler's address, once the cluster is up (raises what stopped it)."""
        if not self._ready.wait(timeout):
            raise TimeoutError(f"the Dask cluster did not come up in {timeout:.0f} s")
        if self._error is not None:
            raise self._error
        return self._address

    def close(self) -> None:
        self._thread.join()
        if self._cluster is not None:
            _terminate_workers(self._cluster)
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> BatchCluster:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _terminate_workers(cluster) -> None:
    """SIGTERM a local cluster's worker processes: the batch is over (or interrupted), so
    nothing is left to drain, and a graceful close of warmed-up workers takes ~2 s."""
    import os
    import signal

    for nanny in list(getattr(cluster, "workers", {}).values()):
        pid = getattr(getattr(getattr(nanny, "process", None), "process", None), "pid", None)
        if pid:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)


@contextlib.contextmanager
def local_cluster(n_workers: int) -> Iterator[str]:
    """A local cluster of ``n_workers`` single-threaded processes, warmed up; yields its address."""
    with BatchCluster(local=n_workers) as cluster:
        yield cluster.address()
