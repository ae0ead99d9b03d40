"""Optional diarization backend: a pyannote.audio pipeline (extra ``pyannote``).

The pipeline is loaded from a local folder or Hugging Face id given by
``DIALOOG_PYANNOTE_PIPELINE`` (default ``pyannote/speaker-diarization-3.1``),
from the local cache unless downloads are allowed.
"""

from __future__ import annotations

import os

from pipeline.audio.load import AudioData
from pipeline.audio.segments import Diarization, SpeakerTurn
from pipeline.errors import MissingDependencyError, ModelNotAvailableError
from pipeline.options import DiarizeOptions

DEFAULT_PIPELINE = "pyannote/speaker-diarization-3.1"


class PyannoteDiarizer:
    def __init__(self) -> None:
        try:
            from pyannote.audio import Pipeline
        except ImportError as exc:
            raise MissingDependencyError("pyannote.audio (diarization backend 'pyannote')", "pyannote") from exc
        ref = os.environ.get("DIALOOG_PYANNOTE_PIPELINE", DEFAULT_PIPELINE)
        self.name = f"pyannote:{ref}"
        try:
            self.pipeline = Pipeline.from_pretrained(ref)
        except Exception as exc:  # noqa: BLE001 - hub errors vary
            raise ModelNotAvailableError(
                f"pyannote pipeline {ref!r} is not available offline — accept its licence on huggingface.co, "
                f"download it once (--allow-download with HF_TOKEN set) or set DIALOOG_PYANNOTE_PIPELINE to a local folder"
            ) from exc
        if self.pipeline is None:
            raise ModelNotAvailableError(f"pyannote pipeline {ref!r} could not be loaded (gated model: set HF_TOKEN)")

    def diarize(self, audio: AudioData, options: DiarizeOptions) -> Diarization:
        import torch

        kw = {}
        if options.num_speakers:
            kw["num_speakers"] = options.num_speakers
        else:
            kw.update(min_speakers=options.min_speakers, max_speakers=options.max_speakers)
        wave = torch.from_numpy(audio.mono()[None, :].copy())
        ann = self.pipeline({"waveform": wave, "sample_rate": audio.sample_rate}, **kw)
        ann = getattr(ann, "speaker_diarization", ann)
        names: dict[str, str] = {}
        turns = []
        for seg, _, label in sorted(ann.itertracks(yield_label=True), key=lambda x: x[0].start):
            names.setdefault(label, f"SPEAKER_{len(names):02d}")
            turns.append(SpeakerTurn(names[label], round(seg.start, 3), round(seg.end, 3)))
        return Diarization(tuple(turns), self.name)
