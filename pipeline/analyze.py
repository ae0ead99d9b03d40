"""One meeting, end to end: find the input, read or transcribe it, analyse, write.

The CLI (``dialoog analyze``) and the Prefect flows both call these functions,
so a meeting gives the same report whichever way it is run.

``resolve_input -> load_transcript -> analyze_transcript -> write_report_files``
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline import __version__
from pipeline.errors import InputError
from pipeline.options import AnalyzeOptions
from pipeline.types import Meeting, MeetingReport, Provenance, Transcript

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".mp3", ".m4a", ".aac", ".mp4", ".webm", ".ogg", ".opus", ".mkv", ".mov"})
TRANSCRIPT_SUFFIXES = frozenset({".vtt", ".srt", ".docx", ".json", ".txt", ".sbv"})
LANGUAGES = ("auto", "en", "nl")


@dataclass(frozen=True, slots=True)
class MeetingInput:
    """What to analyse: one transcript or recording, with the meeting's facts."""

    path: Path
    kind: str  # "transcript" | "audio"
    meeting: Meeting
    manifest_path: Path | None = None


def slugify(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return slug or "meeting"


def _kind_of(path: Path) -> str:
    return "audio" if path.suffix.lower() in AUDIO_SUFFIXES else "transcript"


def _candidates(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".")
        and p.suffix.lower() in (AUDIO_SUFFIXES | TRANSCRIPT_SUFFIXES)
        and not p.name.startswith(("report.", "reference."))
    )


def _from_folder(folder: Path) -> MeetingInput:
    from pipeline.manifest import find_manifest, load_manifest

    manifest_path = find_manifest(folder)
    if manifest_path is not None:
        manifest = load_manifest(manifest_path)
        # A transcript is preferred over a recording: it is faster and the user wrote it.
        target = manifest.transcript or manifest.media
        if target is not None:
            return MeetingInput(target, _kind_of(target), manifest.meeting, manifest_path)
        meeting = manifest.meeting
    else:
        meeting = Meeting(id=slugify(folder.name))
    found = _candidates(folder)
    transcripts = [p for p in found if _kind_of(p) == "transcript"]
    pick = transcripts or found
    if len(pick) != 1:
        what = "no transcript or recording" if not pick else f"{len(pick)} possible inputs ({', '.join(p.name for p in pick[:5])})"
        raise InputError(
            f"found {what} in the meeting folder",
            path=folder,
            hint="name the file in the folder's meeting.yaml (transcript: or media:) or pass the file itself",
        )
    target = pick[0]
    if manifest_path is None:
        meeting = dataclasses.replace(meeting, source=str(target))
    return MeetingInput(target, _kind_of(target), meeting, manifest_path)


def _from_file(path: Path) -> MeetingInput:
    from pipeline.manifest import find_manifest, load_manifest

    manifest_path = find_manifest(path.parent)
    if manifest_path is not None:
        manifest = load_manifest(manifest_path)
        named = {p.resolve() for p in (manifest.transcript, manifest.media) if p is not None}
        if not named or path.resolve() in named:
            return MeetingInput(path, _kind_of(path), manifest.meeting, manifest_path)
    return MeetingInput(path, _kind_of(path), Meeting(id=slugify(path.stem), source=str(path)))


def resolve_input(path: str | Path, options: AnalyzeOptions = AnalyzeOptions()) -> MeetingInput:
    """Find what to analyse at ``path`` (a transcript, a recording or a meeting folder).

    A ``meeting.yaml`` beside the file (or in the folder) supplies the meeting's
    facts; the command-line options (id, pilot, language, roles) override it.
    """
    p = Path(path)
    if not p.exists():
        raise InputError("no such file or folder", path=p, hint="check the path (a transcript, a recording or a meeting folder)")
    if options.language not in LANGUAGES:
        raise InputError(f"unknown language {options.language!r}", hint=f"use one of: {', '.join(LANGUAGES)}")
    inp = _from_folder(p) if p.is_dir() else _from_file(p)
    meeting = inp.meeting
    changes: dict[str, object] = {}
    if options.meeting_id:
        changes["id"] = options.meeting_id
    if options.pilot:
        changes["pilot"] = options.pilot
    if options.language != "auto":
        changes["language"] = options.language
    if not meeting.source:
        changes["source"] = str(inp.path)
    if changes:
        meeting = dataclasses.replace(meeting, **changes)
    if options.roles:
        from pipeline.manifest import apply_roles

        meeting = apply_roles(meeting, options.roles)
    return dataclasses.replace(inp, meeting=meeting)


def load_transcript(inp: MeetingInput, options: AnalyzeOptions = AnalyzeOptions()) -> Transcript:
    """Read the transcript, or transcribe and diarize the recording; roles assigned."""
    if inp.kind == "audio":
        from models.speech import transcribe_meeting

        audio = options.audio
        if inp.meeting.language in ("en", "nl") and audio.transcribe.language is None:
            audio = dataclasses.replace(
                audio, transcribe=dataclasses.replace(audio.transcribe, language=inp.meeting.language)
            )
        return transcribe_meeting(inp.path, inp.meeting, audio)
    from pipeline.ingest import read_transcript

    return read_transcript(inp.path, inp.meeting, options.ingest)


def _with_language(transcript: Transcript, language: str) -> Transcript:
    from pipeline.tagging import detect_language

    if language == "auto":
        language = transcript.meeting.language
    if language not in ("en", "nl"):
        language = detect_language(" ".join(u.text for u in transcript.utterances[:200]))
    meeting = dataclasses.replace(transcript.meeting, language=language)
    utterances = tuple(u if u.language else dataclasses.replace(u, language=language) for u in transcript.utterances)
    return dataclasses.replace(transcript, meeting=meeting, utterances=utterances)


def analyze_transcript(transcript: Transcript, options: AnalyzeOptions = AnalyzeOptions()) -> MeetingReport:
    """Tag, measure and score one meeting's transcript."""
    from pipeline.lessons import load_rubric, score_lessons
    from pipeline.metrics import compute_metrics
    from pipeline.tagging import tag_transcript, tagger_sources

    if options.pseudonymise:
        from pipeline.pseudonymise import pseudonymise_with_map, write_pseudonym_map
        from pipeline.report.writer import safe_folder_name

        transcript, mapping = pseudonymise_with_map(transcript)
        if options.pseudonym_map:
            target = Path(options.pseudonym_map)
            if target.is_dir() or not target.suffix:
                # a folder (needed for batches: one map per meeting, none overwritten)
                target = target / f"{safe_folder_name(transcript.meeting.id)}.pseudonyms.json"
            write_pseudonym_map(mapping, target)
    transcript = _with_language(transcript, options.language)
    tag_options = dataclasses.replace(options.tag, language=transcript.meeting.language)
    tagged = tag_transcript(transcript, tag_options)
    metrics = compute_metrics(tagged)
    rubric = load_rubric(options.rubric_path)
    lessons = score_lessons(tagged, metrics, rubric)
    provenance = Provenance(
        dialoog_version=__version__,
        rubric=rubric.identity,
        taggers=tagger_sources(),
        asr_model=tagged.audio.asr_model if tagged.audio else "",
        diarizer=tagged.audio.diarizer if tagged.audio else "",
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    return MeetingReport(transcript=tagged, metrics=metrics, lessons=lessons, provenance=provenance)


def analyze_path(
    path: str | Path, out_dir: str | Path, options: AnalyzeOptions = AnalyzeOptions()
) -> tuple[MeetingReport, dict[str, Path]]:
    """Analyse the meeting at ``path`` and write its report files under ``out_dir``."""
    from pipeline.report.writer import write_report_files

    inp = resolve_input(path, options)
    log.info("analysing %s (%s)", inp.meeting.id, inp.kind)
    try:
        transcript = load_transcript(inp, options)
    except InputError as exc:
        raise exc.with_path(inp.path) from exc
    report = analyze_transcript(transcript, options)
    paths = write_report_files(report, out_dir, options.report_lang)
    return report, paths
