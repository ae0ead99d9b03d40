"""``analyze_archive``: every meeting under a folder, incrementally, in parallel.

The flow (running in the parent process) discovers meetings, skips those whose
inputs, settings and dialoog version are unchanged, and maps a task over
*chunks* of the rest (coarse tasks keep Prefect's per-task overhead small).
Workers analyse and write report files; the parent alone writes the results
store, one transaction per meeting, as chunks complete — DuckDB's single
writer is never contended, on a process pool or a Dask cluster alike.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flows.runtime import prepare_prefect, share_tls_contexts

prepare_prefect()

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.futures import as_completed  # noqa: E402

share_tls_contexts()

from flows import headstart  # noqa: E402
from flows.discover import (  # noqa: E402
    DASK_MAX_CHUNK, MAX_CHUNK, MeetingItem, in_flight_window, plan_archive, settings_fingerprint,
)
from flows.server import EarlyServer, start_early  # noqa: E402
from flows.work import Outcome, process_chunk  # noqa: E402
from pipeline import __version__  # noqa: E402
from pipeline.errors import unmasked_termination  # noqa: E402
from pipeline.fileio import ensure_dir, remove_stale_parts  # noqa: E402
from pipeline.options import AnalyzeOptions  # noqa: E402
from pipeline.store import ResultsStore  # noqa: E402

log = logging.getLogger(__name__)



@dataclass
class BatchSummary:
    run_id: str
    total: int = 0
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: (source, meeting id or None, error type, reason)
    failed: list[tuple[str, str | None, str, str]] = field(default_factory=list)
    #: failed in an earlier run with the same inputs; not retried without --retry-failed
    held_back: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.held_back


# --------------------------------------------------------------------------- progress

ProgressListener = Callable[[str, int], None]   # (event, n): ("total", n) once, then ("advance", k)
_listeners: list[ProgressListener] = []


def add_progress_listener(fn: ProgressListener) -> None:
    """Register a callback for batch progress (the CLI's progress bar).  Same process only."""
    _listeners.append(fn)


def remove_progress_listener(fn: ProgressListener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def _notify(event: str, n: int) -> None:
    for fn in list(_listeners):
        try:
            fn(event, n)
        except Exception:  # noqa: BLE001 - a broken progress bar must not break the batch
            log.debug("progress listener failed", exc_info=True)


# --------------------------------------------------------------------------- tasks


@task(name="analyze-chunk", cache_policy=NO_CACHE, persist_result=False)
def analyze_chunk(
    items: list[MeetingItem], out_dir: str, options: AnalyzeOptions, run_id: str, settings_hash: str,
    early_key: str | None = None,
) -> list[Outcome]:
    """Analyse a chunk of meetings in one worker process (heavy models stay loaded between meetings).

    On Dask the task itself runs in a worker process.  With ``--workers N`` the
    task runs in a thread of the parent and hands the chunk to a plain process
    pool: real parallelism for CPU-bound work without Prefect's per-task cost
    of running its engine in a subprocess.
    """
    from flows import pool as worker_pool  # imported here: Dask pickles this task by value

    if early_key is not None:  # on Dask: the head start began this chunk before the flow run
        from flows.headstart import collect_on_dask

        return [o.with_run_id(run_id) for o in collect_on_dask(early_key)]
    if worker_pool.current() is None:
        return process_chunk(items, out_dir, options, run_id, settings_hash)
    return worker_pool.run_chunk(items, out_dir, options, run_id, settings_hash)


def _record(store: ResultsStore, outcomes: Sequence[Outcome], summary: BatchSummary, *, settings_hash: str,
            run_id: str) -> None:
    """Store a chunk's results: its done meetings in one transaction, then its failures."""
    done = [o for o in outcomes if o.status == "done" and o.rows is not None]
    store.put_meetings([o.rows for o in done])
    summary.done.extend(o.meeting_id or o.source for o in done)
    for outcome in outcomes:
        if outcome.status == "done" and outcome.rows is not None:
            continue
        store.put_failure(
            source=outcome.source, meeting_id=outcome.meeting_id, input_hash=outcome.input_hash,
            settings_hash=settings_hash, dialoog_version=__version__, run_id=run_id,
            error_type=outcome.error_type or "Error", reason=outcome.reason, retryable=outcome.retryable,
            attempts=outcome.attempts,
        )
        summary.failed.append((outcome.source, outcome.meeting_id, outcome.error_type, outcome.reason))


# --------------------------------------------------------------------------- flow


@flow(name="analyze-archive", validate_parameters=False, log_prints=False)
def analyze_archive(
    root: str,
    out_dir: str,
    options: AnalyzeOptions | None = None,
    since: str | None = None,
    retry_failed: bool = False,
    workers: int = 1,
    max_chunk: int = MAX_CHUNK,
) -> BatchSummary:
    """Analyse every meeting under ``root`` into ``out_dir`` (reports + ``dialoog.duckdb``)."""
    # A SIGTERM that lands inside an import (duckdb's, say) surfaces as an ImportError:
    # let it through as the signal, so the batch stops cleanly (exit 143) instead of failing.
    with unmasked_termination():
        t0 = time.perf_counter()
        options = options_from(options)
        out = ensure_dir(out_dir)
        settings_hash, settings_json = settings_fingerprint(options)
        # What the head start already did (discovery, planning, the first chunks on the workers), if any.
        head = headstart.take(root, out, settings_hash, since=since, retry_failed=retry_failed, workers=workers,
                              max_chunk=max_chunk)
        stale = head.stale if head else remove_stale_parts(out)
        if stale:
            log.info("removed %d half-written file(s) left by an interrupted run", stale)
        run_id = _run_id()
        summary = BatchSummary(run_id=run_id)
        with ResultsStore(out) as store, _worker_pool(workers):
            if head is not None:
                plan, chunks = head.plan, head.chunks
            else:
                plan, chunks = plan_archive(root, out, store.states(), settings_hash=settings_hash, since=since,
                                            retry_failed=retry_failed, workers=workers, max_chunk=max_chunk)
            summary.total = len(plan.todo) + len(plan.skipped) + len(plan.held_back) + len(plan.rejected)
            summary.skipped = [i.meeting_id or i.source for i in plan.skipped]
            summary.held_back = [(i.source, reason) for i, reason in plan.held_back]
            store.start_run(run_id, dialoog_version=__version__, settings_hash=settings_hash,
                            settings_json=settings_json, root=str(root))
            _notify("total", summary.total)
            _notify("advance", len(plan.skipped) + len(plan.held_back))
            for item, reason in plan.rejected:
                rejected = Outcome(item.source, item.meeting_id, item.input_hash, "failed", error_type="InputError",
                                   reason=reason)
                _record(store, [rejected], summary, settings_hash=settings_hash, run_id=run_id)
                _notify("advance", 1)
            try:
                _run_chunks(chunks, in_flight_window(workers), store, summary, out=out,
                            options=options, run_id=run_id, settings_hash=settings_hash, head=head)
            except BaseException:  # SIGTERM (Prefect's TerminationSignal), Ctrl-C: stop the workers now
                from flows import pool as worker_pool

                worker_pool.abort()
                raise
            summary.seconds = time.perf_counter() - t0
            store.finish_run(run_id, done=len(summary.done), skipped=len(summary.skipped),
                             failed=len(summary.failed) + len(summary.held_back))
        return summary


def _run_chunks(chunks: list[list[MeetingItem]], window: int, store: ResultsStore, summary: BatchSummary,
                *, out: Path, options: AnalyzeOptions, run_id: str, settings_hash: str,
                head: headstart.HeadStart | None = None) -> None:
    """Keep ``window`` chunks in flight; store each one's results as it completes.

    A bounded window: memory stays flat however big the archive, and finished
    chunks' results are dropped once stored.
    """
    pending = collections.deque(chunks)
    inflight: dict = {}
    while pending or inflight:
        while pending and len(inflight) < window:
            chunk = pending.popleft()
            early_key = head.early_key(chunk) if head is not None else None
            inflight[analyze_chunk.submit(chunk, str(out), options, run_id, settings_hash, early_key)] = chunk
        fut = next(as_completed(list(inflight)))
        chunk = inflight.pop(fut)
        try:
            outcomes = fut.result()
        except Exception as exc:  # noqa: BLE001 - a crashed worker fails its chunk, not the batch
            reason = f"worker failed: {type(exc).__name__}: {exc}"
            outcomes = [Outcome(i.source, i.meeting_id, i.input_hash, "failed", error_type="WorkerError",
                                reason=reason, retryable=True) for i in chunk]
        _record(store, outcomes, summary, settings_hash=settings_hash, run_id=run_id)
        _notify("advance", len(outcomes))
        del fut, outcomes


def options_from(value: AnalyzeOptions | dict | None) -> AnalyzeOptions:
    """Options as given, or rebuilt from the JSON a deployment stored them as."""
    if value is None:
        return AnalyzeOptions()
    if isinstance(value, AnalyzeOptions):
        return value
    from pipeline.options import AudioOptions, DiarizeOptions, IngestOptions, TagOptions, TranscribeOptions

    d = dict(value)
    audio = dict(d.pop("audio", None) or {})
    if audio:
        audio = AudioOptions(
            transcribe=TranscribeOptions(**(audio.pop("transcribe", None) or {})),
            diarize=DiarizeOptions(**(audio.pop("diarize", None) or {})), **audio,
        )
    return AnalyzeOptions(
        **{k: v for k, v in d.items() if k not in ("ingest", "tag", "roles")},
        roles=tuple(d.get("roles") or ()),
        ingest=IngestOptions(**(d.get("ingest") or {})),
        tag=TagOptions(**(d.get("tag") or {})),
        **({"audio": audio} if audio else {}),
    )


@contextlib.contextmanager
def _worker_pool(workers: int):
    """Make sure ``--workers N`` chunks run in N processes when tasks run in threads.

    :func:`run_archive` starts the pool early (overlapping Prefect's start-up);
    a flow run started any other way (a deployment, ``flow.serve``) gets one here.
    """
    from flows import pool as worker_pool
    from prefect.context import FlowRunContext
    from prefect.task_runners import ThreadPoolTaskRunner

    ctx = FlowRunContext.get()
    threads = ctx is None or isinstance(ctx.task_runner, ThreadPoolTaskRunner)
    if worker_pool.current() is not None or workers <= 1 or not threads:
        yield
        return
    worker_pool.start(workers)
    try:
        yield
    finally:
        worker_pool.stop()


@flow(name="dialoog-archive-job", validate_parameters=False)
def archive_job(
    root: str,
    out_dir: str,
    options: dict | None = None,
    workers: int = 1,
    dask_address: str | None = None,
    dask_local: int | None = None,
    since: str | None = None,
    retry_failed: bool = False,
) -> dict:
    """Entry point for deployments (``prefect.yaml``, ``dialoog batch --every``): the archive
    flow as a subflow, on the task runner the parameters ask for."""
    runner = make_task_runner(workers, dask_address, dask_local)
    if dask_address:  # keep every worker of the cluster busy
        from flows.dask_cluster import cluster_slots

        workers = cluster_slots(dask_address)
    summary = analyze_archive.with_options(task_runner=runner)(
        root, out_dir, options_from(options), since=since, retry_failed=retry_failed,
        workers=max(1, dask_local or workers), max_chunk=DASK_MAX_CHUNK if dask_address or dask_local else MAX_CHUNK,
    )
    return {"done": len(summary.done), "skipped": len(summary.skipped),
            "failed": [{"source": s, "reason": r} for s, _m, _t, r in summary.failed]}


def _run_id() -> str:
    try:
        from prefect.runtime import flow_run

        rid = flow_run.id
        if rid:
            return str(rid)
    except Exception:  # noqa: BLE001 - outside a flow run
        pass
    return uuid.uuid4().hex


def make_task_runner(workers: int = 1, dask_address: str | None = None, dask_local: int | None = None):
    """The task runner for a batch: Dask (existing cluster or local processes), a process pool, or inline."""
    if dask_address or dask_local:
        from pipeline.errors import require

        require("prefect_dask", "dask", "prefect-dask")
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": int(dask_local), "threads_per_worker": 1, "processes": True,
                            "dashboard_address": None}
        )
    from prefect.task_runners import ThreadPoolTaskRunner

    # One thread per worker; with workers > 1 each thread feeds the process pool (see analyze_chunk).
    return ThreadPoolTaskRunner(max_workers=max(1, workers))


def run_archive(
    root: str | Path,
    out_dir: str | Path,
    options: AnalyzeOptions | None = None,
    *,
    workers: int = 1,
    dask_address: str | None = None,
    dask_local: int | None = None,
    since: str | None = None,
    retry_failed: bool = False,
    server: EarlyServer | None = None,
    cluster=None,
) -> BatchSummary:
    """Run :func:`analyze_archive` with the task runner these settings ask for.

    ``server``: Prefect's temporary server, started early by the caller
    (:func:`flows.server.start_early`); without one it is started here, still
    overlapping the worker processes' start-up, and stopped at the end (a server passed in
    is the caller's to stop).  ``cluster``: the :class:`flows.dask_cluster.BatchCluster` for
    ``dask_local``/``dask_address``, if the caller started it (and will close it).
    """
    from flows import pool as worker_pool
    from flows.watchdog import guard

    guard()  # a killed batch leaves no server, pool or Dask processes behind
    own_server = server is None  # the caller stops a server it started itself
    server = server or start_early()
    n = dask_local or workers
    try:
        with contextlib.ExitStack() as stack:
            if cluster is None and (dask_local or dask_address):  # unless the caller began it
                cluster = headstart.begin_on_dask(stack, root, out_dir, options, since=since,
                                                  retry_failed=retry_failed, dask_local=dask_local,
                                                  dask_address=dask_address)
            if cluster is not None:
                n = cluster.slots
                dask_address = cluster.address()
            elif workers > 1:  # unless the CLI began it already, before importing Prefect
                headstart.begin(root, out_dir, options, since=since, retry_failed=retry_failed, workers=workers)
            flow_ = analyze_archive.with_options(task_runner=make_task_runner(workers, dask_address))
            with server.serving() if server is not None else contextlib.nullcontext():
                return flow_(str(root), str(out_dir), options, since=since, retry_failed=retry_failed,
                             workers=max(1, n), max_chunk=DASK_MAX_CHUNK if dask_address else MAX_CHUNK)
    except BaseException:  # interrupted before or after the flow body (which aborts the pool itself)
        worker_pool.abort()
        raise
    finally:
        headstart.discard()
        worker_pool.stop()
        if own_server and server is not None:
            server.stop()
