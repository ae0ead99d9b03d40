"""Exceptions dialoog raises on purpose, and the exit statuses the CLI maps them to.

Validate once, at the boundary: parsers, manifest loading and option checks raise
:class:`InputError` (bad input the user can fix) with a message that names the
file and says how to fix it.  Anything else that escapes is an internal error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

#: Exit statuses of the ``dialoog`` command.
EXIT_OK = 0
EXIT_INTERNAL = 1      # a bug or an environment problem: please report it
EXIT_BAD_INPUT = 2     # the input (file, manifest, option) is wrong; the message says how to fix it
EXIT_PARTIAL = 3       # a batch finished but some meetings failed (see the summary)
EXIT_MISSING = 4       # an optional part (extra, model) is not installed / not available offline
EXIT_INTERRUPTED = 130  # Ctrl-C
EXIT_TERMINATED = 143   # SIGTERM (128 + 15)


class Terminated(BaseException):
    """SIGTERM arrived (a scheduler stopping the job, ``kill``): unwind and exit 143.

    A BaseException like KeyboardInterrupt, so that no ``except Exception`` swallows it.
    """


def raise_terminated(signum=None, frame=None) -> None:
    """A SIGTERM handler: turn the signal into :class:`Terminated` (clean-up still runs)."""
    raise Terminated()


def termination_in(exc: BaseException | None) -> BaseException | None:
    """The SIGTERM behind ``exc`` (ours, :class:`Terminated`, or Prefect's ``TerminationSignal``),
    if any: a signal that arrives while a C extension is being imported surfaces as that
    import's error (``ImportError`` … caused by the signal)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, Terminated) or type(exc).__name__ == "TerminationSignal":
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


@contextlib.contextmanager
def unmasked_termination() -> Iterator[None]:
    """Let a SIGTERM that another exception masks (see :func:`termination_in`) through as itself."""
    try:
        yield
    except BaseException as exc:
        signal_exc = termination_in(exc)
        if signal_exc is None or signal_exc is exc:
            raise
        raise signal_exc from None


class DialoogError(Exception):
    """Base class of dialoog's own errors."""

    exit_status = EXIT_INTERNAL


class InputError(DialoogError, ValueError):
    """Input the user can fix: says what is wrong, where, and how to fix it."""

    exit_status = EXIT_BAD_INPUT

    def __init__(self, problem: str, *, path: str | Path | None = None, hint: str = "") -> None:
        self.problem = problem
        self.path = str(path) if path is not None else None
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        fix = f" — {self.hint}" if self.hint else ""
        return f"{where}{self.problem}{fix}"

    def with_path(self, path: str | Path) -> "InputError":
        """The same error, naming ``path`` (for errors raised below the file level)."""
        if self.path:
            return self
        err = type(self)(self.problem, path=path, hint=self.hint)
        return err


class MissingDependencyError(DialoogError, ImportError):
    """An optional part is not installed; the message names the extra to install."""

    exit_status = EXIT_MISSING

    def __init__(self, what: str, extra: str) -> None:
        self.what = what
        self.extra = extra
        super().__init__(f"{what} is not installed — install it with: pip install 'dialoog[{extra}]'")


class ModelNotAvailableError(DialoogError):
    """A model is neither cached locally nor allowed to be downloaded."""

    exit_status = EXIT_MISSING


def require(module: str, extra: str, what: str | None = None):
    """Import an optional heavy module, or raise :class:`MissingDependencyError` naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise MissingDependencyError(what or module, extra) from exc
