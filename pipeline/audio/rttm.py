"""Read and write RTTM speaker turns (``SPEAKER <file> 1 <start> <dur> <NA> <NA> <speaker> <NA> <NA>``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pipeline.audio.segments import SpeakerTurn
from pipeline.errors import InputError


def read_rttm(path: str | Path) -> dict[str, tuple[SpeakerTurn, ...]]:
    """Turns per file id from an RTTM file."""
    p = Path(path)
    if not p.is_file():
        raise InputError("RTTM file not found", path=p)
    out: dict[str, list[SpeakerTurn]] = {}
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] != "SPEAKER" or len(parts) < 8:
            continue
        try:
            start, dur = float(parts[3]), float(parts[4])
        except ValueError as exc:
            raise InputError(f"line {n}: start/duration are not numbers", path=p,
                             hint="RTTM lines look like: SPEAKER file 1 3.17 0.80 <NA> <NA> spk <NA> <NA>") from exc
        out.setdefault(parts[1], []).append(SpeakerTurn(parts[7], start, start + dur))
    return {k: tuple(sorted(v, key=lambda t: t.start)) for k, v in out.items()}


def rttm_lines(file_id: str, turns: Iterable[SpeakerTurn]) -> str:
    return "".join(f"SPEAKER {file_id} 1 {t.start:.3f} {t.duration:.3f} <NA> <NA> {t.speaker} <NA> <NA>\n"
                   for t in turns)
