"""The ``dialoog`` command line.

Each subcommand lives in its own module under :mod:`flows.commands` with two
functions: ``register(subparsers)`` adds its parser, ``run(args) -> int`` does the
work.  Errors are mapped to exit statuses here, once (see :mod:`pipeline.errors`):
bad input gives a one-line message and status 2, a missing optional part 4, and a
bug 1 with the traceback only under ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from pipeline import __version__
from pipeline.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED, DialoogError, termination_in

log = logging.getLogger("dialoog")

_KEPT = "finished outputs are kept, nothing half-written remains; run the same command again to finish the rest"

#: Subcommand modules, in the order ``dialoog --help`` lists them.
COMMANDS = ("analyze", "tag", "batch", "compare", "eval_audio")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dialoog",
        description="Analyse recorded buyer–supplier meetings: talk time, questions, "
        "defensive responses and the SER lessons on reflection and transparency. "
        "Runs offline; nothing leaves this machine.",
    )
    parser.add_argument("--version", action="version", version=f"dialoog {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"flows.commands.{name}").register(sub)
    return parser


def configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # Third-party chatter stays at WARNING unless debugging.
    for noisy in ("prefect", "httpx", "distributed", "faster_whisper", "urllib3", "numba"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    from pipeline.privacy import offline_by_default

    offline_by_default()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2 already
        return int(exc.code or 0)
    configure_logging(args.verbose, args.quiet)
    try:
        return int(args.func(args) or 0)
    except DialoogError as exc:
        print(f"dialoog: error: {exc}", file=sys.stderr)
        if args.debug:
            raise
        return exc.exit_status
    except KeyboardInterrupt:
        print(f"dialoog: interrupted; {_KEPT}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BaseException as exc:
        # SIGTERM: ours (Terminated), or Prefect's TerminationSignal during a flow run (perhaps
        # behind the error of an import it interrupted).
        if termination_in(exc) is None:
            raise
        print(f"dialoog: stopped (SIGTERM); {_KEPT}", file=sys.stderr)
        return EXIT_TERMINATED
    except Exception as exc:  # noqa: BLE001 - the one place that maps bugs to an exit status
        if args.debug:
            raise
        print(
            f"dialoog: internal error: {type(exc).__name__}: {exc} "
            "(this is a bug; rerun with --debug for the traceback and please report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
