"""``dialoog batch ROOT --out DIR``: every meeting in an archive, incrementally, in parallel.

Meetings whose inputs, settings and dialoog version are unchanged since the
last run are skipped; a killed run resumes where it stopped.  Results go to
``DIR/<meeting-id>/report.*`` and the results store ``DIR/dialoog.duckdb``
(see ``docs/batch.md`` and ``docs/store.md``).  Exit 0 when every meeting is
done, 3 when some failed (the summary lists why).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import signal
import sys
from pathlib import Path

from flows.commands.common import add_analysis_options, analysis_options
from pipeline.errors import EXIT_OK, EXIT_PARTIAL, InputError, raise_terminated


def _date(text: str) -> str:
    try:
        return _dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="analyse every meeting in a folder (incremental, resumable, parallel)",
        description="Analyse every meeting under ROOT: folders with a meeting.yaml, and loose transcripts or "
        "recordings. Unchanged meetings are skipped; an interrupted run resumes. Reports go to "
        "OUT/<meeting-id>/, all results to the DuckDB store OUT/dialoog.duckdb.",
    )
    p.add_argument("root", metavar="ROOT", help="archive folder (or one meeting)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (reports + dialoog.duckdb)")
    par = p.add_argument_group("parallelism")
    mx = par.add_mutually_exclusive_group()
    mx.add_argument("--workers", type=_positive, default=1, metavar="N",
                    help="worker processes on this machine (default 1)")
    mx.add_argument("--dask-address", metavar="tcp://HOST:PORT", help="run on an existing Dask cluster")
    mx.add_argument("--dask-local", type=_positive, metavar="N", help="run on a local Dask cluster of N processes")
    sel = p.add_argument_group("selection")
    sel.add_argument("--since", type=_date, metavar="DATE",
                     help="only meetings dated on or after DATE (manifest date; file date for loose files)")
    sel.add_argument("--retry-failed", action="store_true", help="retry meetings that failed in an earlier run")
    outg = p.add_argument_group("output")
    outg.add_argument("--parquet", metavar="DIR", nargs="?", const="", default=None,
                      help="also export every store table as Parquet (default DIR: OUT/parquet)")
    outg.add_argument("--every", metavar="INTERVAL",
                      help="keep running: serve the batch as a Prefect deployment every INTERVAL (30m, 1h, 1d)")
    add_analysis_options(p)
    p.set_defaults(func=run)


def parse_interval(text: str) -> _dt.timedelta:
    units = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
    try:
        n, unit = float(text[:-1]), units[text[-1]]
    except (ValueError, KeyError, IndexError):
        raise InputError(f"not an interval: {text!r}", hint="use a number and a unit, e.g. 30m, 1h, 1d") from None
    if n <= 0:
        raise InputError(f"interval must be positive: {text!r}")
    return _dt.timedelta(**{unit: n})


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if not root.exists():
        raise InputError("no such folder", path=root, hint="give the archive folder to analyse")
    options = analysis_options(args)
    from flows.runtime import quiet_third_party

    quiet_third_party(args.verbose)
    if args.every:
        from flows.deploy import serve_archive

        serve_archive(root, args.out, options, interval=parse_interval(args.every), workers=args.workers,
                      dask_address=args.dask_address, dask_local=args.dask_local, retry_failed=args.retry_failed)
        return EXIT_OK

    from flows.runtime import prepare_prefect
    from flows.server import start_early
    from flows.watchdog import guard

    # SIGTERM stops the batch cleanly: workers stopped at once, nothing half-written, exit 143
    # (inside the flow run Prefect's own handler does the same, as TerminationSignal).
    signal.signal(signal.SIGTERM, raise_terminated)
    prepare_prefect()
    guard()  # first: a killed batch leaves no server or worker processes behind
    server = start_early()  # before importing Prefect: its start-up overlaps everything below
    try:
        with contextlib.ExitStack() as stack:
            cluster = _head_start(args, root, options, stack)
            from flows.archive import run_archive
            from flows.progress import batch_progress

            with batch_progress(enabled=not args.quiet):
                summary = run_archive(
                    root, args.out, options, workers=args.workers, dask_address=args.dask_address,
                    dask_local=args.dask_local, since=args.since, retry_failed=args.retry_failed, server=server,
                    cluster=cluster,
                )
    finally:
        if server is not None:
            server.stop()
    if args.parquet is not None:
        from pipeline.store import ResultsStore

        target = Path(args.parquet) if args.parquet else Path(args.out) / "parquet"
        with ResultsStore(args.out) as store:
            store.export_parquet(target)
        print(f"parquet: {target}/", file=sys.stderr)
    print_summary(summary, args.out, sys.stdout)
    return EXIT_OK if summary.ok else EXIT_PARTIAL


def _head_start(args: argparse.Namespace, root: Path, options, stack: contextlib.ExitStack):
    """Before Prefect is imported: start the workers (a process pool, or the Dask cluster in the
    background) and hand them the first chunks while Prefect starts.  Returns the Dask cluster, if any."""
    from flows import headstart

    if args.dask_local or args.dask_address:
        return headstart.begin_on_dask(stack, root, args.out, options, since=args.since,
                                       retry_failed=args.retry_failed, dask_local=args.dask_local,
                                       dask_address=args.dask_address)
    if args.workers > 1:
        from flows import pool

        stack.callback(pool.stop)  # run_archive stops them too; not if it was never reached
        stack.callback(headstart.discard)
        headstart.begin(root, args.out, options, since=args.since, retry_failed=args.retry_failed,
                        workers=args.workers)
    return None


def print_summary(summary, out_dir, stream) -> None:
    secs = max(summary.seconds, 1e-9)
    rate = len(summary.done) / secs
    stream.write(
        f"{summary.total} meetings: {len(summary.done)} done, {len(summary.skipped)} skipped (unchanged), "
        f"{len(summary.failed) + len(summary.held_back)} failed — {summary.seconds:.1f} s"
        + (f", {rate:.1f} meetings/s" if summary.done else "") + "\n"
    )
    for source, _mid, _etype, reason in summary.failed:
        stream.write(f"  failed: {source}: {_strip(reason, source)}\n")
    for source, reason in summary.held_back:
        stream.write(f"  failed earlier (unchanged; --retry-failed to retry): {source}: {_strip(reason, source)}\n")
    stream.write(f"results: {Path(out_dir) / 'dialoog.duckdb'}\n")


def _strip(reason: str, source: str) -> str:
    """The reason without a repeated path prefix."""
    return reason[len(source) + 2:] if reason.startswith(source + ": ") else reason
