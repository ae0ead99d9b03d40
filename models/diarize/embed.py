"""Speaker embeddings with resemblyzer's bundled encoder (d-vectors, 256 dims).

The encoder's weights come from the ``resemblyzer`` package (``pretrained.pt``),
but neither resemblyzer nor librosa is imported: the 40-band mel spectrogram is
computed here with numpy (the same as ``librosa.feature.melspectrogram`` with
resemblyzer's settings; a test checks they agree) and the 3-layer LSTM is a
plain torch module.  That saves several seconds of imports and JIT compilation
per process, which matters for short recordings.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from pathlib import Path

import numpy as np

from pipeline.errors import MissingDependencyError, require

log = logging.getLogger(__name__)

SR = 16_000
N_FFT = 400          # 25 ms
HOP = 160            # 10 ms
N_MELS = 40
PARTIAL_FRAMES = 160  # resemblyzer's 1.6 s partial utterances
_BLOCK_FRAMES = 30_000


def weights_path() -> Path:
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("resemblyzer (speaker embeddings)", "audio")
    return Path(list(spec.submodule_search_locations)[0]) / "pretrained.pt"


@functools.lru_cache(maxsize=1)
def voice_encoder():
    """resemblyzer's encoder (LSTM 40→256 ×3, linear 256→256, ReLU, L2 norm) on CPU, loaded once."""
    torch = require("torch", "audio", "torch")

    class VoiceEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(N_MELS, 256, 3, batch_first=True)
            self.linear = torch.nn.Linear(256, 256)

        def forward(self, mels):
            _, (hidden, _) = self.lstm(mels)
            raw = torch.relu(self.linear(hidden[-1]))
            return raw / torch.norm(raw, dim=1, keepdim=True).clamp_min(1e-9)

    enc = VoiceEncoder()
    state = torch.load(weights_path(), map_location="cpu", weights_only=False)["model_state"]
    enc.load_state_dict({k: v for k, v in state.items() if k.split(".")[0] in ("lstm", "linear")})
    return enc.eval()


@functools.lru_cache(maxsize=1)
def mel_filterbank() -> np.ndarray:
    """Slaney-style mel filters (n_mels × (n_fft/2+1)), as librosa's defaults build them."""

    def hz_to_mel(f):
        f = np.asarray(f, dtype=np.float64)
        lin = f / (200.0 / 3)
        logstep = np.log(6.4) / 27.0
        return np.where(f >= 1000.0, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / logstep, lin)

    def mel_to_hz(m):
        m = np.asarray(m, dtype=np.float64)
        logstep = np.log(6.4) / 27.0
        return np.where(m >= 15.0, 1000.0 * np.exp(logstep * (m - 15.0)), m * (200.0 / 3))

    fft_freqs = np.linspace(0, SR / 2, 1 + N_FFT // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SR / 2), N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:N_MELS + 2] - mel_f[:N_MELS]))[:, None]
    return weights.astype(np.float32)


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """Power mel spectrogram (frames × 40, 10 ms hop, centred, zero-padded), computed in blocks."""
    samples = np.asarray(samples, dtype=np.float32)
    if samples.size == 0:
        return np.zeros((0, N_MELS), np.float32)
    y = np.pad(samples, (N_FFT // 2, N_FFT // 2))
    n = 1 + (y.size - N_FFT) // HOP
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(y, N_FFT)[::HOP][:n]
    fb = mel_filterbank()
    out = np.empty((n, N_MELS), np.float32)
    for i in range(0, n, _BLOCK_FRAMES):
        spec = np.abs(np.fft.rfft(frames[i:i + _BLOCK_FRAMES] * window, axis=1)) ** 2
        out[i:i + _BLOCK_FRAMES] = spec.astype(np.float32) @ fb.T
    return out


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
    """One embedding for a whole clip (e.g. an enrolment recording): mean of 1.6 s partials, L2-normed."""
    samples = np.asarray(samples, dtype=np.float32)
    if samples.size < SR // 2:
        samples = np.pad(samples, (0, SR // 2 - samples.size))
    mel = mel_frames(samples)
    starts = np.arange(0, max(1, mel.shape[0] - PARTIAL_FRAMES + 1), PARTIAL_FRAMES // 2)
    e = embed_windows(mel, starts, PARTIAL_FRAMES).mean(axis=0)
    return (e / max(float(np.linalg.norm(e)), 1e-9)).astype(np.float32)
