"""Second ASR backend: a Whisper checkpoint through 🤗 transformers (extra ``transformers``).

For checkpoints faster-whisper cannot read (fine-tuned Dutch Whisper models in
transformers format, for instance).  The audio is cut into ≤ 30 s pieces at
pauses found by the Silero VAD; each piece is one segment.  Word times are
spread evenly over the piece's words (transformers gives no reliable word
timing without alignment heads), so prefer faster-whisper when word timing matters.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from models.asr.resolve import check_language
from pipeline.audio.segments import AsrResult, AsrSegment
from pipeline.errors import ModelNotAvailableError, require
from pipeline.options import TranscribeOptions
from pipeline.privacy import downloads_allowed
from pipeline.types import Word

log = logging.getLogger(__name__)

SR = 16_000
MAX_PIECE_S = 28.0


class TransformersWhisper:
    def __init__(self, model: str | None, *, device: str = "auto", allow_download: bool = False) -> None:
        require("transformers", "transformers", "transformers (ASR backend 'transformers')")
        torch = require("torch", "transformers", "torch")
        from transformers import WhisperForConditionalGeneration, WhisperProcessor

        ref = model or "openai/whisper-tiny"
        local_only = not (allow_download or downloads_allowed())
        try:
            self.processor = WhisperProcessor.from_pretrained(ref, local_files_only=local_only)
            self.model = WhisperForConditionalGeneration.from_pretrained(ref, local_files_only=local_only)
        except OSError as exc:
            raise ModelNotAvailableError(
                f"transformers Whisper model {ref!r} is not available offline — pass a local folder with "
                f"--model, run once with --allow-download, or `huggingface-cli download {ref}`"
            ) from exc
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = device
        self.model.to(device).eval()
        self.model_name = Path(ref).name if Path(ref).exists() else ref
        self.name = f"transformers:{self.model_name}"

    def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> AsrResult:
        import torch

        check_language(self.model_name, options.language)
        samples = np.asarray(samples, dtype=np.float32)
        if samples.size == 0 or float(np.max(np.abs(samples))) < 1e-4:
            return AsrResult((), options.language or "", self.name)
        pieces = split_at_pauses(samples) if options.vad_filter else _fixed(samples.size)
        limit = int(getattr(self.model.config, "max_target_positions", 448))
        gen_kwargs: dict = {"max_new_tokens": max(1, min(220, limit // 2 - 4))}
        lang = options.language if options.language not in (None, "auto") else None
        if lang and getattr(self.model.generation_config, "lang_to_id", None):
            gen_kwargs.update(language=lang, task="transcribe")
        segments = []
        batch = max(1, options.batch_size)
        for i in range(0, len(pieces), batch):
            group = pieces[i:i + batch]
            feats = self.processor.feature_extractor(
                [samples[a:b] for a, b in group], sampling_rate=SR, return_tensors="pt").input_features
            with torch.no_grad():
                ids = self.model.generate(feats.to(self.device), num_beams=options.beam_size, **gen_kwargs)
            texts = self.processor.batch_decode(ids, skip_special_tokens=True)
            for (a, b), text in zip(group, texts):
                text = text.strip()
                if text:
                    segments.append(AsrSegment(a / SR, b / SR, text, spread_words(text, a / SR, b / SR)))
        return AsrResult(tuple(segments), lang or "", self.name)


def spread_words(text: str, start: float, end: float) -> tuple[Word, ...]:
    """Words of ``text`` with times spread evenly (by length) over ``start``–``end``."""
    toks = text.split()
    if not toks:
        return ()
    weights = np.array([len(t) + 1 for t in toks], dtype=float)
    edges = start + (end - start) * np.concatenate([[0], np.cumsum(weights)]) / weights.sum()
    return tuple(Word(t, round(float(a), 3), round(float(b), 3)) for t, a, b in zip(toks, edges[:-1], edges[1:]))


def split_at_pauses(samples: np.ndarray, max_s: float = MAX_PIECE_S) -> list[tuple[int, int]]:
    """Speech pieces (sample ranges) of at most ``max_s``, cut at VAD pauses."""
    from models.diarize import vad

    mask = vad.speech_mask(vad.speech_probabilities(samples))
    out = []
    for s, e in vad.regions(mask):
        a, b = int(s * SR), min(samples.size, int(e * SR))
        step = int(max_s * SR)
        out += [(x, min(b, x + step)) for x in range(a, b, step)]
    return out


def _fixed(n: int, max_s: float = MAX_PIECE_S) -> list[tuple[int, int]]:
    step = int(max_s * SR)
    return [(a, min(n, a + step)) for a in range(0, n, step)]
