"""Speech detection with the Silero VAD that faster-whisper ships (ONNX, no download).

Gives per-frame speech probabilities (32 ms frames) and a cleaned speech mask:
hysteresis thresholds, short pauses bridged, blips dropped.
"""

from __future__ import annotations

import numpy as np

from pipeline.errors import require

FRAME = 512                 # samples per Silero frame at 16 kHz
FRAME_S = FRAME / 16_000    # 0.032 s
_CHUNK = 16_000 * 600       # run the model over ten-minute pieces (bounded memory)


def speech_probabilities(samples: np.ndarray) -> np.ndarray:
    """Silero speech probability of each 32 ms frame of 16 kHz mono ``samples``."""
    require("faster_whisper", "audio", "faster-whisper (Silero VAD)")
    from faster_whisper.vad import get_vad_model

    model = get_vad_model()
    samples = np.asarray(samples, dtype=np.float32)
    if samples.size == 0:
        return np.zeros(0, np.float32)
    out = []
    for i in range(0, samples.size, _CHUNK):
        piece = samples[i:i + _CHUNK]
        pad = (-piece.size) % FRAME
        if pad:
            piece = np.pad(piece, (0, pad))
        out.append(np.asarray(model(piece), dtype=np.float32).reshape(-1))
    return np.concatenate(out)


def speech_mask(probs: np.ndarray, *, onset: float = 0.2, offset: float = 0.1,
                min_pause_s: float = 0.25, min_speech_s: float = 0.2, pad_s: float = 0.0) -> np.ndarray:
    """Boolean speech mask from probabilities: hysteresis, pauses < ``min_pause_s`` bridged,
    speech regions widened by ``pad_s`` on each side (Silero cuts word onsets and endings short)."""
    mask = np.zeros(probs.size, dtype=bool)
    on = False
    for i, p in enumerate(probs):
        if on:
            on = p >= offset
        else:
            on = p >= onset
        mask[i] = on
    mask = fill_short(mask, False, int(round(min_pause_s / FRAME_S)))
    mask = fill_short(mask, True, int(round(min_speech_s / FRAME_S)))
    return pad(mask, int(round(pad_s / FRAME_S)))


def pad(mask: np.ndarray, frames: int) -> np.ndarray:
    """Widen every ``True`` run by ``frames`` on each side (within the array)."""
    if frames <= 0 or not mask.any():
        return mask.copy()
    out = mask.copy()
    for a, b, v in runs(mask):
        if v:
            out[max(0, a - frames):b + frames] = True
    return out


def runs(mask: np.ndarray) -> list[tuple[int, int, bool]]:
    """(start, end, value) of each run of equal values in a 1-D array."""
    if mask.size == 0:
        return []
    change = np.flatnonzero(np.diff(mask.astype(np.int8))) + 1
    bounds = np.concatenate([[0], change, [mask.size]])
    return [(int(a), int(b), bool(mask[a])) for a, b in zip(bounds[:-1], bounds[1:])]


def fill_short(mask: np.ndarray, value: bool, min_len: int) -> np.ndarray:
    """Flip inner runs of ``value`` shorter than ``min_len`` frames to the other value."""
    out = mask.copy()
    for a, b, v in runs(mask):
        if v == value and b - a < min_len and (value or (a > 0 and b < mask.size)):
            out[a:b] = not value
    return out


def regions(mask: np.ndarray) -> list[tuple[float, float]]:
    """Speech regions (start_s, end_s) of a frame mask."""
    return [(a * FRAME_S, b * FRAME_S) for a, b, v in runs(mask) if v]
