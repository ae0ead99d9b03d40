"""Prefect's temporary (ephemeral) API server, started at the very beginning of a batch.

Without ``PREFECT_API_URL``, Prefect 3 starts a local uvicorn subprocess when
the first flow runs, and waits for it: importing Prefect's server code and
opening its SQLite database takes 4–8 s on a small machine, all of it on the
batch's critical path.  :func:`start_early` launches the same server (the
command and environment of Prefect's ``SubprocessASGIServer``) before the CLI
has even imported Prefect, so that its start-up overlaps the imports, the
discovery and hashing of the archive and the start of the worker processes;
:meth:`EarlyServer.serving` then points the flow at it.

Nothing changes for users with their own server or Prefect Cloud: when
Prefect's settings name an API URL (environment, profile or ``prefect.toml``),
the early server is stopped unused.  It listens on 127.0.0.1 only, and stops
when the batch ends (if the batch is killed, the watchdog stops it).  If it
fails to come up, Prefect starts its own as before.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

#: The environment Prefect's own ``SubprocessASGIServer`` gives its server (no UI) …
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
#: … and, for a server that lives only as long as one batch, no event history: the event
#: persister would store every state change in SQLite, and its vacuum service deletes old
#: ones at start-up (seconds of CPU next to the workers); automations (triggers) have no
#: use here.  Flow and task runs are still recorded.  A user's own setting wins.
QUIET_SERVICES = {"PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
                  "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false"}
STOP_TIMEOUT_S = 5.0


def server_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The server's environment: ours, with telemetry off (even if the caller skipped the CLI's
    privacy defaults: Prefect's server otherwise reports usage to Prefect), quiet services
    unless the user set them, and the ephemeral-server settings."""
    from pipeline.privacy import privacy_defaults

    env = dict(os.environ if environ is None else environ)
    return {**privacy_defaults(), **QUIET_SERVICES, **env, **SERVER_ENV}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EarlyServer:
    """A Prefect API server subprocess on a free local port, started now."""

    def __init__(self) -> None:
        spec = importlib.util.find_spec("prefect")  # finds the package without importing it
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError("prefect")
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.process: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent),
             "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env=server_env(), stdin=subprocess.DEVNULL,
        )

    def wait_ready(self, timeout: float) -> bool:
        """Wait until the server answers its health check; False if it exited or timed out."""
        deadline = time.monotonic() + timeout
        while self.process is not None and self.process.poll() is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/api/health")
                if conn.getresponse().status == 200:
                    return True
            except OSError:
                pass
            finally:
                conn.close()
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        return False

    @contextlib.contextmanager
    def serving(self) -> Iterator[str | None]:
        """Point Prefect at this server for the duration (yields its URL), unless the user
        configured a server of their own or this one did not come up (yields None)."""
        from prefect.settings import (
            PREFECT_API_URL,
            PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
            temporary_settings,
        )

        if PREFECT_API_URL.value():  # the user's own server (profile or prefect.toml)
            self.stop()
            yield None
            return
        if not self.wait_ready(float(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())):
            log.debug("the early Prefect server did not come up; Prefect starts its own")
            self.stop()
            yield None
            return
        with temporary_settings(updates={PREFECT_API_URL: self.api_url}):
            yield self.api_url

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _profile_names_a_server() -> bool:
    """Whether the active Prefect profile sets ``PREFECT_API_URL`` (read without importing Prefect).

    Only a shortcut: :meth:`EarlyServer.serving` asks Prefect itself, which also
    knows ``prefect.toml`` and ``.env`` files.
    """
    import tomllib

    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    active = os.environ.get("PREFECT_PROFILE") or data.get("active") or "ephemeral"
    profile = (data.get("profiles") or {}).get(active) or {}
    return bool(isinstance(profile, dict) and profile.get("PREFECT_API_URL"))


def start_early() -> EarlyServer | None:
    """Start the temporary server now, unless the environment names a server or forbids one."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    if os.environ.get("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "").strip().lower() in ("0", "false", "no"):
        return None
    if _profile_names_a_server():
        return None
    if "prefect.settings" in sys.modules:  # already imported: its settings are cheap to ask
        from prefect.settings import PREFECT_API_URL

        if PREFECT_API_URL.value():
            return None
    try:
        return EarlyServer()
    except Exception:  # noqa: BLE001 - Prefect will start (and report on) its own server
        log.debug("could not start the Prefect server early", exc_info=True)
        return None
