#!/usr/bin/env python3
"""Turn the sample meeting scripts into Microsoft Teams-style WebVTT transcripts.

Each script ``data/sample/scripts/<meeting-id>.yaml`` is a list of turns::

    - speaker: Sanne de Vries
      text: "Good morning, everyone."
      pause_before_s: 4.0   # optional: deliberate silence before this turn
      overlap_s: 0.8        # optional: starts this long before the previous turn ends
      rate_wpm: 120         # optional: speaking rate for this turn only

The generator writes ``data/sample/<meeting-id>/transcript.vtt`` and nothing
else; the hand-written ``meeting.yaml`` and ``NOTES.md`` next to it are never
touched. Timings come from word counts (each speaker gets a fixed rate between
140 and 160 words per minute) plus natural gaps of 0.2–0.8 s between turns; long
turns are split into several cues of at most ~12 s, as Teams does. Everything
random is drawn from a generator seeded by the meeting id, so running it twice
gives byte-identical files.

Usage::

    python scripts/make_samples.py                 # all scripts
    python scripts/make_samples.py companyB-call1  # one meeting
    python scripts/make_samples.py --out /tmp/x    # write elsewhere
    python scripts/make_samples.py --check         # exit 1 if a transcript is stale

Pure standard library plus PyYAML.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
SCRIPT_DIR = SAMPLE_DIR / "scripts"

MIN_WPM, MAX_WPM = 140, 160
MIN_GAP_S, MAX_GAP_S = 0.2, 0.8
MAX_CUE_S = 11.5  # split target; with jitter a cue stays at about 12 s or less
#: Teams starts a recording a moment after the meeting "starts".
LEAD_IN_S = 1.5
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")
_ALLOWED_KEYS = {"speaker", "text", "pause_before_s", "overlap_s", "rate_wpm"}


class ScriptError(ValueError):
    """A script file that cannot be turned into a transcript."""


def _seed(meeting_id: str) -> int:
    return int.from_bytes(hashlib.sha256(meeting_id.encode("utf-8")).digest()[:8], "big")


def load_script(path: Path) -> list[dict]:
    """Read and check one script file (a YAML list of turns)."""
    turns = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(turns, list) or not turns:
        raise ScriptError(f"{path}: expected a non-empty list of turns")
    for i, turn in enumerate(turns, 1):
        if not isinstance(turn, dict) or not turn.get("speaker") or not str(turn.get("text", "")).strip():
            raise ScriptError(f"{path}: turn {i} needs a speaker and a text")
        unknown = set(turn) - _ALLOWED_KEYS
        if unknown:
            raise ScriptError(f"{path}: turn {i} has unknown keys {sorted(unknown)}")
    return turns


def _words(text: str) -> int:
    return len(text.split())


def split_cues(text: str, wpm: float, max_s: float = MAX_CUE_S) -> list[str]:
    """Split one turn into chunks that each take at most ``max_s`` to say."""
    max_words = max(1, int(max_s * wpm / 60.0))
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        if _words(sentence) <= max_words:
            pieces.append(sentence)
            continue
        for clause in _CLAUSE_END.split(sentence):
            words = clause.split()
            while len(words) > max_words:
                pieces.append(" ".join(words[:max_words]))
                words = words[max_words:]
            if words:
                pieces.append(" ".join(words))
    chunks: list[str] = []
    for piece in pieces:
        if chunks and _words(chunks[-1]) + _words(piece) <= max_words:
            chunks[-1] = f"{chunks[-1]} {piece}"
        else:
            chunks.append(piece)
    return chunks


def _timestamp(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(meeting_id: str, turns: list[dict]) -> str:
    """The Teams-style WebVTT text for one meeting script (deterministic)."""
    rng = random.Random(_seed(meeting_id))
    rates: dict[str, float] = {}
    for turn in turns:  # rates assigned in order of first appearance
        rates.setdefault(turn["speaker"], round(rng.uniform(MIN_WPM, MAX_WPM), 1))
    lines = ["WEBVTT", ""]
    clock = LEAD_IN_S
    prev_start = prev_end = 0.0
    for index, turn in enumerate(turns):
        speaker = str(turn["speaker"])
        text = str(turn["text"])
        wpm = float(turn.get("rate_wpm") or rates[speaker])
        gap = round(rng.uniform(MIN_GAP_S, MAX_GAP_S), 2)
        if index == 0:
            start = clock
        elif turn.get("overlap_s"):
            start = max(prev_start + 0.3, prev_end - float(turn["overlap_s"]))
        elif turn.get("pause_before_s") is not None:
            start = prev_end + float(turn["pause_before_s"])
        else:
            start = prev_end + gap
        turn_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        t = start
        for part, chunk in enumerate(split_cues(text, wpm)):
            # a little jitter per chunk, as real speech is never uniform
            dur = _words(chunk) * 60.0 / wpm * rng.uniform(0.93, 1.07) + 0.25
            lines.append(f"{turn_id}/{index + 1}-{part}")
            lines.append(f"{_timestamp(t)} --> {_timestamp(t + dur)}")
            lines.append(f"<v {speaker}>{_escape(chunk)}</v>")
            lines.append("")
            t += dur
        prev_start, prev_end = start, t
    return "\n".join(lines)


def script_paths(script_dir: Path = SCRIPT_DIR, ids: list[str] | None = None) -> list[Path]:
    paths = sorted(script_dir.glob("*.yaml"))
    if ids:
        wanted = set(ids)
        paths = [p for p in paths if p.stem in wanted]
        missing = wanted - {p.stem for p in paths}
        if missing:
            raise ScriptError(f"no script for {sorted(missing)} in {script_dir}")
    return paths


def build(out_dir: Path = SAMPLE_DIR, script_dir: Path = SCRIPT_DIR,
          ids: list[str] | None = None) -> dict[str, Path]:
    """Write every (or the named) meeting's transcript.vtt under ``out_dir``."""
    written: dict[str, Path] = {}
    for path in script_paths(script_dir, ids):
        meeting_id = path.stem
        target = out_dir / meeting_id / "transcript.vtt"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = render_vtt(meeting_id, load_script(path))
        tmp = target.with_suffix(".vtt.tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(target)
        written[meeting_id] = target
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", help="meeting ids (default: every script)")
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR, help="folder to write <id>/transcript.vtt into")
    parser.add_argument("--check", action="store_true", help="only check that the transcripts are up to date")
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = []
            for path in script_paths(SCRIPT_DIR, args.ids):
                target = args.out / path.stem / "transcript.vtt"
                if not target.is_file() or target.read_text(encoding="utf-8") != render_vtt(path.stem, load_script(path)):
                    stale.append(path.stem)
            if stale:
                sys.stderr.write(f"stale transcripts: {', '.join(stale)} (run scripts/make_samples.py)\n")
                return 1
            return 0
        for meeting_id, target in build(args.out, SCRIPT_DIR, args.ids).items():
            sys.stdout.write(f"{meeting_id}: {target}\n")
    except ScriptError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
