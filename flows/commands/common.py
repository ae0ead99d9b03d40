"""Options shared by ``dialoog analyze`` and ``dialoog batch``."""

from __future__ import annotations

import argparse
import dataclasses

from pipeline.options import AnalyzeOptions, AudioOptions, DiarizeOptions, IngestOptions, TagOptions, TranscribeOptions


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (value > 0 and value < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def add_analysis_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("meeting")
    g.add_argument("--role", action="append", default=[], metavar="NAME=ROLE",
                   help="assign a role to a speaker (buyer, supplier, cso, union, other); repeatable; "
                   "overrides the manifest. Speaker labels work too: --role SPEAKER_01=supplier")
    g.add_argument("--lang", default="auto", choices=("auto", "en", "nl"), help="language of the meeting (default: manifest, else detected)")
    g.add_argument("--pilot", help="pilot or company name for comparisons")
    g.add_argument("--report-lang", default="en", choices=("en", "nl"), help="language of the report (default en)")
    g.add_argument("--rubric", metavar="FILE", help="your own lesson rubric (TOML), instead of the shipped one")
    g.add_argument("--pseudonymise", action="store_true",
                   help="replace participant names (and names mentioned in the text) in every output")
    g.add_argument("--pseudonym-map", metavar="FILE_OR_DIR",
                   help="with --pseudonymise: also write the name -> pseudonym mapping to this owner-only .json file, "
                   "or, given a folder (a path without suffix; use one for batch), one <meeting-id>.pseudonyms.json "
                   "per meeting; it never goes into the reports")
    g.add_argument("--tagger", default="rules", choices=("rules", "transformers"), help="tagger backend (default: offline rules + small models)")
    g.add_argument("--tagger-model", metavar="NAME_OR_PATH", help="transformers model for --tagger transformers")
    a = p.add_argument_group("audio (recordings only)")
    a.add_argument("--asr-model", metavar="NAME_OR_PATH",
                   help="faster-whisper model (default: the bundled offline tiny.en; Dutch needs a multilingual one such as small)")
    a.add_argument("--asr-backend", default="faster-whisper", choices=("faster-whisper", "transformers"))
    a.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                   help="where the torch/CTranslate2 models run (ASR, and the transformers tagger backend): auto = a GPU if there is one")
    a.add_argument("--compute-type", default="default", help="CTranslate2 compute type (int8, float16, …)")
    a.add_argument("--beam-size", type=int, default=1)
    a.add_argument("--initial-prompt", help="domain words to help recognition (e.g. 'CSO, grievance, IMVO')")
    a.add_argument("--speakers", type=int, metavar="N", help="number of speakers, if known")
    a.add_argument("--min-speakers", type=int, default=1)
    a.add_argument("--max-speakers", type=int, default=8)
    a.add_argument("--diarizer", default="resemblyzer", choices=("resemblyzer", "pyannote", "channels"))
    a.add_argument("--serial-audio", action="store_true",
                   help="diarize after the transcription instead of alongside it (less memory; faster when "
                        "every core is already busy, e.g. a batch with one worker per core)")
    a.add_argument("--no-cache", action="store_true", help="transcribe again even if a cached result exists")
    a.add_argument("--cache-dir", help="where transcriptions are cached (default ~/.cache/dialoog)")
    a.add_argument("--allow-download", action="store_true", help="allow downloading models from the Hugging Face hub")
    lim = p.add_argument_group("limits")
    lim.add_argument("--max-input-mb", type=_positive_float, default=IngestOptions().max_bytes / 1e6, metavar="MB",
                     help="refuse transcript files larger than this (default %(default).0f MB)")
    lim.add_argument("--max-duration-min", type=_positive_float, default=AudioOptions().max_duration_s / 60, metavar="MIN",
                     help="refuse recordings longer than this (default %(default).0f min)")


def analysis_options(args: argparse.Namespace, meeting_id: str | None = None) -> AnalyzeOptions:
    if args.allow_download:
        from pipeline.privacy import allow_downloads

        allow_downloads()
    transcribe = TranscribeOptions(
        model=args.asr_model, backend=args.asr_backend, device=args.device, compute_type=args.compute_type,
        beam_size=args.beam_size, language=None if args.lang == "auto" else args.lang,
        initial_prompt=args.initial_prompt, allow_download=args.allow_download,
    )
    diarize = DiarizeOptions(
        backend=args.diarizer, num_speakers=args.speakers, min_speakers=args.min_speakers, max_speakers=args.max_speakers,
    )
    return AnalyzeOptions(
        language=args.lang, roles=tuple(args.role), meeting_id=meeting_id, pilot=args.pilot,
        report_lang=args.report_lang, rubric_path=args.rubric, pseudonymise=args.pseudonymise or bool(args.pseudonym_map),
        pseudonym_map=args.pseudonym_map,
        tag=TagOptions(backend=args.tagger, transformers_model=args.tagger_model, device=args.device),
        ingest=IngestOptions(max_bytes=int(args.max_input_mb * 1e6)),
        audio=AudioOptions(transcribe=transcribe, diarize=diarize, cache_dir=args.cache_dir, use_cache=not args.no_cache,
                           max_duration_s=args.max_duration_min * 60, parallel=not args.serial_audio),
    )


def replace(options: AnalyzeOptions, **changes) -> AnalyzeOptions:
    return dataclasses.replace(options, **changes)
