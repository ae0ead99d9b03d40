"""Speaker embeddings with resemblyzer's bundled encoder (d-vectors, 256 dims)."""

from __future__ import annotations

import functools
import logging

import numpy as np

from pipeline.errors import require

log = logging.getLogger(__name__)

MEL_HOP_S = 0.01
_MEL_CHUNK = 16_000 * 300  # mel spectrogram of five-minute pieces


@functools.lru_cache(maxsize=1)
def voice_encoder():
    """The resemblyzer encoder on CPU (loaded once)."""
    require("resemblyzer", "audio", "resemblyzer")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from resemblyzer import VoiceEncoder

        return VoiceEncoder(device="cpu", verbose=False)


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """Resemblyzer's 40-band mel spectrogram (frames × 40, 10 ms hop), computed piecewise."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from resemblyzer.audio import wav_to_mel_spectrogram

    parts = []
    for i in range(0, samples.size, _MEL_CHUNK):
        piece = samples[i:i + _MEL_CHUNK]
        mel = wav_to_mel_spectrogram(piece)
        parts.append(mel[: int(np.ceil(piece.size / 160))])
    return np.concatenate(parts) if parts else np.zeros((0, 40), np.float32)


def embed_windows(mel: np.ndarray, starts: np.ndarray, n_frames: int, batch: int = 128) -> np.ndarray:
    """Embeddings (len(starts) × 256, L2-normed) of mel windows ``mel[s:s+n_frames]``."""
    import torch

    enc = voice_encoder()
    if len(starts) == 0:
        return np.zeros((0, 256), np.float32)
    pad = max(0, int(starts.max()) + n_frames - mel.shape[0])
    if pad:
        mel = np.concatenate([mel, np.zeros((pad, mel.shape[1]), mel.dtype)])
    out = []
    idx = np.arange(n_frames)
    with torch.no_grad():
        for i in range(0, len(starts), batch):
            s = starts[i:i + batch]
            x = torch.from_numpy(np.ascontiguousarray(mel[s[:, None] + idx[None, :]]))
            out.append(enc(x).numpy())
    return np.concatenate(out).astype(np.float32)


def embed_clip(samples: np.ndarray) -> np.ndarray:
    """One embedding for a whole clip (e.g. an enrolment recording)."""
    enc = voice_encoder()
    samples = np.asarray(samples, dtype=np.float32)
    if samples.size < 16_000 // 2:
        samples = np.pad(samples, (0, 16_000 // 2 - samples.size))
    return enc.embed_utterance(samples).astype(np.float32)
