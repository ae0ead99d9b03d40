"""Decode a recording into 16 kHz float32 samples with PyAV (no system ffmpeg needed).

Reads wav, flac, mp3, m4a/aac, mp4/webm (the audio track), ogg/opus and anything
else FFmpeg (bundled in PyAV's wheels) understands.  Frames are decoded and
resampled one packet at a time and gathered in blocks, so memory stays at about
the size of the result (16 kHz float32: 230 MB per channel-hour).  Stereo is
kept as two channels (a call with one party per channel); more channels are
mixed down to mono.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.errors import InputError, require

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
_BLOCK = SAMPLE_RATE * 60  # gather decoded frames into one-minute blocks


@dataclass(frozen=True)
class AudioData:
    """Decoded audio: ``samples`` has shape (channels, n), float32 in [-1, 1]."""

    path: str
    samples: np.ndarray
    sample_rate: int = SAMPLE_RATE
    #: Channels in the file before any down-mix.
    source_channels: int = 1

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / self.sample_rate

    def mono(self) -> np.ndarray:
        """All channels mixed to one (a view when already mono)."""
        if self.channels == 1:
            return self.samples[0]
        return self.samples.mean(axis=0, dtype=np.float32)

    @property
    def is_silent(self) -> bool:
        return self.samples.size == 0 or float(np.max(np.abs(self.samples))) < 1e-4


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """Content hash of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def load_audio(path: str | Path, *, max_duration_s: float | None = None, keep_stereo: bool = True) -> AudioData:
    """Decode ``path`` to 16 kHz float32; stereo stays two channels when ``keep_stereo``.

    Raises :class:`InputError` (naming the file) for a missing, empty, corrupt or
    truncated file, a file without an audio track, or one longer than ``max_duration_s``.
    A file with an audio track but no samples gives an empty :class:`AudioData`.
    """
    av = require("av", "audio", "PyAV (audio decoding)")
    p = Path(path)
    if not p.is_file():
        raise InputError("recording not found", path=p, hint="check the path or the manifest's `media:`")
    if p.stat().st_size == 0:
        raise InputError("recording is an empty (zero-byte) file", path=p, hint="export or copy the recording again")
    try:
        container = av.open(str(p), mode="r")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read this file as audio ({_reason(exc)})", path=p,
                         hint="is it a complete wav/mp3/m4a/mp4/webm/ogg/flac file?") from exc
    with container:
        if not container.streams.audio:
            raise InputError("file has no audio track", path=p, hint="give the recording with sound")
        stream = container.streams.audio[0]
        if stream.codec_context is None:
            # e.g. a WAV header naming a codec FFmpeg has no decoder for (a corrupted format field)
            raise InputError("cannot decode the audio track (unknown or corrupt codec)", path=p,
                             hint="export or copy the recording again, as wav, mp3 or m4a")
        src_channels = int(stream.codec_context.channels or 1)
        if max_duration_s is not None and container.duration:
            declared = container.duration / 1_000_000
            if declared > max_duration_s + 1:
                raise _too_long(p, declared, max_duration_s)
        out_ch = 2 if (keep_stereo and src_channels == 2) else 1
        resampler = av.AudioResampler(format="fltp", layout="stereo" if out_ch == 2 else "mono", rate=SAMPLE_RATE)
        blocks: list[np.ndarray] = []
        pending: list[np.ndarray] = []
        n_pending = n_total = 0
        limit = None if max_duration_s is None else int((max_duration_s + 1) * SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                frame.pts = None
                for out in resampler.resample(frame):
                    arr = out.to_ndarray().reshape(out_ch, -1)
                    pending.append(arr.astype(np.float32, copy=False))
                    n_pending += arr.shape[1]
                    n_total += arr.shape[1]
                if limit is not None and n_total > limit:
                    raise _too_long(p, n_total / SAMPLE_RATE, max_duration_s)
                if n_pending >= _BLOCK:
                    blocks.append(np.concatenate(pending, axis=1))
                    pending, n_pending = [], 0
            for out in resampler.resample(None):
                pending.append(out.to_ndarray().reshape(out_ch, -1).astype(np.float32, copy=False))
        except InputError:
            raise
        except (av.error.FFmpegError, ValueError, EOFError) as exc:
            if n_total == 0:
                raise InputError(f"corrupt or truncated recording ({_reason(exc)})", path=p,
                                 hint="export or copy the recording again") from exc
            log.warning("%s: decoding stopped early at %.1f s (%s); using what was read",
                        p, n_total / SAMPLE_RATE, _reason(exc))
        if pending:
            blocks.append(np.concatenate(pending, axis=1))
    samples = _join(blocks, out_ch)
    samples = np.clip(samples, -1.0, 1.0, out=samples)
    if max_duration_s is not None and samples.shape[1] / SAMPLE_RATE > max_duration_s + 1:
        raise _too_long(p, samples.shape[1] / SAMPLE_RATE, max_duration_s)
    log.info("%s: %.1f s, %d channel(s) at %d Hz", p, samples.shape[1] / SAMPLE_RATE, out_ch, SAMPLE_RATE)
    return AudioData(str(p), np.ascontiguousarray(samples), SAMPLE_RATE, src_channels)


def _join(blocks: list[np.ndarray], channels: int) -> np.ndarray:
    """The blocks as one array, freeing each block once copied (peak ≈ result + one block, not 2×)."""
    total = sum(b.shape[1] for b in blocks)
    out = np.empty((channels, total), np.float32)
    pos = 0
    blocks.reverse()
    while blocks:
        b = blocks.pop()
        out[:, pos:pos + b.shape[1]] = b
        pos += b.shape[1]
        del b
    return out


def channels_are_distinct(audio: AudioData, threshold: float = 0.9) -> bool:
    """Whether a stereo recording carries different signals per channel (one party each).

    Looks at the correlation of the two channels and how their energy differs
    over time; a mono recording duplicated to stereo is not distinct.
    """
    if audio.channels != 2 or audio.samples.shape[1] < SAMPLE_RATE // 2:
        return False
    left, right = audio.samples[0], audio.samples[1]
    n = min(left.size, SAMPLE_RATE * 600)
    a, b = left[:n].astype(np.float64), right[:n].astype(np.float64)
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    if denom < 1e-9:
        return False
    return abs(float((a * b).sum()) / denom) < threshold


def _too_long(p: Path, seconds: float, limit: float | None) -> InputError:
    return InputError(
        f"recording is {seconds / 60:.1f} min long, over the limit of {(limit or 0) / 60:.1f} min",
        path=p, hint="split it, or raise the limit with --max-duration-min (AudioOptions.max_duration_s)",
    )


def _reason(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
