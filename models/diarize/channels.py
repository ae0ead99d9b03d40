"""Per-channel diarization for stereo calls recorded with one party per channel.

Each channel gets its own speaker (``SPEAKER_00`` = left, ``SPEAKER_01`` = right).
A frame counts as that channel's speech when Silero hears speech there and the
channel is not just the other party's echo (at most ``LEAK_DB`` quieter).
Both channels speaking at once is kept as overlap.
"""

from __future__ import annotations

import numpy as np

from models.diarize import vad
from pipeline.audio.load import AudioData
from pipeline.audio.segments import Diarization, SpeakerTurn
from pipeline.options import DiarizeOptions

LEAK_DB = 15.0


class ChannelDiarizer:
    name = "channels+silero@1"

    def diarize(self, audio: AudioData, options: DiarizeOptions) -> Diarization:
        masks, energies = [], []
        for ch in range(audio.channels):
            x = audio.samples[ch]
            masks.append(vad.speech_mask(vad.speech_probabilities(x)))
            n = masks[-1].size
            pad = np.pad(x, (0, n * vad.FRAME - x.size)) if n * vad.FRAME > x.size else x[: n * vad.FRAME]
            energies.append(10 * np.log10(np.mean(pad.reshape(n, vad.FRAME) ** 2, axis=1) + 1e-10))
        if audio.channels > 1:
            loudest = np.max(np.stack(energies), axis=0)
            masks = [m & (e >= loudest - LEAK_DB) for m, e in zip(masks, energies)]
        turns = []
        for ch, m in enumerate(masks):
            m = vad.fill_short(m, True, int(round(options.min_speech_s / vad.FRAME_S)) or 1)
            turns += [SpeakerTurn(f"SPEAKER_{ch:02d}", round(a, 3), round(b, 3)) for a, b in vad.regions(m)]
        return Diarization(tuple(sorted(turns, key=lambda t: (t.start, t.speaker))), self.name)
