"""Speaker diarization behind one small Protocol.

``get_diarizer(options)`` gives the backend the options name:
``resemblyzer`` (default, offline: Silero VAD → resemblyzer → spectral clustering
→ resegmentation), ``channels`` (one speaker per channel of a stereo call) or
``pyannote`` (pyannote.audio, optional extra).
"""

from __future__ import annotations

import functools
from typing import Protocol, runtime_checkable

from pipeline.audio.load import AudioData
from pipeline.audio.segments import Diarization
from pipeline.errors import InputError
from pipeline.options import DiarizeOptions

BACKENDS = ("resemblyzer", "channels", "pyannote")


@runtime_checkable
class Diarizer(Protocol):
    """Finds who speaks when: speaker turns ``SPEAKER_00``, ``SPEAKER_01`` … in order of first speech."""

    name: str

    def diarize(self, audio: AudioData, options: DiarizeOptions) -> Diarization: ...


def get_diarizer(options: DiarizeOptions = DiarizeOptions()) -> Diarizer:
    if options.backend not in BACKENDS:
        raise InputError(f"unknown diarization backend {options.backend!r}", hint=f"use one of: {', '.join(BACKENDS)}")
    return _load(options.backend)


@functools.lru_cache(maxsize=4)
def _load(backend: str) -> Diarizer:
    if backend == "pyannote":
        from models.diarize.pyannote_backend import PyannoteDiarizer

        return PyannoteDiarizer()
    if backend == "channels":
        from models.diarize.channels import ChannelDiarizer

        return ChannelDiarizer()
    from models.diarize.resemblyzer_backend import ResemblyzerDiarizer

    return ResemblyzerDiarizer()
