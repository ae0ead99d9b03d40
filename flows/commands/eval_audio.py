"""`dialoog eval-audio`: score diarization (and optionally ASR) of one recording against references.

Prints DER with missed speech, false alarm and speaker confusion (pyannote.metrics,
no collar unless ``--collar``), JER, each reference speaker's talk-share error in
percentage points, and WER (jiwer) when ``--text`` gives the reference words.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from pipeline.errors import InputError, require


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval-audio", help="score diarization (DER, JER, talk share) and ASR (WER) of a recording",
                       description=__doc__)
    p.add_argument("audio", type=Path, help="the recording")
    p.add_argument("--rttm", type=Path, required=True, help="reference speaker turns (RTTM)")
    p.add_argument("--text", type=Path, help="reference words (plain text) to compute WER")
    p.add_argument("--speakers", type=int, help="number of speakers, if known (else estimated)")
    p.add_argument("--collar", type=float, default=0.0, help="forgiveness collar around reference boundaries, s (default 0)")
    p.add_argument("--diarizer", default="resemblyzer", help="resemblyzer | channels | pyannote")
    p.add_argument("--model", help="ASR model name or folder (default: bundled tiny.en)")
    p.add_argument("--language", help="force the ASR language (en, nl …)")
    p.add_argument("--allow-download", action="store_true", help="let the ASR model be downloaded if missing")
    p.add_argument("--no-cache", action="store_true", help="recompute instead of reading cached results")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def normalise_text(text: str) -> str:
    """Lower case, punctuation dropped, whitespace collapsed (for WER)."""
    text = re.sub(r"[^\w\s']", " ", text.lower())
    return " ".join(text.replace("'", "").split())


def run(args: argparse.Namespace) -> int:
    from models.speech import cached_asr, cached_diarization, diarize_options
    from pipeline.audio.der import score
    from pipeline.audio.load import file_sha256, load_audio
    from pipeline.audio.rttm import read_rttm
    from pipeline.options import AudioOptions, DiarizeOptions, TranscribeOptions
    from pipeline.types import Meeting

    if args.speakers is not None and args.speakers < 1:
        raise InputError("--speakers must be at least 1")
    if args.allow_download:
        from pipeline.privacy import allow_downloads

        allow_downloads()
    refs = read_rttm(args.rttm)
    if not refs:
        raise InputError("no SPEAKER lines in the RTTM file", path=args.rttm)
    ref = refs.get(args.audio.stem) or (next(iter(refs.values())) if len(refs) == 1 else None)
    if ref is None:
        raise InputError(f"RTTM has no turns for {args.audio.stem!r} (files: {', '.join(refs)})", path=args.rttm)
    options = AudioOptions(
        transcribe=TranscribeOptions(model=args.model, language=args.language, allow_download=args.allow_download),
        diarize=DiarizeOptions(backend=args.diarizer, num_speakers=args.speakers),
        use_cache=not args.no_cache,
    )
    audio = load_audio(args.audio, max_duration_s=options.max_duration_s)
    sha = file_sha256(args.audio)
    dopts = diarize_options(options.diarize, audio, Meeting(id=args.audio.stem))
    diar = cached_diarization(audio, sha, dopts, options, None)
    s = score(ref, diar.turns, collar=args.collar, uem=(0.0, audio.duration_s), uri=args.audio.stem)
    result = {"audio": str(args.audio), "diarizer": diar.diarizer, "collar_s": args.collar,
              "speakers_reference": len({t.speaker for t in ref}),
              "speakers_found": len(diar.speakers), **s.to_dict()}
    if args.text:
        jiwer = require("jiwer", "eval", "jiwer")
        if not args.text.is_file():
            raise InputError("reference text not found", path=args.text)
        asr = cached_asr(audio, sha, options.transcribe, options, None)
        hyp = normalise_text(" ".join(seg.text for seg in asr.segments))
        refw = normalise_text(args.text.read_text(encoding="utf-8"))
        result["asr_model"] = asr.model
        result["wer"] = round(float(jiwer.wer(refw, hyp)), 4) if refw else None
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    out = sys.stdout
    out.write(f"{args.audio}  ({result['speakers_reference']} reference speakers, {result['speakers_found']} found;"
              f" diarizer {diar.diarizer}; collar {args.collar:g} s)\n")
    out.write(f"DER {s.der:6.1%}  = missed {s.missed:.1%} + false alarm {s.false_alarm:.1%}"
              f" + confusion {s.confusion:.1%}\nJER {s.jer:6.1%}\n")
    out.write("talk share per reference speaker (reference → found, error in pp):\n")
    for spk, d in result["talk_share"].items():
        out.write(f"  {spk:24} {d['reference']:6.1%} → {d['hypothesis']:6.1%}  {d['error_pp']:+6.1f} pp\n")
    if "wer" in result:
        out.write(f"WER {result['wer']:.1%}  ({result['asr_model']})\n" if result["wer"] is not None
                  else "WER: reference text is empty\n")
    return 0
