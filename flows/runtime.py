"""Quiet, offline Prefect: settings applied before Prefect is imported.

* No telemetry, no network (:func:`pipeline.privacy.offline_by_default`).
* Works without a running Prefect server: Prefect then starts an *ephemeral*
  server (a local subprocess on a random port, SQLite under ``PREFECT_HOME``);
  on a busy machine that takes several seconds, so the start-up timeout is
  raised.  With ``PREFECT_API_URL`` set, flows report to that server instead.
* No "Error flushing events" tracebacks at shutdown: the ephemeral server's
  own logs (which are about its shutdown racing its event flush) are silenced,
  and task logs are not shipped to the API (they stay on stderr).

Every default is ``setdefault``: a user's own environment wins.
"""

from __future__ import annotations

import logging
import os

from pipeline.privacy import offline_by_default

_PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_SERVER_LEVEL": "CRITICAL",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    "PREFECT_TASKS_DEFAULT_PERSIST_RESULT": "false",
}

_QUIET_LOGGERS = ("prefect", "distributed", "tornado", "asyncio", "httpx", "httpcore", "bokeh")


def prepare_prefect() -> None:
    """Call before importing Prefect (the CLI and the flows' entry points do)."""
    offline_by_default()
    for key, value in _PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    _private_prefect_home()


def _private_prefect_home() -> None:
    """Create Prefect's home (its SQLite database names meetings and paths) owner-only, if missing."""
    from pathlib import Path

    from pipeline.fileio import ensure_dir

    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    if not home.exists():
        try:
            ensure_dir(home)
        except Exception:  # noqa: BLE001 - Prefect reports an unusable home itself
            logging.getLogger(__name__).debug("could not create %s", home, exc_info=True)


def quiet_third_party(verbose: int = 0) -> None:
    level = logging.DEBUG if verbose >= 2 else logging.WARNING
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(level)
    # Dask's worker/nanny shutdown chatter ("Worker ... closed", stream closed) is INFO/WARNING noise.
    for name in ("distributed.worker", "distributed.nanny", "distributed.scheduler", "distributed.core",
                 "distributed.comm", "distributed.batched", "distributed.http"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbose >= 2 else logging.ERROR)
