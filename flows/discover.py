"""Find the meetings in an archive folder, fingerprint them, and plan a batch run.

A *meeting* is either a folder with a manifest (``meeting.yaml``/``.yml``/``.toml``;
everything below it belongs to that meeting) or a loose transcript/recording
file outside such folders.  Each gets a content hash of its input files (the
manifest included), so an unchanged meeting analysed with unchanged settings
and the same dialoog version is skipped.  Pure Python; no Prefect here.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from pipeline import __version__
from pipeline.options import AnalyzeOptions
from pipeline.report.writer import report_dir
from pipeline.store import StoredState

log = logging.getLogger(__name__)

MANIFEST_NAMES = ("meeting.yaml", "meeting.yml", "meeting.toml")
TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".docx", ".json", ".txt")
MEDIA_SUFFIXES = (".wav", ".mp3", ".m4a", ".mp4", ".webm", ".ogg")
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class MeetingItem:
    """One meeting found in an archive."""

    source: str                 # the folder (manifest meetings) or file (loose meetings), as a path string
    meeting_id: str | None      # from the manifest, or derived from the file name; None if unreadable
    input_hash: str
    is_folder: bool
    date: str | None = None     # the manifest's date, if any (for --since)
    #: Meeting id to pass to the pipeline (loose files only; manifests name their own).
    id_override: str | None = None
    #: A recording to transcribe (minutes of work), not a transcript (a fraction of a second).
    recording: bool = False

    def options_for(self, options: AnalyzeOptions) -> AnalyzeOptions:
        return replace(options, meeting_id=self.id_override) if self.id_override else options


@dataclass(frozen=True, slots=True)
class Plan:
    todo: tuple[MeetingItem, ...]
    skipped: tuple[MeetingItem, ...]                    # unchanged since the stored result
    held_back: tuple[tuple[MeetingItem, str], ...]      # failed before with the same inputs (see --retry-failed)
    rejected: tuple[tuple[MeetingItem, str], ...] = field(default=())  # e.g. duplicate meeting ids


# --------------------------------------------------------------------------- hashing


def _hash_file(h: "hashlib._Hash", path: Path) -> None:
    if not path.is_file():
        # A pipe or device (or a link to one) would block or never end; the worker refuses it by name.
        h.update(b"\0not-a-regular-file\0")
        return
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)


def _visible_files(folder: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out.extend(Path(dirpath) / f for f in sorted(filenames) if not f.startswith("."))
    return out


def input_hash(source: Path) -> str:
    """sha256 over the meeting's input files: names (relative) and contents."""
    h = hashlib.sha256()
    if source.is_dir():
        for p in _visible_files(source):
            h.update(p.relative_to(source).as_posix().encode() + b"\0")
            _hash_file(h, p)
            h.update(b"\0")
    else:
        h.update(source.suffix.lower().encode() + b"\0")
        _hash_file(h, source)
    return h.hexdigest()


def settings_fingerprint(options: AnalyzeOptions) -> tuple[str, str]:
    """(hash, json) of everything that changes results: options, rubric contents, dialoog version."""
    data = asdict(replace(options, meeting_id=None))
    if options.rubric_path:
        rubric = Path(options.rubric_path)
        data["rubric_sha256"] = hashlib.sha256(rubric.read_bytes()).hexdigest() if rubric.is_file() else None
    data["dialoog_version"] = __version__
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest(), text


# --------------------------------------------------------------------------- discovery


def _manifest_in(folder: Path) -> Path | None:
    return next((folder / n for n in MANIFEST_NAMES if (folder / n).is_file()), None)


def _peek_manifest(path: Path) -> tuple[str | None, str | None, bool | None]:
    """(id, date, names a recording rather than a transcript) from a manifest, or Nones if it
    can't be read (the worker will say why)."""
    try:
        if path.suffix == ".toml":
            import tomllib

            data = tomllib.loads(path.read_text(encoding="utf-8"))
        else:
            from pipeline.yamlio import safe_load

            data = safe_load(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - a corrupt manifest fails that meeting later, with the parser's reason
        return None, None, None
    if not isinstance(data, dict):
        return None, None, None
    mid = data.get("id")
    date = data.get("date")
    recording = None if data.get("transcript") is None and data.get("media") is None else not data.get("transcript")
    return ((str(mid).strip() or None) if mid is not None else None, (str(date) if date is not None else None),
            recording)


def slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return s or "meeting"


def discover_meetings(root: str | Path, *, exclude: Iterable[str | Path] = ()) -> list[MeetingItem]:
    """All meetings under ``root``, in path order (``exclude``: folders to skip, e.g. the output)."""
    root = Path(root)
    excluded = {Path(p).resolve() for p in exclude}
    if root.is_file():
        return [_loose_item(root, root.parent, set())]
    folders: list[Path] = []
    loose: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here.resolve() in excluded:
            dirnames[:] = []
            continue
        if _manifest_in(here) is not None:
            folders.append(here)
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        names = [f for f in sorted(filenames) if not f.startswith(".")]
        stems_with_transcript = {Path(f).stem for f in names if Path(f).suffix.lower() in TRANSCRIPT_SUFFIXES}
        for f in names:
            suffix = Path(f).suffix.lower()
            if suffix in TRANSCRIPT_SUFFIXES or (suffix in MEDIA_SUFFIXES and Path(f).stem not in stems_with_transcript):
                loose.append(here / f)
    items = [_folder_item(f) for f in folders]
    taken = {i.meeting_id for i in items if i.meeting_id}
    items += [_loose_item(p, root, taken) for p in loose]
    return sorted(items, key=lambda i: i.source)


def _folder_item(folder: Path) -> MeetingItem:
    manifest = _manifest_in(folder)
    mid, date, recording = _peek_manifest(manifest) if manifest else (None, None, None)
    if recording is None:  # the manifest names no file: the folder's own files tell
        suffixes = {p.suffix.lower() for p in _visible_files(folder) if p.name not in MANIFEST_NAMES}
        recording = bool(suffixes & set(MEDIA_SUFFIXES)) and not suffixes & set(TRANSCRIPT_SUFFIXES)
    return MeetingItem(source=str(folder), meeting_id=mid, input_hash=input_hash(folder), is_folder=True, date=date,
                       recording=recording)


def _loose_item(path: Path, root: Path, taken: set[str]) -> MeetingItem:
    mid = slug(path.stem)
    if mid in taken:
        rel = path.relative_to(root) if path.is_relative_to(root) else path
        mid = slug(rel.with_suffix("").as_posix().replace("/", "-"))
    while mid in taken:
        mid += "-x"
    taken.add(mid)
    mtime = _dt.datetime.fromtimestamp(path.stat().st_mtime).date().isoformat()
    return MeetingItem(
        source=str(path), meeting_id=mid, input_hash=input_hash(path), is_folder=False, date=mtime, id_override=mid,
        recording=path.suffix.lower() in MEDIA_SUFFIXES,
    )


# --------------------------------------------------------------------------- planning


def plan_batch(
    items: Iterable[MeetingItem],
    stored: Mapping[str, StoredState],
    *,
    settings_hash: str,
    out_dir: str | Path,
    retry_failed: bool = False,
    since: str | None = None,
) -> Plan:
    """Split meetings into to-do, skipped (unchanged) and held back (failed before, unchanged)."""
    out_dir = Path(out_dir)
    todo, skipped, held, rejected = [], [], [], []
    seen: dict[str, str] = {}
    for item in items:
        if since and item.date and str(item.date)[:10] < since:
            continue
        if item.meeting_id:
            if item.meeting_id in seen:
                rejected.append((item, f"duplicate meeting id {item.meeting_id!r} (also in {seen[item.meeting_id]})"))
                continue
            seen[item.meeting_id] = item.source
        state = stored.get(item.source)
        unchanged = (
            state is not None
            and state.input_hash == item.input_hash
            and state.settings_hash == settings_hash
            and state.dialoog_version == __version__
        )
        if unchanged and state.status == "done" and (report_dir(out_dir, str(state.meeting_id)) / "report.json").is_file():
            skipped.append(item)
        elif unchanged and state.status == "failed" and not retry_failed:
            held.append((item, state.reason))
        else:
            todo.append(item)
    return Plan(tuple(todo), tuple(skipped), tuple(held), tuple(rejected))


# --------------------------------------------------------------------------- chunks

#: At most this many transcript meetings per task (progress granularity vs. per-task overhead).
MAX_CHUNK = 25
#: The same on Dask, where each task costs its worker ≈ 0.2–0.4 s of CPU in Prefect's task
#: engine (settings and API clients rebuilt per task) against ≈ 0.06–0.09 s per transcript meeting.
DASK_MAX_CHUNK = 100
#: Chunks shrink as the batch nears its end ("guided" scheduling): each is the rest divided by
#: this many chunks per worker, so the last ones are small and no worker idles long at the end …
CHUNKS_PER_WORKER = 2
#: … but never smaller than this (per-task overhead), unless fewer meetings are left.
MIN_CHUNK = 5


def chunked(items: Sequence[MeetingItem], workers: int, max_chunk: int = MAX_CHUNK) -> list[list[MeetingItem]]:
    """Tasks' worth of meetings: recordings first, each a chunk of its own (minutes of work: for
    balance, progress, and so that a killed batch redoes at most the recordings in flight); then
    the transcripts in order, in chunks that shrink towards the end."""
    transcripts = [i for i in items if not i.recording]
    chunks: list[list[MeetingItem]] = [[i] for i in items if i.recording]  # first: they take longest
    start, per_round = 0, max(1, workers) * CHUNKS_PER_WORKER
    while start < len(transcripts):
        left = len(transcripts) - start
        size = min(left, max(min(MIN_CHUNK, max_chunk), min(max_chunk, math.ceil(left / per_round))))
        chunks.append(transcripts[start : start + size])
        start += size
    return chunks


def in_flight_window(workers: int) -> int:
    """Chunks kept in flight at once: every worker busy, one more queued for each."""
    return max(2, 2 * workers)


def plan_archive(root: str | Path, out: Path, stored: Mapping[str, StoredState], *, settings_hash: str,
                 since: str | None, retry_failed: bool, workers: int,
                 max_chunk: int = MAX_CHUNK) -> tuple[Plan, list[list[MeetingItem]]]:
    """Discover the meetings under ``root`` (not in ``out``), plan them against the store and
    cut the to-do list into chunks: the flow's first steps, also taken by the head start."""
    items = discover_meetings(root, exclude=[out])
    plan = plan_batch(items, stored, settings_hash=settings_hash, out_dir=out, retry_failed=retry_failed, since=since)
    return plan, chunked(plan.todo, workers, max_chunk)
