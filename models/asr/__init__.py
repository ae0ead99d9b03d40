"""Speech recognition behind one small Protocol.

``get_transcriber(options)`` gives a loaded, cached :class:`Transcriber` for
the backend the options name: ``faster-whisper`` (default, CTranslate2) or
``transformers`` (a Whisper checkpoint through 🤗 transformers).
"""

from __future__ import annotations

import functools
from typing import Protocol, runtime_checkable

import numpy as np

from pipeline.audio.segments import AsrResult
from pipeline.errors import InputError
from pipeline.options import TranscribeOptions

BACKENDS = ("faster-whisper", "transformers")


@runtime_checkable
class Transcriber(Protocol):
    """Turns 16 kHz mono float32 samples into timed segments with words."""

    #: What produced the text (``faster-whisper:tiny.en`` …), recorded in reports and cache keys.
    name: str

    def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> AsrResult: ...


def get_transcriber(options: TranscribeOptions = TranscribeOptions()) -> Transcriber:
    """The transcriber for ``options`` (loaded once per model/device/compute type)."""
    if options.backend not in BACKENDS:
        raise InputError(f"unknown ASR backend {options.backend!r}", hint=f"use one of: {', '.join(BACKENDS)}")
    return _load(options.backend, options.model, options.device, options.compute_type,
                 options.cpu_threads, options.allow_download)


@functools.lru_cache(maxsize=4)
def _load(backend: str, model: str | None, device: str, compute_type: str, threads: int, allow_download: bool):
    if backend == "transformers":
        from models.asr.transformers_whisper import TransformersWhisper

        return TransformersWhisper(model, device=device, allow_download=allow_download)
    from models.asr.faster_whisper_backend import FasterWhisper

    return FasterWhisper(model, device=device, compute_type=compute_type, cpu_threads=threads,
                         allow_download=allow_download)


def clear_cache() -> None:
    """Forget loaded models (tests, or to free memory)."""
    _load.cache_clear()
