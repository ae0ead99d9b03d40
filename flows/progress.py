"""The batch progress bar: rich, on stderr, only when stderr is a terminal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from flows.archive import add_progress_listener, remove_progress_listener


@contextlib.contextmanager
def batch_progress(enabled: bool = True) -> Iterator[None]:
    if not (enabled and sys.stderr.isatty()):
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("meetings"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True,
    )
    task_id = progress.add_task("batch", total=None)

    def listener(event: str, n: int) -> None:
        if event == "total":
            progress.update(task_id, total=n)
        else:
            progress.advance(task_id, n)

    add_progress_listener(listener)
    try:
        with progress:
            yield
    finally:
        remove_progress_listener(listener)
