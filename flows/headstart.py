"""A head start for ``dialoog batch --workers N``: work begins while Prefect starts.

Before the archive flow can run, Prefect needs its API server up and a flow
run created: seconds in which the worker processes, already started, would sit
idle.  :func:`begin` uses that time.  In a background thread of the batch
process it does what the flow body would do first — remove half-written files
left by a killed run, discover the meetings, plan the batch against the results
store (read-only) and cut it into chunks — and hands the first chunks to the
worker pool.  The flow then :func:`take` s that plan instead of making its own;
its ``analyze-chunk`` tasks pick up the chunks already under way
(:func:`flows.pool.run_chunk`), so Prefect still tracks every chunk and the
store is written only by the flow, as before.

Nothing changes in what is analysed or stored: the rows of an early chunk get
the flow run's id when its task collects them.  If anything in the head start
fails, or the flow is called with other arguments, the flow does it all again
itself (and reports any error); workers' early chunks are then discarded.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from flows import pool as worker_pool
from flows.discover import (
    DASK_MAX_CHUNK,
    MAX_CHUNK,
    MeetingItem,
    Plan,
    in_flight_window,
    plan_archive,
    settings_fingerprint,
)
from pipeline.fileio import ensure_dir, remove_stale_parts
from pipeline.options import AnalyzeOptions
from pipeline.store import STORE_NAME, ResultsStore, StoredState

log = logging.getLogger(__name__)


@dataclass
class HeadStart:
    """The flow body's first steps, done early: its plan, its chunks and what was cleaned up."""

    key: tuple
    thread: threading.Thread | None = None
    plan: Plan | None = None
    chunks: list[list[MeetingItem]] = field(default_factory=list)
    stale: int = 0
    #: On Dask: the cluster client and the early chunks' futures, published on the cluster
    #: under their keys (kept until the flow is done).
    client: object | None = None
    futures: dict[str, object] = field(default_factory=dict)

    def early_key(self, chunk: list[MeetingItem]) -> str | None:
        """The Dask key of this chunk if it was started early on the cluster, else None."""
        key = dask_key(chunk)
        return key if key in self.futures else None


_current: HeadStart | None = None


def _key(root, out_dir, settings_hash: str, since, retry_failed: bool, workers: int, max_chunk: int) -> tuple:
    return (str(Path(root).resolve()), str(Path(out_dir).resolve()), settings_hash, since or None,
            bool(retry_failed), int(workers), int(max_chunk))


def begin(root: str | Path, out_dir: str | Path, options: AnalyzeOptions | None, *, since: str | None = None,
          retry_failed: bool = False, workers: int = 2, max_chunk: int = MAX_CHUNK,
          cluster=None) -> None:
    """Start the head start for this batch: on the worker pool (started now if need be), or on
    ``cluster`` (a :class:`flows.dask_cluster.BatchCluster`, perhaps still coming up)."""
    global _current
    if cluster is None and worker_pool.current() is None:
        worker_pool.start(workers)
    options = options or AnalyzeOptions()
    settings_hash, _ = settings_fingerprint(options)
    key = _key(root, out_dir, settings_hash, since, retry_failed, workers, max_chunk)
    if _current is not None and _current.key == key:
        return
    discard()
    hs = HeadStart(key)
    hs.thread = threading.Thread(
        target=_prepare, name="dialoog-head-start", daemon=True,
        args=(hs, Path(root), Path(out_dir), options, settings_hash, since, retry_failed, workers, max_chunk,
              cluster),
    )
    _current = hs
    hs.thread.start()


def begin_on_dask(stack, root: str | Path, out_dir: str | Path, options: AnalyzeOptions | None, *,
                  since: str | None = None, retry_failed: bool = False, dask_local: int | None = None,
                  dask_address: str | None = None):
    """Bring up the batch's Dask cluster in the background (``dask_local`` processes, or the one at
    ``dask_address``) and begin the head start on it; ``stack`` (an ExitStack) drops the head
    start, then closes the cluster.  Returns the :class:`flows.dask_cluster.BatchCluster`."""
    from pipeline.errors import require

    require("distributed", "dask", "prefect-dask")
    from flows.dask_cluster import BatchCluster

    cluster = stack.enter_context(BatchCluster(local=dask_local, address=dask_address))
    stack.callback(discard)  # its client goes before the cluster does
    begin(root, out_dir, options, since=since, retry_failed=retry_failed, workers=cluster.slots,
          max_chunk=DASK_MAX_CHUNK, cluster=cluster)
    return cluster


def _prepare(hs: HeadStart, root: Path, out_dir: Path, options: AnalyzeOptions, settings_hash: str,
             since: str | None, retry_failed: bool, workers: int, max_chunk: int, cluster) -> None:
    try:
        out = ensure_dir(out_dir)
        stale = remove_stale_parts(out)  # before any worker writes: it removes *.part files
        plan, chunks = plan_archive(root, out, _stored_states(out), settings_hash=settings_hash, since=since,
                                    retry_failed=retry_failed, workers=workers, max_chunk=max_chunk)
        first = chunks[: in_flight_window(workers)]
        if cluster is None:
            worker_pool.submit_early(first, str(out), options, settings_hash)
        else:  # planned while the cluster came up
            _submit_to_dask(hs, cluster.address(), first, str(out), options, settings_hash)
        hs.plan, hs.chunks, hs.stale = plan, chunks, stale
    except Exception:  # noqa: BLE001 - an optimisation only: the flow does it again and reports errors
        log.debug("batch head start failed; the flow plans the batch itself", exc_info=True)


def dask_key(chunk: list[MeetingItem]) -> str:
    import hashlib

    return "dialoog-early-" + hashlib.sha256("\0".join(i.source for i in chunk).encode()).hexdigest()[:24]


def _submit_to_dask(hs: HeadStart, address: str, chunks, out: str, options: AnalyzeOptions,
                    settings_hash: str) -> None:
    from distributed import Client

    from flows.work import process_chunk

    client = Client(address, set_as_default=False, timeout="30s")
    hs.client = client
    for chunk in chunks:
        key = dask_key(chunk)
        future = client.submit(process_chunk, chunk, out, options, worker_pool.EARLY_RUN_ID, settings_hash,
                               key=key, pure=False)
        client.publish_dataset(future, name=key)  # so that the chunk's task, on a worker, can get it
        hs.futures[key] = future


def collect_on_dask(key: str):
    """In a Dask worker (inside the chunk's Prefect task): the outcomes of the early chunk ``key``.

    The task steps out of the worker's thread pool while it waits (``secede``), so the
    worker can run that chunk itself if the scheduler put it there."""
    from distributed import get_client, rejoin, secede

    future = get_client().get_dataset(key)
    secede()
    try:
        return future.result()
    finally:
        rejoin()


def _stored_states(out: Path) -> dict[str, StoredState]:
    """What the store holds (read-only: the flow opens it for writing later); empty if none yet."""
    if not (out / STORE_NAME).is_file():
        return {}
    with ResultsStore(out, read_only=True) as store:
        return store.states()


def take(root: str | Path, out_dir: str | Path, settings_hash: str, *, since: str | None = None,
         retry_failed: bool = False, workers: int = 1, max_chunk: int = MAX_CHUNK) -> HeadStart | None:
    """The head start for a flow called with these arguments (waiting for it to finish), or None."""
    global _current
    hs, _current = _current, None
    if hs is None:
        return None
    if hs.thread is not None:
        hs.thread.join()
    if hs.plan is None or hs.key != _key(root, out_dir, settings_hash, since, retry_failed, workers, max_chunk):
        _drop(hs)
        return None
    global _taken
    _taken = hs  # its Dask futures stay referenced until the flow is done (:func:`discard`)
    return hs


_taken: HeadStart | None = None


def _drop(hs: HeadStart | None, *, cancel: bool = True) -> None:
    worker_pool.discard_early()
    if hs is None:
        return
    if hs.client is not None:
        try:
            for key in hs.futures:
                hs.client.unpublish_dataset(key)
            if cancel and hs.futures:
                hs.client.cancel(list(hs.futures.values()))
            hs.client.close()
        except Exception:  # noqa: BLE001 - the cluster may be gone already
            log.debug("could not release the head start on Dask", exc_info=True)
        hs.client = None
    hs.futures.clear()


def discard() -> None:
    """Drop a head start the flow did not take (and the chunks it started)."""
    global _current, _taken
    hs, _current = _current, None
    taken, _taken = _taken, None
    if hs is not None and hs.thread is not None:
        hs.thread.join()
    _drop(hs)
    _drop(taken, cancel=False)  # collected by the flow's tasks
