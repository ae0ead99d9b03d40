"""Run one corpus case through ``dialoog analyze`` in-process and check the outcome."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from flows.cli import main

from .corpus import Case
from .guards import no_hang


@dataclass(frozen=True)
class Outcome:
    case: Case
    status: int
    stdout: str
    stderr: str

    @property
    def message(self) -> str:
        lines = [ln for ln in self.stderr.splitlines() if ln.startswith("dialoog: ")]
        return lines[-1] if lines else ""


def run_cli(argv: list[str], seconds: float = 120) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with no_hang(seconds), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def run_case(case: Case, out_dir: Path) -> Outcome:
    if case.command == "tag":
        argv = ["tag", "--input", str(case.path), "--output", str(out_dir / "tags.jsonl"), *case.args]
    else:
        argv = ["analyze", str(case.path), "--out", str(out_dir), *case.args]
    status, stdout, stderr = run_cli(argv)
    return Outcome(case, status, stdout, stderr)


def problems(o: Outcome, out_dir: Path) -> list[str]:
    """What is wrong with an outcome (empty: as expected)."""
    c = o.case
    found: list[str] = []
    if c.expect == "ok" and o.status != 0:
        found.append(f"expected success, got exit {o.status}: {o.message or o.stderr[-300:]}")
    if c.expect == "error" and o.status != 2:
        found.append(f"expected exit 2 (bad input), got {o.status}: {o.message or o.stderr[-300:]}")
    if c.expect == "either" and o.status not in (0, 2):
        found.append(f"expected exit 0 or 2, got {o.status}: {o.message or o.stderr[-300:]}")
    if o.status == 2:
        msg = o.message
        if not msg.startswith("dialoog: error:") and "error:" not in msg:
            found.append(f"no one-line error message: {o.stderr[-300:]!r}")
        if "Traceback" in o.stderr:
            found.append("a traceback was printed for bad input")
        if c.names and c.names.lower() not in msg.lower():
            found.append(f"message does not name {c.names!r}: {msg}")
        if c.keywords and not any(k.lower() in msg.lower() for k in c.keywords):
            found.append(f"message has none of {c.keywords}: {msg}")
    parts = list(out_dir.rglob("*.part")) if out_dir.exists() else []
    if parts:
        found.append(f"half-written files left: {parts}")
    if o.status != 0 and out_dir.exists():
        reports = list(out_dir.rglob("report.*")) + list(out_dir.rglob("tags.jsonl"))
        if reports:
            found.append(f"a failed run left report files: {reports}")
    return found
