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


class _SharedTLSContexts:
    """Stands in for the ``ssl`` module inside Prefect's API client module: a verified TLS
    context (CA bundle loaded) is built once per CA file and shared; everything else is ``ssl``'s.

    Prefect builds a new verified context — reading and parsing the whole CA bundle, ≈ 20 ms of
    CPU — for every API client, and its task engine makes two clients per task run: on a Dask
    worker that is paid for every chunk.  A shared ``SSLContext`` is what ``ssl`` recommends (it
    is thread-safe, and Prefect does not change a verified one after building it).  Contexts
    built without a CA file (Prefect's "skip verification" mode changes them) are never shared.
    """

    def __init__(self, ssl_module) -> None:
        self._ssl = ssl_module
        self._contexts: dict = {}

    def __getattr__(self, name: str):
        return getattr(self._ssl, name)

    def create_default_context(self, purpose=None, *, cafile=None, capath=None, cadata=None):
        purpose = purpose if purpose is not None else self._ssl.Purpose.SERVER_AUTH
        if cafile is None or capath is not None or cadata is not None:
            return self._ssl.create_default_context(purpose, cafile=cafile, capath=capath, cadata=cadata)
        try:
            key = (purpose, cafile, os.stat(cafile).st_mtime_ns)
        except OSError:
            return self._ssl.create_default_context(purpose, cafile=cafile)
        ctx = self._contexts.get(key)
        if ctx is None:
            ctx = self._contexts[key] = self._ssl.create_default_context(purpose, cafile=cafile)
        return ctx


def share_tls_contexts() -> None:
    """Let Prefect's API clients in this process share their verified TLS context (see
    :class:`_SharedTLSContexts`).  Safe to call again; a Prefect without that module is left alone."""
    try:
        import prefect.client.orchestration as orchestration
    except Exception:  # noqa: BLE001 - an optimisation only
        return
    current = getattr(orchestration, "ssl", None)
    if current is not None and not isinstance(current, _SharedTLSContexts) and hasattr(current, "create_default_context"):
        orchestration.ssl = _SharedTLSContexts(current)
