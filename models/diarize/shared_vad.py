"""Silero speech probabilities computed once per recording, for faster-whisper and the diarizer.

faster-whisper's VAD filter (always on in its batched pipeline) runs the same
Silero model that the diarizer uses for speech detection.  ``SharedSpeech``
runs it once, exactly as faster-whisper does (the whole recording in one pass,
padded as faster-whisper pads it), and :func:`serve_faster_whisper` hands that
result to faster-whisper's ``get_speech_timestamps`` instead of running the
model again: the ASR output stays exactly what bare faster-whisper gives.
Whichever side asks first computes it; the other waits for it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

import numpy as np

from models.diarize.vad import FRAME

log = logging.getLogger(__name__)

_SERVING = threading.Lock()


class SharedSpeech:
    """Lazily computed Silero output for one 16 kHz mono recording."""

    def __init__(self, samples: np.ndarray) -> None:
        self._samples = np.asarray(samples, dtype=np.float32)
        self._lock = threading.Lock()
        self._raw: np.ndarray | None = None

    def padded_length(self) -> int:
        n = self._samples.size
        return n + FRAME - n % FRAME       # faster-whisper always pads (a full frame when n is a multiple)

    def raw(self) -> np.ndarray:
        """The model's output as faster-whisper's ``SileroVADModel`` returns it (computed on first use)."""
        with self._lock:
            if self._raw is None:
                import faster_whisper.vad as fv

                get_model = getattr(fv.get_vad_model, "real", fv.get_vad_model)   # never the served stand-in
                n = self._samples.size
                self._raw = get_model()(np.pad(self._samples, (0, FRAME - n % FRAME)))
            return self._raw

    def frame_probabilities(self) -> np.ndarray:
        """Speech probability of each 32 ms frame (as :func:`models.diarize.vad.speech_probabilities`)."""
        n = self._samples.size
        return np.asarray(self.raw(), dtype=np.float32).reshape(-1)[: -(-n // FRAME)]

    def matches(self, padded: np.ndarray) -> bool:
        """Whether ``padded`` is this recording as faster-whisper pads it."""
        x = self._samples
        if getattr(padded, "ndim", 0) != 1 or padded.shape[0] != self.padded_length():
            return False
        step = max(1, x.size // 4096)
        return bool(np.array_equal(padded[: x.size: step], x[::step]))


@contextlib.contextmanager
def serve_faster_whisper(shared: SharedSpeech | None) -> Iterator[None]:
    """While active, faster-whisper's VAD filter takes ``shared``'s result for that recording.

    Any other audio still goes to the real model; with an unknown faster-whisper
    layout, or while another recording is being served, nothing changes.
    """
    try:
        import faster_whisper.vad as fv
    except ImportError:
        fv = None
    if shared is None or fv is None or not hasattr(fv, "get_vad_model") or not _SERVING.acquire(blocking=False):
        yield
        return
    real = fv.get_vad_model

    class _Served:
        """Stands in for ``get_vad_model`` (called without arguments, gives a model)."""

        def __call__(self, audio, *args, **kwargs):
            if not args and not kwargs and shared.matches(audio):
                log.debug("faster-whisper VAD: reusing the shared Silero pass")
                return shared.raw()
            return real()(audio, *args, **kwargs)

    _Served.real = staticmethod(real)
    fv.get_vad_model = _Served
    try:
        yield
    finally:
        fv.get_vad_model = real
        _SERVING.release()
