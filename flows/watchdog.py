"""Leave no processes behind when a batch is killed (``kill -9``, OOM killer, power to a container).

A killed batch cannot stop its children: the ephemeral Prefect server (a
uvicorn subprocess), the worker pool, a local Dask cluster.  :func:`guard`
starts this module as a small separate process that watches the batch:
while it lives, the watchdog notes its descendants every half second; once it
is gone, it terminates (then kills) the ones still running — checked by start
time, so a reused pid is never hit — and exits.

    python -m flows.watchdog PARENT_PID
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

log = logging.getLogger(__name__)
POLL_S = 0.5


def _descendants(pid: int) -> dict[int, float]:
    import psutil

    try:
        kids = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return {}
    out = {}
    for k in kids:
        try:
            if k.pid != os.getpid():
                out[k.pid] = k.create_time()
        except psutil.Error:
            pass
    return out


def _alive(pid: int) -> bool:
    import psutil

    try:
        p = psutil.Process(pid)
        return p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def watch(parent: int) -> None:
    import psutil

    seen: dict[int, float] = {}
    while _alive(parent):
        seen = _descendants(parent) or seen
        time.sleep(POLL_S)
    procs = []
    for pid, started in seen.items():
        try:
            p = psutil.Process(pid)
            if p.create_time() == started:
                p.terminate()
                procs.append(p)
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(procs, timeout=3)
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass


_guarding: subprocess.Popen | None = None


def guard() -> subprocess.Popen | None:
    """Start a watchdog for this process, once (needs psutil, which the [dask] extra brings).

    Call it before starting any child process: one started before the watchdog's first look
    and killed with its parent would be missed."""
    global _guarding
    if _guarding is not None and _guarding.poll() is None:
        return _guarding
    try:
        import psutil  # noqa: F401
    except ImportError:
        log.debug("psutil not installed: no watchdog for child processes")
        return None
    _guarding = subprocess.Popen(
        [sys.executable, "-m", "flows.watchdog", str(os.getpid())],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True,
    )
    return _guarding


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    watch(int(sys.argv[1]))
