"""Speaker embeddings with resemblyzer's bundled encoder (d-vectors, 256 dims).

The encoder's weights come from the ``resemblyzer`` package (``pretrained.pt``),
but neither resemblyzer, librosa nor torch is imported: the 40-band mel
spectrogram is computed here with numpy (the same as
``librosa.feature.melspectrogram`` with resemblyzer's settings), the weights are
read from the legacy torch file by :mod:`models.diarize.torch_legacy`, and the
3-layer LSTM runs in numpy (a test checks all three against resemblyzer).  That
saves seconds of imports and JIT compilation and a few hundred MB per process.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from pathlib import Path

import numpy as np

from pipeline.errors import MissingDependencyError

log = logging.getLogger(__name__)

SR = 16_000
N_FFT = 400          # 25 ms
HOP = 160            # 10 ms
N_MELS = 40
PARTIAL_FRAMES = 160  # resemblyzer's 1.6 s partial utterances
_BLOCK_FRAMES = 6_000     # 1 min of frames per FFT block: ~40 MB of temporaries


def weights_path() -> Path:
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("resemblyzer (speaker embeddings)", "audio")
    return Path(list(spec.submodule_search_locations)[0]) / "pretrained.pt"


class VoiceEncoder:
    """resemblyzer's encoder in numpy: LSTM 40→256 (3 layers), linear 256→256, ReLU, L2 norm."""

    def __init__(self, state: dict[str, np.ndarray]) -> None:
        self.layers = [
            (state[f"lstm.weight_ih_l{i}"].T.astype(np.float32).copy(),
             state[f"lstm.weight_hh_l{i}"].T.astype(np.float32).copy(),
             (state[f"lstm.bias_ih_l{i}"] + state[f"lstm.bias_hh_l{i}"]).astype(np.float32))
            for i in range(3)
        ]
        self.w = state["linear.weight"].T.astype(np.float32).copy()
        self.b = state["linear.bias"].astype(np.float32)

    def __call__(self, mels: np.ndarray) -> np.ndarray:
        """Embeddings (batch × 256) of mel windows (batch × frames × 40)."""
        # The recurrence is many small matrix products: threaded BLAS only adds
        # synchronisation (30× slower on a busy 2-core machine), so run it on one thread.
        with _one_blas_thread():
            return self._forward(mels)

    def _forward(self, mels: np.ndarray) -> np.ndarray:
        x = np.asarray(mels, dtype=np.float32)
        n, steps, _ = x.shape
        h = np.zeros((n, 256), np.float32)
        for layer, (w_ih, w_hh, bias) in enumerate(self.layers):
            xp = (x.reshape(n * steps, -1) @ w_ih + bias).reshape(n, steps, 1024)
            h = np.zeros((n, 256), np.float32)
            c = np.zeros((n, 256), np.float32)
            seq = np.empty((n, steps, 256), np.float32) if layer < 2 else None
            for t in range(steps):
                g = xp[:, t] + h @ w_hh
                i, f, o = (0.5 + 0.5 * np.tanh(0.5 * g[:, k * 256:(k + 1) * 256]) for k in (0, 1, 3))
                c = f * c + i * np.tanh(g[:, 512:768])
                h = o * np.tanh(c)
                if seq is not None:
                    seq[:, t] = h
            x = seq if seq is not None else x
        raw = np.maximum(h @ self.w + self.b, 0.0)
        return raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-9)


def _one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


@functools.lru_cache(maxsize=1)
def voice_encoder() -> VoiceEncoder:
    """The encoder with resemblyzer's weights (read without torch), loaded once."""
    from models.diarize.torch_legacy import load_state

    return VoiceEncoder(load_state(weights_path()))


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
    enc = voice_encoder()
    if len(starts) == 0:
        return np.zeros((0, 256), np.float32)
    pad = max(0, int(starts.max()) + n_frames - mel.shape[0])
    if pad:
        mel = np.concatenate([mel, np.zeros((pad, mel.shape[1]), mel.dtype)])
    out = []
    idx = np.arange(n_frames)
    for i in range(0, len(starts), batch):
        s = starts[i:i + batch]
        out.append(enc(mel[s[:, None] + idx[None, :]]))
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
