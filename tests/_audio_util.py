"""Helpers for the audio tests: synthetic signals written with PyAV, fake models."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.audio.segments import AsrResult, AsrSegment, Diarization, SpeakerTurn
from pipeline.types import Word

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample" / "audio-call"


def tone(seconds: float = 1.0, rate: int = 44100, freq: float = 440.0, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def write_audio(path: Path, data: np.ndarray, codec: str, rate: int = 44100, fmt: str | None = None) -> Path:
    """Encode ``data`` (channels × n, or n) with PyAV into ``path``."""
    import av

    data = np.atleast_2d(data).astype(np.float32)
    layout = "stereo" if data.shape[0] == 2 else "mono"
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = layout
        fs = stream.codec_context.frame_size or 1024
        for i in range(0, data.shape[1], fs):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[:, i:i + fs]), format="fltp", layout=layout)
            frame.sample_rate = rate
            for pkt in stream.encode(frame):
                out.mux(pkt)
        for pkt in stream.encode(None):
            out.mux(pkt)
    return path


class CountingTranscriber:
    """A fake ASR: fixed words, counts its calls."""

    name = "fake-asr@1"

    def __init__(self, segments: tuple[AsrSegment, ...] | None = None) -> None:
        self.calls = 0
        self.segments = segments if segments is not None else (
            AsrSegment(0.2, 1.8, "hello there", (Word("hello", 0.2, 0.7), Word("there", 0.8, 1.8))),)

    def transcribe(self, samples, options):
        self.calls += 1
        return AsrResult(self.segments, "en", self.name)


class CountingDiarizer:
    name = "fake-diarizer@1"

    def __init__(self, turns: tuple[SpeakerTurn, ...] | None = None) -> None:
        self.calls = 0
        self.turns = turns if turns is not None else (SpeakerTurn("SPEAKER_00", 0.1, 1.9),)

    def diarize(self, audio, options):
        self.calls += 1
        return Diarization(self.turns, self.name)
