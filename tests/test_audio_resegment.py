"""Viterbi resegmentation, speech-mask padding and ASR ‖ diarization in two threads."""

from __future__ import annotations

import threading

import numpy as np
import pytest

pytest.importorskip("av")

from models.diarize import vad  # noqa: E402
from models.diarize.resemblyzer_backend import viterbi  # noqa: E402
from models.speech import transcribe_meeting  # noqa: E402
from pipeline.audio.segments import AsrSegment, SpeakerTurn  # noqa: E402
from pipeline.options import AudioOptions  # noqa: E402
from pipeline.types import Meeting, Participant, Word  # noqa: E402
from tests._audio_util import CountingDiarizer, CountingTranscriber, tone, write_audio  # noqa: E402

MEETING = Meeting(id="m1", language="en", participants=(Participant("Sanne", "buyer"), Participant("Ravi", "supplier")))


def _scores(labels: list[int], k: int = 2, margin: float = 0.1) -> np.ndarray:
    s = np.full((len(labels), k), 0.5)
    s[np.arange(len(labels)), labels] += margin
    return s


def test_viterbi_without_penalty_is_the_framewise_best():
    rng = np.random.default_rng(1)
    s = rng.random((50, 3))
    assert np.array_equal(viterbi(s, 0.0), np.argmax(s, axis=1))


def test_viterbi_drops_a_short_flip_but_keeps_a_real_turn():
    blip = [0] * 20 + [1] * 3 + [0] * 20          # 3 frames of weak evidence: 0.3 < penalty
    turn = [0] * 20 + [1] * 30 + [0] * 20         # 30 frames: 3.0 > penalty
    assert set(viterbi(_scores(blip), 1.5)) == {0}
    out = viterbi(_scores(turn), 1.5)
    assert list(out) == turn


def test_viterbi_edge_cases():
    assert viterbi(np.zeros((0, 2)), 1.5).size == 0
    assert list(viterbi(np.ones((4, 1)), 1.5)) == [0, 0, 0, 0]
    assert list(viterbi(_scores([1, 1, 0, 0, 0, 0]), 0.05)) == [1, 1, 0, 0, 0, 0]


def test_pad_widens_speech_runs_within_bounds():
    m = np.array([0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1], bool)
    assert list(vad.pad(m, 2).astype(int)) == [0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1]
    assert list(vad.pad(m, 0)) == list(m) and not vad.pad(np.zeros(5, bool), 3).any()
    probs = np.array([0.0] * 20 + [0.9] * 20 + [0.0] * 20)
    plain, padded = vad.speech_mask(probs), vad.speech_mask(probs, pad_s=3 * vad.FRAME_S)
    assert padded.sum() == plain.sum() + 6 and padded[plain].all()


def test_speech_mask_bridges_pauses_shorter_than_min_pause():
    probs = np.array([0.9] * 20 + [0.0] * 10 + [0.9] * 20)     # a 0.32 s pause
    assert not vad.speech_mask(probs, min_pause_s=0.25)[25]
    assert vad.speech_mask(probs, min_pause_s=0.5)[25]


class _ThreadRecordingDiarizer(CountingDiarizer):
    def diarize(self, audio, options):
        self.thread = threading.current_thread().name
        return super().diarize(audio, options)


class _FailingDiarizer(CountingDiarizer):
    def diarize(self, audio, options):
        raise RuntimeError("diarizer broke")


def _fakes():
    asr = CountingTranscriber((AsrSegment(0.0, 2.6, "good morning hello", (
        Word("good", 0.0, 0.4), Word("morning", 0.4, 1.0), Word("hello", 1.8, 2.5))),))
    dia = _ThreadRecordingDiarizer((SpeakerTurn("SPEAKER_00", 0.0, 1.2), SpeakerTurn("SPEAKER_01", 1.6, 2.6)))
    return asr, dia


def test_parallel_and_serial_paths_give_the_same_transcript(tmp_path):
    p = write_audio(tmp_path / "a.wav", tone(3.0, 16000), "pcm_s16le", 16000)
    asr, dia = _fakes()
    par = transcribe_meeting(p, MEETING, AudioOptions(use_cache=False), transcriber=asr, diarizer=dia)
    assert dia.thread != threading.current_thread().name           # diarized in the second thread
    asr2, dia2 = _fakes()
    ser = transcribe_meeting(p, MEETING, AudioOptions(use_cache=False, parallel=False), transcriber=asr2, diarizer=dia2)
    assert dia2.thread == threading.current_thread().name
    assert par.utterances == ser.utterances and [u.speaker for u in par.utterances] == ["Sanne", "Ravi"]
    assert (asr.calls, dia.calls, asr2.calls, dia2.calls) == (1, 1, 1, 1)


def test_an_error_in_the_diarizer_thread_reaches_the_caller(tmp_path):
    p = write_audio(tmp_path / "a.wav", tone(2.0, 16000), "pcm_s16le", 16000)
    with pytest.raises(RuntimeError, match="diarizer broke"):
        transcribe_meeting(p, MEETING, AudioOptions(use_cache=False), transcriber=CountingTranscriber(),
                           diarizer=_FailingDiarizer())


def test_shared_silero_pass_is_served_to_faster_whisper_once():
    fv = pytest.importorskip("faster_whisper.vad")
    from models.diarize.shared_vad import SharedSpeech, serve_faster_whisper

    x = (0.1 * np.sin(np.arange(16000 * 3) / 7.0)).astype(np.float32)
    shared = SharedSpeech(x)
    real = fv.get_vad_model
    padded = np.pad(x, (0, 512 - x.size % 512))
    with serve_faster_whisper(shared):
        assert fv.get_vad_model is not real
        first = fv.get_vad_model()(padded)
        assert fv.get_vad_model()(padded) is first                  # computed once, then reused
        other = np.pad(x[:16000], (0, 512 - 16000 % 512))
        assert fv.get_vad_model()(other).shape[0] == other.size // 512   # other audio: the real model
    assert fv.get_vad_model is real                                   # restored
    assert np.allclose(np.asarray(first).reshape(-1), real()(padded).reshape(-1))
    assert shared.frame_probabilities().size == -(-x.size // 512)


def test_solo_stretches_leave_out_overlap_and_short_bits():
    from scripts.eval_diarization import solo_stretches

    ref = (SpeakerTurn("A", 0.0, 4.0), SpeakerTurn("B", 3.0, 6.0), SpeakerTurn("A", 6.2, 6.5), SpeakerTurn("A", 7.0, 9.0))
    got = solo_stretches(ref, "A")
    assert [(round(a, 2), round(b, 2)) for a, b in got] == [(0.0, 3.0), (7.0, 9.0)]   # 6.2–6.5 too short
    assert [(round(a, 2), round(b, 2)) for a, b in solo_stretches(ref, "B")] == [(4.0, 6.0)]
    assert solo_stretches((), "A") == []


def test_cli_serial_audio_flag_reaches_the_audio_options():
    import argparse

    from flows.commands.common import add_analysis_options, analysis_options

    p = argparse.ArgumentParser()
    add_analysis_options(p)
    assert analysis_options(p.parse_args([])).audio.parallel is True
    assert analysis_options(p.parse_args(["--serial-audio"])).audio.parallel is False
