"""The worker processes of ``dialoog batch --workers N`` (no Dask).

Prefect runs the archive flow's tasks in threads; each task hands its chunk of
meetings to this pool of spawned processes, which gives real parallelism for
CPU-bound work without Prefect's per-task cost of a subprocess engine.

A worker that dies (killed, out of memory, a crash in a codec) breaks the whole
pool and fails every chunk in flight.  :func:`run_chunk` then starts fresh
workers and retries the chunk one meeting at a time, one suspect at a time, so
that only the meeting that kills its worker fails.

The state lives in this module (the parent process only); Dask workers never
have a pool and run chunks in their own process.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures.process import BrokenProcessPool

from flows.runtime import prepare_prefect
from flows.work import Outcome, process_chunk

log = logging.getLogger(__name__)

_pool: concurrent.futures.ProcessPoolExecutor | None = None
_workers = 1
_renew_lock = threading.Lock()
_isolation_lock = threading.Lock()
#: Set by :func:`abort` (the batch was interrupted): no renewing, no retrying.
_aborted = False
#: Chunks handed to the workers before the flow's tasks ask for them (:mod:`flows.headstart`),
#: by the sources of their meetings.
_early: dict[tuple[str, ...], concurrent.futures.Future] = {}
#: The run id an early chunk is analysed under; its task puts in the flow run's id.
EARLY_RUN_ID = "head-start"

#: Tries of a suspect meeting on its own: a crash of another task in flight can still
#: break the pool under it once; a meeting that kills its worker every time fails.
ISOLATED_ATTEMPTS = 2
DIED = "the worker process died while analysing this meeting (killed, or out of memory)"


def current() -> concurrent.futures.ProcessPoolExecutor | None:
    return _pool


def start(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """Start ``workers`` fresh processes (spawned: no threads inherited) now, so that
    their start-up overlaps Prefect's, and make them the current pool."""
    global _pool, _workers, _aborted
    _workers = workers
    _aborted = False
    _pool = _new_pool(workers)
    return _pool


def stop() -> None:
    """Stop the workers once the batch is done (idle workers are terminated: their interpreter
    shutdown, with spaCy and torch loaded, would otherwise add a second to every batch)."""
    global _pool
    discard_early()
    pool, _pool = _pool, None  # the pool may have been renewed after a worker died
    if pool is not None:
        _terminate(pool)


def _terminate(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.terminate()
        except Exception:  # noqa: BLE001 - already gone
            pass
    for proc in procs:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)


def abort() -> None:
    """The batch was interrupted (SIGTERM, Ctrl-C): stop the workers now instead of letting
    their chunks finish.  Nothing half-written remains (reports are written atomically, and
    the store only records what the parent committed); the next run redoes those meetings."""
    global _aborted
    _aborted = True
    if _pool is not None:
        _terminate(_pool)


def submit_early(chunks, out_dir: str, options, settings_hash: str) -> None:
    """Start these chunks now, before the flow's tasks ask for them (:func:`run_chunk` collects them)."""
    for items in chunks:
        _early[_chunk_key(items)] = _pool.submit(process_chunk, items, out_dir, options, EARLY_RUN_ID,
                                                 settings_hash)


def discard_early() -> None:
    """Forget early chunks no task collected (cancelled if not yet started)."""
    while _early:
        _early.popitem()[1].cancel()


def _chunk_key(items) -> tuple[str, ...]:
    return tuple(i.source for i in items)


def run_chunk(items, out_dir: str, options, run_id: str, settings_hash: str) -> list[Outcome]:
    """Analyse a chunk on the current pool, surviving a worker that dies."""
    pool = _pool
    try:
        early = _early.pop(_chunk_key(items), None)
        if early is not None:
            return [o.with_run_id(run_id) for o in early.result()]
        return pool.submit(process_chunk, items, out_dir, options, run_id, settings_hash).result()
    except (BrokenProcessPool, concurrent.futures.CancelledError, RuntimeError):
        if _aborted:  # the batch is stopping and no longer waits for this chunk: end quietly
            return []
        if not isinstance(sys.exc_info()[1], BrokenProcessPool):
            raise
        pool = _renew(pool)
    outcomes: list[Outcome] = []
    for item in items:
        for _attempt in range(ISOLATED_ATTEMPTS):
            with _isolation_lock:  # one suspect at a time; a pool it breaks is renewed before the next
                if _aborted:
                    return outcomes
                pool = _pool or pool
                try:
                    outcomes.extend(
                        pool.submit(process_chunk, [item], out_dir, options, run_id, settings_hash).result())
                    break
                except (BrokenProcessPool, concurrent.futures.CancelledError, RuntimeError):
                    if _aborted:
                        return outcomes
                    if not isinstance(sys.exc_info()[1], BrokenProcessPool):
                        raise
                    pool = _renew(pool)
        else:
            outcomes.append(Outcome(item.source, item.meeting_id, item.input_hash, "failed", error_type="WorkerError",
                                    reason=DIED, retryable=True))
    return outcomes


def _renew(broken):
    """Replace a broken pool (once, however many tasks notice it)."""
    global _pool
    with _renew_lock:
        if _pool is broken and not _aborted:
            log.warning("a worker process died (killed, or out of memory); starting fresh workers and "
                        "retrying its chunk one meeting at a time (--retry-failed tries a failed one again)")
            broken.shutdown(wait=False, cancel_futures=True)
            _pool = _new_pool(_workers)
        return _pool


def _new_pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init, initargs=(logging.getLogger().getEffectiveLevel(),),
    )
    for _ in range(workers):
        pool.submit(int)
    return pool


def _worker_init(log_level: int = logging.WARNING) -> None:
    _exit_with_parent()
    # Spawned workers inherit no logging set-up: use the parent's level (-q, -v).
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(log_level)
    prepare_prefect()
    from flows.work import warm_up

    warm_up()  # load the pipeline's rules and models while Prefect starts up


def _exit_with_parent(poll_s: float = 0.5) -> threading.Thread:
    """Exit this worker once the batch process that started it is gone.

    The watchdog (``flows.watchdog``) stops workers of a killed batch, but a
    worker it never saw (started in its last half-second) would live on,
    blocked on a result pipe nobody reads.  A worker therefore also watches
    its own parent: once it has been re-parented, it exits at once.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(1)

    thread = threading.Thread(target=watch, name="dialoog-parent-watch", daemon=True)
    thread.start()
    return thread
