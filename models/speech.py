"""Recording → diarized, timed :class:`Transcript`: the audio entry point.

``transcribe_meeting(path, meeting, options)`` loads the audio (PyAV), runs ASR
(:mod:`models.asr`) and diarization (:mod:`models.diarize`), both cached by audio
content and settings, aligns words to speaker turns
(:mod:`pipeline.audio.align`) and names the speakers after the meeting's
participants (:mod:`pipeline.audio.naming`).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from models.asr import Transcriber, get_transcriber
from models.asr.resolve import check_language, is_english_only
from models.diarize import Diarizer, get_diarizer
from pipeline.audio import cache
from pipeline.audio.align import align
from pipeline.audio.load import AudioData, channels_are_distinct, file_sha256, load_audio
from pipeline.audio.naming import apply_names, match_by_enrolment, match_by_order
from pipeline.audio.segments import AsrResult, Diarization
from pipeline.errors import InputError
from pipeline.options import AudioOptions, DiarizeOptions, TranscribeOptions
from pipeline.types import AudioInfo, Meeting, Transcript

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]


def transcribe_meeting(path: str | Path, meeting: Meeting, options: AudioOptions = AudioOptions(), *,
                       transcriber: Transcriber | None = None, diarizer: Diarizer | None = None,
                       progress: Progress | None = None) -> Transcript:
    """Transcribe and diarize one recording; utterances carry ``words``, roles from ``meeting``.

    ``transcriber``/``diarizer`` replace the backends the options name (tests, custom models).
    Silent or empty audio gives a transcript without utterances.
    """
    step = progress or (lambda stage, frac: None)
    path = Path(path)
    topts = transcribe_options(options.transcribe, meeting)
    if topts.backend == "faster-whisper":
        check_language(topts.model, topts.language)   # before decoding an hour of audio
    step("load", 0.0)
    audio = load_audio(path, max_duration_s=options.max_duration_s)
    sha = file_sha256(path)
    dopts = diarize_options(options.diarize, audio, meeting)
    asr, diar = _asr_and_diarization(audio, sha, topts, dopts, options, transcriber, diarizer, step)
    step("align", 0.9)
    utterances = align(asr, diar.turns)
    mapping = _speaker_names(audio, diar, meeting, path) if meeting.participants and utterances else {}
    utterances, named_meeting = apply_names(utterances, meeting, mapping)
    if not named_meeting.source:
        named_meeting = replace(named_meeting, source=str(path))
    info = AudioInfo(path=str(path), duration_s=round(audio.duration_s, 3), sample_rate=audio.sample_rate,
                     channels=audio.source_channels, asr_model=asr.model, diarizer=diar.diarizer, sha256=sha)
    step("done", 1.0)
    return Transcript(meeting=named_meeting, utterances=utterances, source_format="audio", audio=info)


def _asr_and_diarization(audio: AudioData, sha: str, topts: TranscribeOptions, dopts: DiarizeOptions,
                         options: AudioOptions, transcriber: Transcriber | None, diarizer: Diarizer | None,
                         step: Progress) -> tuple[AsrResult, Diarization]:
    """ASR and diarization, the diarizer in a second thread while the ASR runs (``options.parallel``).

    faster-whisper (CTranslate2) releases the GIL while it decodes and leaves a
    core idle for much of the time (VAD, feature extraction, word alignment, the
    gaps between batches); the diarizer's numpy work fills it.  Both share one
    Silero VAD pass (:mod:`models.diarize.shared_vad`).
    """
    from models.diarize.shared_vad import SharedSpeech, serve_faster_whisper

    shared = None if audio.is_silent else SharedSpeech(audio.mono())
    if not options.parallel or audio.is_silent:
        step("transcribe", 0.1)
        with serve_faster_whisper(shared):
            asr = cached_asr(audio, sha, topts, options, transcriber)
        step("diarize", 0.6)
        return asr, cached_diarization(audio, sha, dopts, options, diarizer, shared)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dialoog-diarize") as pool:
        step("diarize", 0.1)
        diar_future = pool.submit(_in_background, cached_diarization, audio, sha, dopts, options, diarizer, shared)
        step("transcribe", 0.1)
        try:
            with serve_faster_whisper(shared):
                asr = cached_asr(audio, sha, topts, options, transcriber)
        except BaseException:
            diar_future.cancel()
            raise
        step("diarize", 0.6)
        return asr, diar_future.result()


#: Niceness added to the diarizer thread: the ASR's threads go first when the CPUs are busy.
BACKGROUND_NICE = 10


def _in_background(fn, *args):
    """Run ``fn`` in this (worker) thread at a lower CPU priority where the OS allows it (Linux: per thread)."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + BACKGROUND_NICE))
    except (AttributeError, OSError):  # pragma: no cover - no per-thread priorities here
        pass
    return fn(*args)


def transcribe_options(t: TranscribeOptions, meeting: Meeting) -> TranscribeOptions:
    if t.language is None and meeting.language in ("en", "nl"):
        t = replace(t, language=meeting.language)
    if t.language == "nl" and t.backend == "faster-whisper" and t.model is None and is_english_only(None):
        raise InputError(
            "this meeting is in Dutch but the default model (tiny.en) only knows English",
            hint="give a multilingual model: --model small (cached or with --allow-download), see docs/audio.md")
    return t


def diarize_options(d: DiarizeOptions, audio: AudioData, meeting: Meeting) -> DiarizeOptions:
    if audio.channels == 2:
        stereo = d.per_channel == "yes" or (d.per_channel == "auto" and channels_are_distinct(audio))
        if stereo and d.backend == "resemblyzer":
            log.info("stereo call with one party per channel: one speaker per channel")
            return replace(d, backend="channels")
    n = len(meeting.participants)
    if d.num_speakers is None and n >= 1 and d.backend == "resemblyzer":
        d = replace(d, max_speakers=min(d.max_speakers, max(n, d.min_speakers)))
    return d


def _settings(opts) -> dict:
    return {f.name: getattr(opts, f.name) for f in dataclasses.fields(opts)}


def cached_asr(audio: AudioData, sha: str, topts: TranscribeOptions, options: AudioOptions,
                transcriber: Transcriber | None) -> AsrResult:
    if audio.is_silent:
        return AsrResult((), topts.language or "", "")
    t = transcriber or get_transcriber(topts)
    settings = {**_settings(topts), "allow_download": None, "engine": t.name,
                "compute": getattr(t, "compute_type", None)}
    key = cache.cache_key(sha, settings)
    if options.use_cache and (hit := cache.load(options.cache_dir, "asr", key)) is not None:
        return AsrResult.from_dict(hit)
    result = t.transcribe(audio.mono(), topts)
    if options.use_cache:
        cache.store(options.cache_dir, "asr", key, result.to_dict())
    return result


def cached_diarization(audio: AudioData, sha: str, dopts: DiarizeOptions, options: AudioOptions,
                        diarizer: Diarizer | None, speech=None) -> Diarization:
    """``speech``: a :class:`models.diarize.shared_vad.SharedSpeech` for diarizers that take one (``shares_vad``)."""
    if audio.is_silent:
        return Diarization((), "")
    d = diarizer or get_diarizer(dopts)
    key = cache.cache_key(sha, {**_settings(dopts), "engine": d.name})
    if options.use_cache and (hit := cache.load(options.cache_dir, "diarization", key)) is not None:
        return Diarization.from_dict(hit)
    if speech is not None and getattr(d, "shares_vad", False):
        result = d.diarize(audio, dopts, speech=speech)
    else:
        result = d.diarize(audio, dopts)
    if options.use_cache:
        cache.store(options.cache_dir, "diarization", key, result.to_dict())
    return result


def _speaker_names(audio: AudioData, diar: Diarization, meeting: Meeting, path: Path) -> dict[str, str]:
    speakers = diar.speakers
    enrolled = {p.name: p.enrolment for p in meeting.participants if p.enrolment}
    if not enrolled:
        return match_by_order(speakers, meeting)
    from models.diarize.embed import embed_clip

    base = Path(meeting.source).parent if meeting.source else path.parent
    enrol_emb = {}
    for name, rel in enrolled.items():
        clip = Path(rel) if Path(rel).is_absolute() else base / rel
        enrol_emb[name] = embed_clip(load_audio(clip, keep_stereo=False).mono())
    return match_by_enrolment(speaker_embeddings(audio, diar), enrol_emb)


def speaker_embeddings(audio: AudioData, diar: Diarization, max_s: float = 30.0) -> dict[str, np.ndarray]:
    """One voice embedding per diarized speaker from up to ``max_s`` of their (longest) turns."""
    from models.diarize.embed import embed_clip

    x, sr = audio.mono(), audio.sample_rate
    out = {}
    for spk in diar.speakers:
        turns = sorted((t for t in diar.turns if t.speaker == spk), key=lambda t: -t.duration)
        pieces, total = [], 0.0
        for t in turns:
            if total >= max_s:
                break
            pieces.append(x[int(t.start * sr):int(t.end * sr)])
            total += t.duration
        out[spk] = embed_clip(np.concatenate(pieces) if pieces else np.zeros(sr, np.float32))
    return out
