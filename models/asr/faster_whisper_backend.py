"""The default ASR backend: faster-whisper (CTranslate2), batched, with word timestamps."""

from __future__ import annotations

import logging

import numpy as np

from models.asr.resolve import check_language, resolve_faster_whisper
from pipeline.audio.segments import AsrResult, AsrSegment
from pipeline.errors import require
from pipeline.options import TranscribeOptions
from pipeline.types import Word

log = logging.getLogger(__name__)

#: A prompt with words Whisper tends to miss in due-diligence calls (``--prompt`` / ``initial_prompt``).
DOMAIN_PROMPT = "CSO, grievance, IMVO, OECD, due diligence, supplier, union, audit, CSR."


def resolve_compute_type(device: str, compute_type: str) -> str:
    """``default`` means int8 on CPU (fast, small) and the model's own type on a GPU."""
    if compute_type != "default":
        return compute_type
    if device == "cpu":
        return "int8"
    if device == "auto":
        try:
            import ctranslate2

            return "default" if ctranslate2.get_cuda_device_count() > 0 else "int8"
        except Exception:  # noqa: BLE001
            return "int8"
    return "default"


class FasterWhisper:
    """A loaded faster-whisper model (see :class:`models.asr.Transcriber`)."""

    def __init__(self, model: str | None = None, *, device: str = "auto", compute_type: str = "default",
                 cpu_threads: int = 0, allow_download: bool = False) -> None:
        fw = require("faster_whisper", "audio", "faster-whisper")
        self.model_name, path = resolve_faster_whisper(model, allow_download)
        self.name = f"faster-whisper:{self.model_name}"
        self.compute_type = compute_type = resolve_compute_type(device, compute_type)
        log.info("loading %s from %s (device=%s, compute_type=%s)", self.name, path, device, compute_type)
        self.model = fw.WhisperModel(path, device=device, compute_type=compute_type, cpu_threads=cpu_threads,
                                     local_files_only=True)
        self._batched = None

    def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> AsrResult:
        check_language(self.model_name, options.language)
        samples = np.asarray(samples, dtype=np.float32)
        if samples.size == 0 or float(np.max(np.abs(samples))) < 1e-4:
            return AsrResult((), options.language or "", self.name)
        prompt = options.initial_prompt
        kwargs = dict(
            language=options.language if options.language not in (None, "auto") else None,
            beam_size=options.beam_size,
            word_timestamps=options.word_timestamps,
            vad_filter=options.vad_filter,
            initial_prompt=prompt,
            condition_on_previous_text=False,
        )
        if options.batch_size > 1:
            if self._batched is None:
                from faster_whisper import BatchedInferencePipeline

                self._batched = BatchedInferencePipeline(model=self.model)
            kwargs["vad_filter"] = True  # the batched pipeline cuts the audio at VAD pauses
            segments, info = self._batched.transcribe(samples, batch_size=options.batch_size, **kwargs)
        else:
            segments, info = self.model.transcribe(samples, **kwargs)
        out = []
        for seg in segments:  # a generator: decoding happens here
            words = tuple(Word(w.word.strip(), float(w.start), float(w.end), round(float(w.probability), 3))
                          for w in (seg.words or ()) if w.word.strip())
            out.append(AsrSegment(float(seg.start), float(seg.end), seg.text.strip(), words))
        log.info("%s: %d segments, language %s", self.name, len(out), info.language)
        return AsrResult(tuple(out), info.language or "", self.name)
