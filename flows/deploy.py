"""Run the archive flow on a schedule over a watched folder (``dialoog batch … --every 1h``).

``flow.serve`` registers a deployment with an interval schedule and runs it in
this process until interrupted.  It needs a Prefect API that stays up between
runs: a ``prefect server start`` on this machine (or Prefect Cloud) with
``PREFECT_API_URL`` set; see ``docs/batch.md`` and ``prefect.yaml``.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

from pipeline.errors import InputError
from pipeline.options import AnalyzeOptions


def serve_archive(
    root: str | Path,
    out_dir: str | Path,
    options: AnalyzeOptions,
    *,
    interval: _dt.timedelta,
    workers: int = 1,
    dask_address: str | None = None,
    dask_local: int | None = None,
    retry_failed: bool = False,
) -> None:
    if not os.environ.get("PREFECT_API_URL"):
        raise InputError(
            "--every needs a Prefect server that outlives this command",
            hint="start one with 'prefect server start' and set PREFECT_API_URL=http://127.0.0.1:4200/api "
            "(or use Prefect Cloud); see docs/batch.md",
        )
    import dataclasses

    from flows.archive import archive_job

    archive_job.serve(
        name="dialoog-archive",
        interval=interval,
        parameters={
            "root": str(Path(root).resolve()), "out_dir": str(Path(out_dir).resolve()),
            "options": dataclasses.asdict(options), "workers": workers, "dask_address": dask_address,
            "dask_local": dask_local, "retry_failed": retry_failed,
        },
        pause_on_shutdown=False,
    )
