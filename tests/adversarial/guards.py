"""Guards the adversarial tests share: a hang detector and the "own error or result" rule."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pipeline.errors import InputError

T = TypeVar("T")


class Hang(Exception):
    """A parser ran past its time limit on one input (a likely infinite loop)."""


@contextlib.contextmanager
def no_hang(seconds: float = 5.0) -> Iterator[None]:
    """Fail with :class:`Hang` if the block runs longer than ``seconds`` (main thread, Unix)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _alarm(signum, frame):  # noqa: ARG001
        raise Hang(f"no result after {seconds}s")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def result_or_input_error(fn: Callable[..., T], *args: Any, seconds: float = 5.0, **kwargs: Any) -> T | InputError:
    """Call ``fn``: return its result or the :class:`InputError` it raised; anything else fails the test.

    An InputError must be one line and say something (the CLI prints it as is).
    """
    with no_hang(seconds):
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            msg = str(exc)
            assert msg.strip(), "InputError with an empty message"
            assert "\n" not in msg, f"InputError message is not one line: {msg!r}"
            return exc
